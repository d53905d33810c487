import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { rawAnswer } from './client-error.js';

/**
 * Caps the connections one client address may hold open at once: past `perClient`, a new connection
 * is closed before any request on it is read (a short 503 is written first, on a best-effort basis:
 * the close comes at once, so no request on a refused connection ever reaches a route). Together with
 * the body deadline this bounds what one client holding many slow connections can take from others.
 * Returns the live count of connections per address.
 */
export function capConnectionsPerClient(server: Server, perClient: number, onRefused?: (address: string) => void): ReadonlyMap<string, number> {
  const open = new Map<string, number>();
  if (perClient <= 0) return open;
  // Before Node's own listener, which would start parsing requests on the socket.
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = open.get(address) ?? 0;
    if (count >= perClient) {
      onRefused?.(address);
      socket.write(rawAnswer(503, 'Service Unavailable', `Too many connections from one address (at most ${perClient}).`, { 'Retry-After': '5' }));
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
  return open;
}
