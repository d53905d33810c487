/**
 * GET /metrics: the Prometheus text format (checked with prom-client's own parser of its output,
 * line by line), what it counts, and who may read it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { type MetricsAccess } from '../../src/adapters/http/koa/metrics-route.js';
import { isLoopback, isLoopbackHost } from '../../src/adapters/http/this-machine.js';
import { PrometheusMetrics } from '../../src/adapters/http/prometheus-metrics.js';
import { A_ROUTE_DOC } from '../support/builders.js';
import type { Route } from '../../src/adapters/http/route.js';
import { StoreUnavailableError } from '../../src/domain/errors.js';
import { loadConfig } from '../../src/bootstrap/config.js';
import { startServer } from '../../src/bootstrap/server.js';
import { startPlainProxy } from '../support/plain-proxy.js';
import { testKoaApp } from '../support/koa-app.js';
import { tempDir } from '../support/temp-dir.js';

const ok: Route = { method: 'POST', path: '/ok', auth: 'none', hasBody: true, doc: A_ROUTE_DOC, handle: async () => ({ ok: true }) };
const byName: Route = { method: 'GET', path: '/things/{name}', auth: 'none', hasBody: false, doc: A_ROUTE_DOC, handle: async () => ({ ok: true }) };
const busy: Route = { method: 'POST', path: '/busy', auth: 'none', hasBody: true, doc: A_ROUTE_DOC, handle: async () => { throw new StoreUnavailableError('locked'); } };
const broken: Route = { method: 'POST', path: '/broken', auth: 'none', hasBody: true, doc: A_ROUTE_DOC, handle: async () => { throw new Error('bug'); } };
const change: Route = { method: 'POST', path: '/change', auth: 'none', hasBody: true, doc: A_ROUTE_DOC, limit: 'changes', handle: async () => ({ ok: true }) };

async function serve(options: { access?: MetricsAccess; maxInFlight?: number; routes?: Route[]; metrics?: PrometheusMetrics | null } = {}) {
  const metrics = options.metrics === null ? undefined : options.metrics ?? new PrometheusMetrics();
  const app = testKoaApp({
    routes: options.routes ?? [ok, byName, busy, broken, change],
    rateLimitPerMinute: 2, maxInFlight: options.maxInFlight ?? 256,
    ...(metrics ? { metrics } : {}),
    ...(options.access ? { metricsAccess: options.access } : {}),
  });
  const server = createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Every sample line of the text format as [name{labels}, value]; fails on a line that is not one. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})?) (-?[0-9.e+-]+|NaN|\+Inf)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    found.set(match[1]!, Number(match[2]));
  }
  return found;
}

const post = (url: string, body = '{}') => fetch(url, { method: 'POST', body });

it('counts requests by method, route pattern and status, with latency histograms, in the text format', async () => {
  const s = await serve();
  try {
    await post(`${s.url}/ok`);
    await post(`${s.url}/ok`);
    await fetch(`${s.url}/things/first`);
    await fetch(`${s.url}/things/second`);
    await fetch(`${s.url}/a-path-a-stranger-made-up-${Math.random()}`);
    const res = await fetch(`${s.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const m = samples(text);
    expect(m.get('calendar_http_requests_total{method="POST",route="/ok",status="200"}')).toBe(2);
    // Parameters are one series, and made-up paths are "unmatched", never a series each.
    expect(m.get('calendar_http_requests_total{method="GET",route="/things/:name",status="200"}')).toBe(2);
    expect(m.get('calendar_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
    expect(text).not.toContain('a-path-a-stranger-made-up');
    expect(m.get('calendar_http_request_duration_seconds_count{method="POST",route="/ok",status="200"}')).toBe(2);
    expect(m.get('calendar_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/ok",status="200"}')).toBe(2);
    expect([...m.keys()].some((k) => k.startsWith('calendar_process_cpu_seconds_total'))).toBe(true);
  } finally {
    await s.close();
  }
});

it('counts store errors, unexpected errors, rate-limited and shed requests', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow: Route = { method: 'POST', path: '/slow', auth: 'none', hasBody: true, doc: A_ROUTE_DOC, handle: async () => { await gate; return {}; } };
  const s = await serve({ maxInFlight: 1, routes: [busy, broken, change, slow] });
  try {
    expect((await post(`${s.url}/busy`)).status).toBe(503);
    expect((await post(`${s.url}/broken`)).status).toBe(500);
    expect((await Promise.all([1, 2, 3].map(() => post(`${s.url}/change`)))).map((r) => r.status).sort()).toEqual([200, 200, 429]);
    const held = post(`${s.url}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    expect((await post(`${s.url}/slow`)).status).toBe(503);
    release();
    await held;
    const m = samples(await (await fetch(`${s.url}/metrics`)).text());
    expect(m.get('calendar_store_errors_total{kind="STORE_UNAVAILABLE"}')).toBe(1);
    expect(m.get('calendar_store_errors_total{kind="unexpected"}')).toBe(1);
    expect(m.get('calendar_http_rate_limited_total{limit="changes"}')).toBe(1);
    expect(m.get('calendar_http_shed_total')).toBe(1);
  } finally {
    await s.close();
  }
});

it('import runs are counted by subsite and outcome', async () => {
  const metrics = new PrometheusMetrics({ processMetrics: false });
  metrics.importFinished('mrc1', 'imported', 0.4);
  metrics.importFinished('mrc1', 'skipped', 0.01);
  metrics.importFinished('mrc1', 'skipped', 0.01);
  const m = samples((await metrics.render()).text);
  expect(m.get('calendar_import_runs_total{subsite="mrc1",status="imported"}')).toBe(1);
  expect(m.get('calendar_import_runs_total{subsite="mrc1",status="skipped"}')).toBe(2);
  expect(m.get('calendar_import_duration_seconds_count{subsite="mrc1"}')).toBe(3);
});

describe('who may read /metrics', () => {
  it('by default only a client on this machine that came straight to the server by a loopback name', async () => {
    const s = await serve();
    try {
      expect((await fetch(`${s.url}/metrics`)).status).toBe(200);
      const proxied = await fetch(`${s.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(proxied.status).toBe(404);
      expect(await proxied.text()).toBe('Not found.');
      // Any header by which a proxy says it forwards, or the public name a proxy passes on in Host
      // (nginx's `proxy_set_header Host $host`): before, only the first two were refused.
      const refused: Record<string, string>[] = [
        { forwarded: 'for=203.0.113.9' }, { 'x-real-ip': '203.0.113.9' }, { 'x-forwarded-host': 'calendar.example.org' },
        { 'x-forwarded-proto': 'https' }, { via: '1.1 nginx' }, { host: 'calendar.example.org' },
      ];
      const statuses = await Promise.all(refused.map(async (headers) => (await rawGet(s.url, '/metrics', headers)).status));
      process.stderr.write(`metrics, local: ${refused.length} proxied requests, statuses ${JSON.stringify(statuses)}\n`);
      expect(statuses).toEqual(refused.map(() => 404));
      expect((await rawGet(s.url, '/metrics', { host: 'localhost' })).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('a token: whoever sends it as a bearer token, from anywhere; anyone else gets the 404 of a path that does not exist', async () => {
    const token = 'scraper-secret-0123456789';
    const s = await serve({ access: { token } });
    try {
      const statuses = await Promise.all(([
        {}, { authorization: `Bearer ${token}x` }, { authorization: token }, { authorization: 'Bearer ' },
      ] as Record<string, string>[]).map(async (headers) => (await fetch(`${s.url}/metrics`, { headers })).status));
      expect(statuses).toEqual([404, 404, 404, 404]);
      const read = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.9' } });
      expect(read.status).toBe(200);
      expect(await read.text()).toContain('calendar_http_requests_total');
    } finally {
      await s.close();
    }
  });

  it('public: anyone; off, or no metrics: nobody', async () => {
    for (const [options, status] of [[{ access: 'public' as const }, 200], [{ access: 'off' as const }, 404], [{ metrics: null }, 404]] as const) {
      const s = await serve(options);
      try {
        expect((await fetch(`${s.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(status);
      } finally {
        await s.close();
      }
    }
  });

  it('for scrapers, not pages: no CORS header on it or its preflight, and a browser request from another origin refused (issue 28, F3)', async () => {
    const s = await serve();
    try {
      const { port } = new URL(s.url);
      const answers = await Promise.all([
        rawGet(s.url, '/metrics', {}), rawGet(s.url, '/METRICS/', {}), rawGet(s.url, '/metrics', { origin: 'http://evil.example' }),
        rawGet(s.url, '/metrics', { origin: 'http://127.0.0.1:4455' }), rawGet(s.url, '/metrics', { origin: 'http://localhost:4455', 'sec-fetch-site': 'same-site' }),
        rawGet(s.url, '/metrics', { 'sec-fetch-site': 'cross-site' }), rawGet(s.url, '/metrics', { origin: 'null' }),
        rawGet(s.url, '/metrics', { origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' }),
        rawGet(s.url, '/metrics', { origin: 'http://evil.example' }, 'OPTIONS'),
      ]);
      const cors = answers.map((a) => Object.keys(a.headers).filter((h) => h.startsWith('access-control-')));
      process.stderr.write(`metrics, pages: statuses ${JSON.stringify(answers.map((a) => a.status))}, ${cors.flat().length} CORS headers\n`);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 403, 403, 403, 403, 403, 200, 204]);
      expect(answers[2]!.text).toBe('GET /metrics is for scrapers: a page of another origin may not read it.');
      expect(cors.flat()).toEqual([]);
      expect(answers.every((a) => a.headers['x-content-type-options'] === 'nosniff')).toBe(true);
      // The contract's routes keep their CORS headers, preflights included.
      const contract = await Promise.all([rawGet(s.url, '/things/x', { origin: 'http://evil.example' }), rawGet(s.url, '/ok', { origin: 'http://evil.example' }, 'OPTIONS')]);
      expect(contract.map((a) => a.headers['access-control-allow-origin'])).toEqual(['*', '*']);
    } finally {
      await s.close();
    }
  });

  it.each([
    ['127.0.0.1', true], ['127.10.0.3', true], ['::1', true], ['::ffff:127.0.0.1', true],
    ['10.0.0.5', false], ['192.168.1.2', false], ['::ffff:10.0.0.5', false], ['2001:db8::1', false], [undefined, false],
  ])('%s is loopback: %s', (address, loopback) => {
    expect(isLoopback(address)).toBe(loopback);
  });

  it.each([
    ['127.0.0.1:3000', true], ['localhost', true], ['LOCALHOST:80', true], ['[::1]:3000', true], ['127.9.9.9', true],
    ['calendar.example.org', false], ['localhost.example.org', false], ['127.0.0.1.nip.io:3000', false], ['[2001:db8::1]:80', false],
    ['', false], [undefined, false], ['127.0.0.1:3000:1', false],
  ])('Host %s is a loopback name: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

/** A GET (or `method`) with headers fetch will not send as given (Host, Origin), on a connection of its own. */
async function rawGet(url: string, path: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(`${url}${path}`, { method, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    }).on('error', reject).end();
  });
}

