import type { IncomingMessage } from 'node:http';

/**
 * Whether a request came from a client on this machine straight to the server, for what only this
 * machine may use (GET /metrics in `local` mode, POST /dev/token). The server sees the connection's
 * peer address and the headers, nothing more. A reverse proxy on this machine connects from loopback
 * too: one that says so (a Forwarded, X-Forwarded-For, -Host or -Proto, X-Real-IP or Via header, or the public name
 * in Host) is recognised, but one that adds nothing (nginx's plain `proxy_pass` sends no forwarding
 * header and sets Host to the upstream's own address) cannot be told from a local client; README,
 * "Behind a reverse proxy".
 */
export function straightFromThisMachine(req: IncomingMessage): boolean {
  return isLoopback(req.socket.remoteAddress) && !carriesProxyHeaders(req) && isLoopbackHost(req.headers.host);
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** The headers a proxy adds to say whom it forwards (any one of them is enough to refuse). */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'via'] as const;

function carriesProxyHeaders(req: Pick<IncomingMessage, 'headers'>): boolean {
  return PROXY_HEADERS.some((name) => req.headers[name] !== undefined);
}

/**
 * A Host header naming this machine by a loopback name (`localhost`, `127.x.x.x`, `[::1]`, with or
 * without a port). A proxy that passes the public name on, or a page whose own name was made to
 * resolve to 127.0.0.1 (DNS rebinding), is not this machine.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::\d{1,5})?$/.exec(host);
  if (!match) return false;
  const name = match[1]!.toLowerCase();
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/**
 * The request comes from a page of the server's own origin, or from a program that is not a page
 * (one that sends neither Origin nor Sec-Fetch-Site). A browser names the page that sent a request
 * in Sec-Fetch-Site (and in Origin on a POST or a CORS request): a page of another origin on this
 * machine passes straightFromThisMachine, so what only this machine may use refuses it by these.
 */
export function fromThisOriginOrNoPage(req: Pick<IncomingMessage, 'headers'>): boolean {
  const header = (name: string): string => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : '';
  };
  const fetchSite = header('sec-fetch-site');
  if (fetchSite !== '' && fetchSite !== 'same-origin') return false;
  const origin = header('origin');
  if (origin === '') return true;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === header('host').toLowerCase();
  } catch {
    return false; // "null" (a sandboxed or file: page) and anything else that is no origin
  }
}
