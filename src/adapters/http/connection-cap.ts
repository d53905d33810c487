import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { rawAnswer } from './client-error.js';

/** What the cap knows of one connection. */
interface Connection {
  /** Requests whose headers are in and whose answer is not finished yet. */
  readonly requests: Set<IncomingMessage>;
  /** The bytes read when its last answer finished; undefined until one has. */
  idleAt: number | undefined;
  /** New, within its grace, with no request answered yet: it holds no place (see GRACE_MS). */
  young: boolean;
  /** The peer's address as it was at the connection's opening (a closed socket forgets it). */
  readonly address: string;
}

/**
 * How long a new connection has to send its first request whole before it counts against the cap.
 * A burst of honest requests on new connections (65 or 200 fetches at once, or a server that was
 * busy for a moment and then accepts a whole backlog in one go) opens them all before any has been
 * read: counted at once, the 65th was refused although every one of them was about to send a whole
 * request. A connection whose request is in within the grace never counts; one still sending after
 * it counts from then, and past the cap it is closed (the newest first).
 */
const GRACE_MS = 1000;

/** New connections one address may have within their grace at once, as a multiple of the cap: a ceiling on a flood of them. */
const YOUNG_PER_CAP = 16;

/**
 * A connection holds a place while it waits for a request to arrive whole: once its grace is over
 * until its first request is in, a body still arriving, the next request begun on a kept-alive
 * connection. It holds none while within its grace (young), while every request on it is complete
 * (being answered), or while it is kept alive and idle: a client whose requests arrive whole within
 * the grace is never refused, however many connections it keeps (Node's fetch opens up to twice as
 * many as it has requests in flight, a proxy shares one address among all its clients), up to
 * YOUNG_PER_CAP times the cap new ones at once.
 */
function holdsAPlace(socket: Socket, connection: Connection): boolean {
  if (connection.young) return false;
  if (connection.requests.size > 0) {
    for (const request of connection.requests) if (!request.complete) return true;
    return false;
  }
  return connection.idleAt === undefined || socket.bytesRead > connection.idleAt;
}

/**
 * Caps the connections of one client address that hold a place without having sent a whole
 * request (holdsAPlace). Past `perClient` of those, a new connection is closed before any request
 * on it is read, and a connection whose grace ends while it holds a place is closed when that puts
 * its address over `perClient` (a short 503 is written first, on a best-effort basis: the close
 * comes at once, so no request on a refused connection ever reaches a route). Together with the
 * body deadline this bounds what one client holding many slow connections can take from others.
 * Each refusal is reported to `onRefused`. Returns the open connections per address.
 */
export function capConnectionsPerClient(server: Server, perClient: number, onRefused?: (address: string) => void): ReadonlyMap<string, ReadonlyMap<Socket, Connection>> {
  const open = new Map<string, Map<Socket, Connection>>();
  if (perClient <= 0) return open;
  const connections = new WeakMap<Socket, Connection>();
  const youngPerAddress = new Map<string, number>();
  const placesHeld = (sockets: ReadonlyMap<Socket, Connection>, atMost: number): number => {
    let held = 0;
    for (const [socket, connection] of sockets) {
      if (holdsAPlace(socket, connection) && ++held >= atMost) break;
    }
    return held;
  };
  const refuse = (socket: Socket, address: string): void => {
    onRefused?.(address);
    socket.write(rawAnswer(503, 'Service Unavailable', `Too many connections from one address (at most ${perClient}).`, { 'Retry-After': '5' }));
    socket.destroy();
  };
  const grown = (connection: Connection): void => {
    if (!connection.young) return;
    connection.young = false;
    const young = (youngPerAddress.get(connection.address) ?? 1) - 1;
    if (young > 0) youngPerAddress.set(connection.address, young);
    else youngPerAddress.delete(connection.address);
  };
  // Before Node's own listener, which would start parsing requests on the socket.
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    let sockets = open.get(address);
    const young = youngPerAddress.get(address) ?? 0;
    if (sockets && ((sockets.size >= perClient && placesHeld(sockets, perClient) >= perClient) || young >= perClient * YOUNG_PER_CAP)) {
      refuse(socket, address);
      return;
    }
    if (!sockets) open.set(address, (sockets = new Map()));
    const connection: Connection = { requests: new Set(), idleAt: undefined, young: true, address };
    youngPerAddress.set(address, young + 1);
    sockets.set(socket, connection);
    connections.set(socket, connection);
    const grace = setTimeout(() => {
      grown(connection);
      // Still sending its first request: it counts now, and is closed if that is one too many.
      if (!socket.destroyed && holdsAPlace(socket, connection) && placesHeld(sockets, perClient + 1) > perClient) {
        sockets.delete(socket);
        refuse(socket, address);
      }
    }, GRACE_MS);
    grace.unref();
    socket.once('close', () => {
      clearTimeout(grace);
      grown(connection);
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
      grown(connection);
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