describe('in production, behind a plain proxy on this machine', () => {
  const publicKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const dir = tempDir('metrics-production-');
  afterAll(() => dir.remove());
  const production = (env: Record<string, string>) => startServer(loadConfig({
    NODE_ENV: 'production', PORT: '0', AUTH_PUBLIC_KEY: publicKey, AUTH_ISSUER: 'https://issuer.example.org/', IMPORT_ENABLED: 'false',
    SQLITE_PATH: join(dir.path, `${Object.keys(env).join('-') || 'default'}.db`), LOG_LEVEL: 'silent', ...env,
  }));

  it('/metrics is off by default: every client of the proxy comes from loopback with a loopback Host, and no header says so', async () => {
    const server = await production({});
    const proxy = await startPlainProxy(server.url);
    try {
      // The proxy really is invisible: its requests look like this machine's own.
      expect((await fetch(`${proxy.url}/healthz`)).status).toBe(200);
      const [proxied, direct] = [await fetch(`${proxy.url}/metrics`), await fetch(`${server.url}/metrics`)];
      process.stderr.write(`metrics, production default: through a plain proxy ${proxied.status}, straight ${direct.status}\n`);
      expect([proxied.status, await proxied.text()]).toEqual([404, 'Not found.']);
      expect(direct.status).toBe(404);
    } finally {
      await proxy.close();
      await server.stop();
    }
  });

  it('with METRICS_TOKEN, a scraper that sends it reads /metrics, through the proxy too; nobody else does', async () => {
    const token = 'scraper-secret-0123456789';
    const server = await production({ METRICS_TOKEN: token });
    const proxy = await startPlainProxy(server.url);
    try {
      expect((await fetch(`${proxy.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${proxy.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await proxy.close();
      await server.stop();
    }
  });

  it('the configuration: off in production and on Lambda unless chosen; local refused in production; the token checked without echoing it', () => {
    const jwks = { AUTH_JWKS_URI: 'https://idp.example.org/.well-known/jwks.json', AUTH_ISSUER: 'https://idp.example.org/' };
    expect(loadConfig({ ...jwks, NODE_ENV: 'production' }).metrics).toBe('off');
    expect(loadConfig({ ...jwks, AWS_LAMBDA_FUNCTION_NAME: 'f' }).metrics).toBe('off');
    expect(loadConfig({ ...jwks }).metrics).toBe('local');
    expect(loadConfig({ ...jwks, NODE_ENV: 'production', METRICS: 'public' }).metrics).toBe('public');
    expect(loadConfig({ ...jwks, NODE_ENV: 'production', METRICS_TOKEN: 'a-long-enough-secret' })).toMatchObject({ metrics: 'token', metricsToken: 'a-long-enough-secret' });
    expect(() => loadConfig({ ...jwks, NODE_ENV: 'production', METRICS: 'local' })).toThrow(/METRICS=local cannot tell a client on this machine from one forwarded by a proxy/);
    expect(() => loadConfig({ ...jwks, METRICS: 'token' })).toThrow(/METRICS=token needs METRICS_TOKEN/);
    expect(() => loadConfig({ ...jwks, METRICS: 'public', METRICS_TOKEN: 'a-long-enough-secret' })).toThrow(/METRICS_TOKEN is set but METRICS=public/);
    let message = '';
    try {
      loadConfig({ ...jwks, METRICS_TOKEN: 'short secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/METRICS_TOKEN must be 16 to 200 visible characters/);
    expect(message).not.toContain('short secret');
  });
});
