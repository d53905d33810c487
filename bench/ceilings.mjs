/**
 * The ceilings a route is compared with: a bare node:http JSON server, a bare Koa route, and Koa with
 * @koa/router reading and parsing the JSON body, as the calendar's own stack does before any of its
 * middleware or use cases run. argv: node|koa|koa-router. `?bytes=N` makes each answer a JSON body
 * of exactly N bytes (built once per size), so a route can also be compared with a server sending an
 * answer as large as its own.
 */
import Router from '@koa/router';
import { createServer } from 'node:http';
import Koa from 'koa';

const small = JSON.stringify([{ event_id: 'e1', start: '2025-06-20T03:00:00Z', end: '2025-06-20T04:00:00Z', site: 'saf' }]);
const bySize = new Map();
function payload(url) {
  const bytes = Number(new URL(url, 'http://x').searchParams.get('bytes') ?? 0);
  if (!(bytes > small.length)) return small;
  let body = bySize.get(bytes);
  if (!body) {
    body = `["${'x'.repeat(bytes - 4)}"]`;
    bySize.set(bytes, body);
  }
  return body;
}

let handler;
if (process.argv[2] === 'koa') {
  const app = new Koa();
  app.use((ctx) => {
    ctx.type = 'application/json';
    ctx.body = payload(ctx.url);
  });
  handler = app.callback();
} else if (process.argv[2] === 'koa-router') {
  const app = new Koa();
  const router = new Router();
  router.post('/', async (ctx) => {
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    ctx.state.body = text ? JSON.parse(text) : {};
    ctx.type = 'application/json';
    ctx.body = payload(ctx.url);
  });
  app.use(router.routes());
  handler = app.callback();
} else {
  handler = (req, res) => {
    req.resume();
    req.on('end', () => {
      const body = payload(req.url);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  };
}
const server = createServer(handler);
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`));
