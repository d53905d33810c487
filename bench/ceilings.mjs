/** The ceilings a route is compared with: a bare node:http JSON server, and a bare Koa route. argv: node|koa */
import { createServer } from 'node:http';
import Koa from 'koa';

const payload = JSON.stringify([{ event_id: 'e1', start: '2025-06-20T03:00:00Z', end: '2025-06-20T04:00:00Z', site: 'saf' }]);
let handler;
if (process.argv[2] === 'koa') {
  const app = new Koa();
  app.use((ctx) => {
    ctx.type = 'application/json';
    ctx.body = payload;
  });
  handler = app.callback();
} else {
  handler = (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    });
  };
}
const server = createServer(handler);
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`));
