/**
 * Anonymous import triggers (issue 11, point 6): triggers that arrive while a run is going join it
 * (one run, the same report), they take no request slot, and each client has its own small limit.
 */
import type { SubsiteReport } from '../../src/application/use-cases/import-schedules.js';
import { startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { anObservation } from '../support/lco-fixture.js';
import { ProjectsStandIn } from '../support/projects-stand-in.js';
import { SiteProxyStandIn } from '../support/site-proxy-stand-in.js';
import { startTogether, stopAll } from '../support/teardown.js';

const SECRET = 'trigger-secret';
let idp: IdentityProvider;
let projects: ProjectsStandIn;
let proxy: SiteProxyStandIn;
let api: CalendarUnderTest | undefined;
beforeAll(async () => {
  [idp, projects, proxy] = await startTogether(new IdentityProvider().start(), new ProjectsStandIn().start(), new SiteProxyStandIn().start());
  proxy.secrets.set('mrc', SECRET);
  const soon = (h: number) => new Date(Date.now() + h * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  proxy.observations.set('mrc', [anObservation({ id: 4242, name: 'T', site: 'mrc', telescope: '0m31', state: 'PENDING', start: soon(2), end: soon(3) })]);
  proxy.lastScheduled.set('mrc', '2026-01-01T00:00:00Z');
});
afterEach(async () => {
  await api?.close();
  api = undefined;
  proxy.delayMs = 0;
});
afterAll(() => stopAll(idp, projects, proxy));

const lcoEnv = { LCO_SITE_PROXY_URL: '', SITE_PROXY_SECRET_MRC: SECRET };

it('20 triggers during a slow run join it: one run, one report for all, and reads keep being served with MAX_IN_FLIGHT=2', async () => {
  api = await startCalendar(idp, projects, { ...lcoEnv, LCO_SITE_PROXY_URL: proxy.urlTemplate, MAX_IN_FLIGHT: '2', IMPORT_TRIGGERS_PER_MINUTE: '100' });
  proxy.delayMs = 400; // each site-proxy answer; a run makes several requests
  const requestsBefore = proxy.requests;
  const started = performance.now();
  const triggers = Array.from({ length: 20 }, (_, i) => api!.request('GET', i % 2 === 0 ? '/import-schedules' : '/import-schedules/mrc1'));
  await new Promise((r) => setTimeout(r, 200));
  // While the 20 wait, reads get slots (the old queue held one slot per waiting trigger).
  const reads = await Promise.all(Array.from({ length: 4 }, () => api!.post('/siteevents', { site: 'saf', start: '2031-01-01T00:00:00Z', end: '2031-01-02T00:00:00Z' })));
  expect(reads.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  const answers = await Promise.all(triggers);
  const seconds = (performance.now() - started) / 1000;
  expect(answers.every((a) => a.status === 200)).toBe(true);
  const mrc1 = answers.map((a) => (a.json() as SubsiteReport[]).find((r) => r.subsite === 'mrc1'));
  for (const report of mrc1) expect(report).toEqual(mrc1[0]);
  expect(mrc1[0]).toMatchObject({ status: 'imported', added: ['lco-4242'] });
  // One run: last_scheduled once for mrc, and one schedule page per mrc telescope (mrc1, mrc2).
  const proxyRequests = proxy.requests - requestsBefore;
  expect(proxyRequests).toBe(3);
  process.stderr.write(`import triggers: 20 concurrent triggers -> ${proxyRequests} site-proxy requests (one run), ${seconds.toFixed(1)} s; reads 200 meanwhile\n`);
}, 30_000);

it('each client may trigger IMPORT_TRIGGERS_PER_MINUTE imports (default 6); the next gets 429 and the route stays anonymous', async () => {
  api = await startCalendar(idp, projects, { ...lcoEnv, LCO_SITE_PROXY_URL: proxy.urlTemplate });
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) statuses.push((await api.request('GET', '/import-schedules/mrc1')).status);
  expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
  const refused = await api.request('GET', '/import-schedules');
  expect(refused.status).toBe(429);
  expect(refused.text).toMatch(/^Too many requests: at most 6 import triggers a minute per client; retry in \d+ s\.$/);
  expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  // Changes and reads have their own allowance.
  expect((await api.post('/siteevents', { site: 'saf', start: '2031-01-01T00:00:00Z', end: '2031-01-02T00:00:00Z' })).status).toBe(200);
});
