import { request } from 'node:http';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js';

/**
 * A reverse proxy on this machine as nginx's plain `proxy_pass http://127.0.0.1:<port>;` is: it
 * connects from loopback, sets Host to the upstream's own address and adds no forwarding header, so
 * the upstream cannot tell its clients from a client on this machine.
 */
export function startPlainProxy(upstream: string): Promise<LoopbackServer> {
  const target = new URL(upstream);
  return startLoopbackServer((req, res, body) => new Promise<void>((resolve, reject) => {
    const headers = { ...req.headers, host: target.host, connection: 'close' };
    const forwarded = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('end', resolve);
    });
    forwarded.on('error', reject);
    forwarded.end(body);
  }));
}
