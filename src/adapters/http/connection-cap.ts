import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { rawAnswer } from './client-error.js';

/** What the cap knows of one connection. */
interface Connection {
  /** Requests whose headers are in and whose answer is not finished yet. */
  readonly requests: Set<IncomingMessage>;
  /** The bytes read when its last answer finished; undefined until one has. */
  idleAt: number | undefined;
}

/**
 * A connection holds a place while it waits for a request to arrive whole: from its opening until
 * its first request is in, a body still arriving, the next request begun on a kept-alive connection.
 * It holds none while every request on it is complete (being answered), or while it is kept alive
 * and idle: a client whose requests are complete is never refused, however many connections it
 * keeps (Node's fetch opens up to twice as many as it has requests in flight, a proxy shares one
 * address among all its clients).
 */
function holdsAPlace(socket: Socket, connection: Connection): boolean {
  if (connection.requests.size > 0) {
    for (const request of connection.requests) if (!request.complete) return true;
    return false;
  }
  return connection.idleAt === undefined || socket.bytesRead > connection.idleAt;
}

/**
 * Caps the connections of one client address that hold a place without having sent a whole
 * request (holdsAPlace): past `perClient` of those, a new connection is closed before any request
 * on it is read (a short 503 is written first, on a best-effort basis: the close comes at once, so
 * no request on a refused connection ever reaches a route). Together with the body deadline this
 * bounds what one client holding many slow connections can take from others. The count is made
 * only when the address already has `perClient` connections open, and stops at the cap. Returns the
 * open connections per address.
 */
export function capConnectionsPerClient(server: Server, perClient: number, onRefused?: (address: string) => void): ReadonlyMap<string, ReadonlyMap<Socket, Connection>> {
  const open = new Map<string, Map<Socket, Connection>>();
  if (perClient <= 0) return open;
  const connections = new WeakMap<Socket, Connection>();
  const placesHeld = (sockets: ReadonlyMap<Socket, Connection>): number => {
    let held = 0;
    for (const [socket, connection] of sockets) {
      if (holdsAPlace(socket, connection) && ++held >= perClient) break;
    }
    return held;
  };
  // Before Node's own listener, which would start parsing requests on the socket.
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    let sockets = open.get(address);
    if (sockets && sockets.size >= perClient && placesHeld(sockets) >= perClient) {
      onRefused?.(address);
      socket.write(rawAnswer(503, 'Service Unavailable', `Too many connections from one address (at most ${perClient}).`, { 'Retry-After': '5' }));
      socket.destroy();
      return;
    }
    if (!sockets) open.set(address, (sockets = new Map()));
    const connection: Connection = { requests: new Set(), idleAt: undefined };
    sockets.set(socket, connection);
    connections.set(socket, connection);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0 && open.get(address) === sockets) open.delete(address);
    });
  });
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const connection = connections.get(req.socket);
    if (!connection) return;
    connection.requests.add(req);
    const answered = (): void => {
      if (!connection.requests.delete(req)) return;
      connection.idleAt = req.socket.bytesRead;
    };
    res.once('finish', answered);
    res.once('close', answered);
  });
  return open;
}

/**
 * Reports refused connections without letting one address flood the log: the first refusal of an
 * address is written at once, then at most one line per address every `intervalMs`, saying how many
 * it refused since its last line (`refused`). A flood of 16 000 refusals in 3 s is one or two lines.
 */
export function throttledRefusals(write: (address: string, refused: number) => void, intervalMs = 10_000): (address: string) => void {
  /** Refusals since the address's last line, for the addresses refused within the last interval. */
  const pending = new Map<string, number>();
  const flush = (address: string): void => {
    const refused = pending.get(address) ?? 0;
    if (refused === 0) {
      pending.delete(address);
      return;
    }
    write(address, refused);
    pending.set(address, 0);
    setTimeout(flush, intervalMs, address).unref();
  };
  return (address) => {
    const refused = pending.get(address);
    if (refused !== undefined) {
      pending.set(address, refused + 1);
      return;
    }
    pending.set(address, 1);
    flush(address);
  };
}
