/** The Koa edge on its own: unknown errors, request ids and logging. */
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { A_ROUTE_DOC } from '../support/builders.js';
import type { Route } from '../../src/adapters/http/route.js';
import { StoreUnavailableError } from '../../src/domain/errors.js';
import { testKoaApp } from '../support/koa-app.js';

async function serve(routes: Route[], maxInFlight = 256, pageFolder?: string) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk)) as Record<string, unknown>); done(); } });
  const app = testKoaApp({
    routes,
    maxInFlight,
    logger: pino({ level: 'info' }, sink),
    readinessCheck: async () => { throw new StoreUnavailableError('database is locked'); },
    ...(pageFolder ? { pageFolder } : {}),
  });
  const server = createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, lines, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const exploding: Route = {
  method: 'POST', path: '/explode', auth: 'none', hasBody: true, doc: A_ROUTE_DOC,
  handle: async () => { throw new TypeError("Cannot read properties of undefined (reading 'secret-internal-detail')"); },
};

it('an unknown error is a 500 with a generic plain-text body naming the request id, logged with its stack', async () => {
  const s = await serve([exploding]);
  try {
    const res = await fetch(`${s.url}/explode`, { method: 'POST', body: '{}', headers: { 'x-request-id': 'req-123' } });
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(text).toBe('Internal server error (request id req-123).');
    expect(text).not.toContain('secret-internal-detail');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('x-request-id')).toBe('req-123');
    const logged = s.lines.find((l) => l.msg === 'request failed');
    expect(logged).toMatchObject({ requestId: 'req-123', level: 50 });
    expect(JSON.stringify(logged)).toContain('secret-internal-detail');
    expect(s.lines.find((l) => l.msg === 'request')).toMatchObject({ requestId: 'req-123', method: 'POST', path: '/explode', status: 500 });
  } finally {
    await s.close();
  }
});

it('a request id is made when none (or a malformed one) is offered', async () => {
  const s = await serve([exploding]);
  try {
    const res = await fetch(`${s.url}/explode`, { method: 'POST', body: '{}', headers: { 'x-request-id': 'bad id with spaces' } });
    const again = await fetch(`${s.url}/explode`, { method: 'POST', body: '{}' });
    // The process's random prefix and a count: unique without random bytes per request.
    const [first, second] = [res, again].map((r) => /^([\w-]{8})-([0-9a-z]+)$/.exec(r.headers.get('x-request-id') ?? ''));
    expect(first?.[1]).toBe(second?.[1]);
    expect(parseInt(second![2]!, 36)).toBe(parseInt(first![2]!, 36) + 1);
  } finally {
    await s.close();
  }
});

it('/readyz reports 503 with the reason when storage is unavailable, while /healthz (liveness) stays 200', async () => {
  const s = await serve([]);
  try {
    const res = await fetch(`${s.url}/readyz`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.text()).toBe('Not ready: database is locked');
    const live = await fetch(`${s.url}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
  } finally {
    await s.close();
  }
});

it('a chunked body with no Content-Length is cut off with 413 once it passes 1 MiB', async () => {
  const echo: Route = { method: 'POST', path: '/echo', auth: 'none', hasBody: true, doc: A_ROUTE_DOC, handle: async ({ body }) => body };
  const s = await serve([echo]);
  try {
    const chunk = new TextEncoder().encode(`"${'x'.repeat(64 * 1024)}",`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"a":['));
        if (sent < 40) controller.enqueue(chunk);
        else controller.close();
        sent += 1;
      },
    });
    const big = await fetch(`${s.url}/echo`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(big.status).toBe(413);
    const small = await fetch(`${s.url}/echo`, { method: 'POST', body: '{"ok":true}' });
    expect(await small.json()).toEqual({ ok: true });
  } finally {
    await s.close();
  }
});

it('a shed request is one short warn line with the running count, never an error with a stack', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow: Route = { method: 'POST', path: '/slow', auth: 'none', hasBody: true, doc: A_ROUTE_DOC, handle: async () => { await gate; return { ok: true }; } };
  const s = await serve([slow], 2);
  try {
    const held = [0, 1].map(() => fetch(`${s.url}/slow`, { method: 'POST', body: '{}' }));
    await new Promise((r) => setTimeout(r, 100));
    const shed = await Promise.all([0, 1, 2].map(() => fetch(`${s.url}/slow`, { method: 'POST', body: '{}' })));
    expect(shed.map((r) => r.status)).toEqual([503, 503, 503]);
    release();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    const lines = s.lines.filter((l) => l.msg === 'request shed');
    expect(lines.map((l) => l.shedTotal)).toEqual([1, 2, 3]);
    for (const line of lines) {
      expect(line).toMatchObject({ level: 40, method: 'POST', path: '/slow', status: 503 });
      expect(line.err).toBeUndefined();
      expect(JSON.stringify(line).length).toBeLessThan(300);
    }
    expect(s.lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
  } finally {
    await s.close();
  }
});

it('a server whose page is not built answers GET / with a 503 saying how to build it, without its own paths, and serves the API', async () => {
  const s = await serve([], 256, '/nonexistent/calendar-build/dist/web');
  try {
    const page = await fetch(`${s.url}/`);
    const text = await page.text();
    expect([page.status, text]).toEqual([503, 'The calendar page is not built on this server (npm run build makes it); the API works without it.']);
    expect(text).not.toContain('/nonexistent');
    expect((await fetch(`${s.url}/assets/calendar-ABC.js`)).status).toBe(503);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  } finally {
    await s.close();
  }
});
