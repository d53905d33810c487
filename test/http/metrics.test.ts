/**
 * GET /metrics: the Prometheus text format (checked with prom-client's own parser of its output,
 * line by line), what it counts, and who may read it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { ClaimsIdentityResolver } from '../../src/adapters/auth/claims-identity-resolver.js';
import { StaticTokenKeys } from '../../src/adapters/auth/static-token-keys.js';
import { buildKoaApp } from '../../src/adapters/http/koa/app.js';
import { isLoopback, mayReadMetrics, type MetricsAccess } from '../../src/adapters/http/koa/metrics-route.js';
import { PrometheusMetrics } from '../../src/adapters/http/prometheus-metrics.js';
import { A_ROUTE_DOC } from '../support/builders.js';
import type { Route } from '../../src/adapters/http/routes.js';
import { StoreUnavailableError } from '../../src/domain/errors.js';

const ok: Route = { method: 'POST', path: '/ok', auth: 'none', hasBody: true, doc: A_ROUTE_DOC, handle: async () => ({ ok: true }) };
const byName: Route = { method: 'GET', path: '/things/{name}', auth: 'none', hasBody: false, doc: A_ROUTE_DOC, handle: async () => ({ ok: true }) };
const busy: Route = { method: 'POST', path: '/busy', auth: 'none', hasBody: true, doc: A_ROUTE_DOC, handle: async () => { throw new StoreUnavailableError('locked'); } };
const broken: Route = { method: 'POST', path: '/broken', auth: 'none', hasBody: true, doc: A_ROUTE_DOC, handle: async () => { throw new Error('bug'); } };
const change: Route = { method: 'POST', path: '/change', auth: 'none', hasBody: true, doc: A_ROUTE_DOC, limit: 'changes', handle: async () => ({ ok: true }) };

async function serve(options: { access?: MetricsAccess; maxInFlight?: number; routes?: Route[]; metrics?: PrometheusMetrics | null } = {}) {
  const metrics = options.metrics === null ? undefined : options.metrics ?? new PrometheusMetrics();
  const app = buildKoaApp({
    routes: options.routes ?? [ok, byName, busy, broken, change],
    tokenKeys: new StaticTokenKeys(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey),
    identity: new ClaimsIdentityResolver({ serviceApiKeys: [] }),
    audience: 'master', issuer: 'test', clockToleranceSeconds: 0, allowAnonymousProjectLinks: false,
    rateLimitPerMinute: 2, importTriggersPerMinute: 6, maxInFlight: options.maxInFlight ?? 256, bodyTimeoutSeconds: 10, bodyMinBytesPerSecond: 1024,
    logger: pino({ level: 'silent' }),
    readinessCheck: async () => undefined,
    about: { service: 'test' },
    openApi: {},
    docs: { tokenHint: '', version: 'test' },
    page: { oidc: null, localSignIn: false },
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
  it('by default only a client on this machine that is not behind a proxy', async () => {
    const s = await serve();
    try {
      expect((await fetch(`${s.url}/metrics`)).status).toBe(200);
      const proxied = await fetch(`${s.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(proxied.status).toBe(404);
      expect(await proxied.text()).toBe('Not found.');
      expect((await fetch(`${s.url}/metrics`, { headers: { forwarded: 'for=203.0.113.9' } })).status).toBe(404);
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

  it.each([
    ['127.0.0.1', true], ['127.10.0.3', true], ['::1', true], ['::ffff:127.0.0.1', true],
    ['10.0.0.5', false], ['192.168.1.2', false], ['::ffff:10.0.0.5', false], ['2001:db8::1', false], [undefined, false],
  ])('%s is loopback: %s', (address, loopback) => {
    expect(isLoopback(address)).toBe(loopback);
    expect(mayReadMetrics('local', address, false)).toBe(loopback);
    expect(mayReadMetrics('local', address, true)).toBe(false);
    expect(mayReadMetrics('public', address, true)).toBe(true);
    expect(mayReadMetrics('off', address, false)).toBe(false);
  });
});
