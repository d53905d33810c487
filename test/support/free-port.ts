import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on at the moment of asking: for a server the test starts there, or
 * as a service that is down. (Another process could take it in between; on a test machine none does.)
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
