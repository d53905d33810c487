/**
 * A slow or hung upstream (issue 28, point 4). Anonymous callers flood the read-through routes
 * (`/scheduler-observations`, which asks an LCO site proxy; `/siteevents` with full_project_details,
 * which asks the projects service) while an honest client reads and writes. The read-through routes
 * have their own budget of slots (UPSTREAM_MAX_IN_FLIGHT), so the rest of the API never waits on an
 * upstream; identical calls are shared and LCO answers kept, so upstream calls stay bounded; and a
 * failing upstream is paused (answered at once) until it answers again.
 */
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { bearer, startCalendar } from '../support/calendar-server.js';
import { killSpawnedServers, spawnServer, type ChildServer } from '../support/child-server.js';
import { IdentityProvider, ISSUER } from '../support/identity-provider.js';
import { anObservation } from '../support/lco-fixture.js';
import { ProjectsStandIn } from '../support/projects-stand-in.js';
import { SiteProxyStandIn } from '../support/site-proxy-stand-in.js';
import { tempDir } from '../support/temp-dir.js';
import { startTogether, stopAll } from '../support/teardown.js';

const SECRET = 'mrc-site-proxy-secret-for-slow-upstream';
const ATTACKERS = 260;
const ATTACK_MS = 8000;
const BUDGET = 16; // UPSTREAM_MAX_IN_FLIGHT's default
const PAUSE_SECONDS = 3;
const PROJECT_IDS = ['Alpha#2030-01-01T00:00:00Z', 'Beta#2030-01-01T00:00:00Z', 'Gamma#2030-01-01T00:00:00Z'];

let idp: IdentityProvider;
let proxy: SiteProxyStandIn;
let projects: ProjectsStandIn;
let server: ChildServer;
const dir = tempDir('slow-upstream-');
const agent = new Agent({ keepAlive: true, maxSockets: ATTACKERS + 10 });

beforeAll(async () => {
  [idp, proxy, projects] = await startTogether(new IdentityProvider().start(), new SiteProxyStandIn().start(), new ProjectsStandIn().start());
  proxy.secrets.set('mrc', SECRET);
  proxy.maxPageSize = 100;
  proxy.observations.set('mrc', Array.from({ length: 6 }, (_, i) => anObservation({
    id: 700 + i, site: 'mrc', telescope: '0m31', state: 'PENDING',
    start: `2037-01-1${i}T03:00:00Z`, end: `2037-01-1${i}T04:00:00Z`,
  })));
  for (const id of PROJECT_IDS) {
    const [project_name, created_at] = id.split('#') as [string, string];
    projects.projects.set(id, { project_name, created_at, project_targets: [] });
  }
  server = await spawnServer({
    SQLITE_PATH: join(dir.path, 'c.db'), AUTH_JWKS_URI: idp.jwksUri, AUTH_ISSUER: ISSUER, IMPORT_ENABLED: 'false',
    LCO_SITE_PROXY_URL: proxy.urlTemplate, SITE_PROXY_SECRET_MRC: SECRET, PROJECTS_API_URL: projects.url,
    // The projects client's timeout is 5 s too: a 2-s answer is slow, not failed, even on a busy machine.
    LCO_TIMEOUT_SECONDS: '5', UPSTREAM_PAUSE_SECONDS: String(PAUSE_SECONDS),
    // Every attacker comes from 127.0.0.1, as through a reverse proxy: the per-address cap is off.
    MAX_CONNECTIONS_PER_CLIENT: '0',
  });
  const owner = bearer(idp.token({ sub: 'google-oauth2|projects-owner' }));
  for (const [i, project_id] of PROJECT_IDS.entries()) {
    const res = await fetch(`${server.url}/newevent`, { method: 'POST', headers: owner, body: JSON.stringify({
      event_id: `p-${i}`, site: 'prj1', start: `2037-01-0${i + 1}T00:00:00Z`, end: `2037-01-0${i + 1}T01:00:00Z`, title: 'x', reservation_type: 'project', project_id,
    }) });
    expect(res.status).toBe(200);
  }
  // Warm: the clients of LCO and the projects service are loaded on first use (and compiled, under tsx).
  expect(await secondsToRecover()).toBeLessThan(Number.POSITIVE_INFINITY);
}, 60_000);
afterAll(async () => {
  agent.destroy();
  await killSpawnedServers();
  await stopAll(proxy, projects, idp, () => dir.remove());
});

/** One POST on the attackers' agent: its status, 0 when cut off at `until`, -1 on a connection error. */
function send(path: string, body: string, until: number): Promise<number> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve) => {
    const req = request({ agent, host: hostname, port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => {
        clearTimeout(timer);
        resolve(res.statusCode ?? -1);
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve(0);
    }, Math.max(0, until - Date.now()));
    req.on('error', () => {
      clearTimeout(timer);
      resolve(-1);
    });
    req.end(body);
  });
}

const count = (tally: Map<number, number>, status: number): void => void tally.set(status, (tally.get(status) ?? 0) + 1);
const shown = (tally: Map<number, number>): string => JSON.stringify(Object.fromEntries([...tally].sort((a, b) => a[0] - b[0])));
const day = (n: number): string => new Date(Date.UTC(2031, 0, 1) + n * 86_400_000).toISOString().replace('.000Z', 'Z');

/** A different window each time: nothing for a cache to share. */
const anyWindow = (): string => {
  const from = Math.floor(Math.random() * 3650);
  return JSON.stringify({ site: 'mrc1', start: day(from), end: day(from + 1 + Math.floor(Math.random() * 6)) });
};
/** Project details, the flag as either spelling the schema reads. */
const anyDetails = (): string => JSON.stringify({
  site: 'prj1', start: '2037-01-01T00:00:00Z', end: `2037-01-0${4 + Math.floor(Math.random() * 5)}T00:00:00Z`, full_project_details: Math.random() < 0.5 ? true : 'true',
});

interface Attack {
  readonly attackers: Map<number, number>;
  readonly reads: Map<number, number>;
  readonly writes: Map<number, number>;
}

let writer = 0;
/**
 * ATTACKERS connections, each sending `bodies()` to its path again as soon as it is answered, for
 * ATTACK_MS; meanwhile an honest client reads a week and books an event, over and over.
 */
async function attack(bodies: () => [path: string, body: string]): Promise<Attack> {
  const until = Date.now() + ATTACK_MS;
  const attackers = new Map<number, number>();
  const loop = async (): Promise<void> => {
    while (Date.now() < until) {
      const [path, body] = bodies();
      count(attackers, await send(path, body, until));
    }
  };
  const flood = Promise.all(Array.from({ length: ATTACKERS }, loop));
  const reads = new Map<number, number>();
  const writes = new Map<number, number>();
  const user = bearer(idp.token({ sub: `google-oauth2|honest-${++writer}` }));
  await new Promise((r) => setTimeout(r, 500));
  for (let i = 0; Date.now() < until - 300; i++) {
    count(reads, await status('/siteevents', { site: 'saf', start: '2031-03-01T00:00:00Z', end: '2031-03-08T00:00:00Z' }));
    const start = new Date(Date.UTC(2032, 0, 1) + (writer * 1000 + i) * 3600_000).toISOString().replace('.000Z', 'Z');
    count(writes, await status('/newevent', { event_id: `honest-${writer}-${i}`, site: 'saf', start, end: start.replace(':00:00Z', ':30:00Z'), title: 'honest', reservation_type: 'realtime' }, user));
    await new Promise((r) => setTimeout(r, 50));
  }
  await flood;
  return { attackers, reads, writes };
}

/** The honest client's request: its status, 0 when it took over 10 s. */
async function status(path: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  try {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

const ok = (tally: Map<number, number>): number => (tally.get(200) ?? 0) / [...tally.values()].reduce((a, b) => a + b, 0);

function expectHonestServed({ reads, writes }: Attack): void {
  // The flood keeps both cores busy (the attackers run in this process): the honest client gets few turns, each must be 200.
  expect((reads.get(200) ?? 0) + (writes.get(200) ?? 0)).toBeGreaterThanOrEqual(6);
  expect(ok(reads)).toBeGreaterThanOrEqual(0.99);
  expect(ok(writes)).toBeGreaterThanOrEqual(0.99);
}

/** Right after an attack, with the upstreams as they are: an honest read's and write's statuses (both should be 200). */
async function servedAtOnce(): Promise<[number, number]> {
  const user = bearer(idp.token({ sub: `google-oauth2|after-${++writer}` }));
  const start = `2033-0${(writer % 9) + 1}-01T00:00:00Z`;
  return [
    await status('/siteevents', { site: 'saf', start: '2031-03-01T00:00:00Z', end: '2031-03-08T00:00:00Z' }),
    await status('/newevent', { event_id: `after-${writer}`, site: 'saf', start, end: start.replace('T00:00', 'T00:30'), title: 'x', reservation_type: 'realtime' }, user),
  ];
}

/** Seconds until both read-through routes answer 200 again (polled; at most 30 s). */
async function secondsToRecover(): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < 120; i++) {
    const [lco, details] = await Promise.all([
      status('/scheduler-observations', { site: 'mrc1', start: '2037-01-10T00:00:00Z', end: '2037-01-12T00:00:00Z' }),
      status('/siteevents', { site: 'prj1', start: '2037-01-01T00:00:00Z', end: '2037-01-04T00:00:00Z', full_project_details: true }),
    ]);
    if (lco === 200 && details === 200) return (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 250));
  }
  return Number.POSITIVE_INFINITY;
}

it('hung LCO and projects service: honest reads and writes keep 200, upstream calls stay within the budget, service at once after', async () => {
  proxy.fault = 'hang';
  projects.hung = true;
  const [lcoBefore, projectsBefore] = [proxy.requests, projects.requests];
  const result = await attack(() => (Math.random() < 0.5 ? ['/scheduler-observations', anyWindow()] : ['/siteevents', anyDetails()]));
  const lcoCalls = proxy.requests - lcoBefore;
  const projectCalls = projects.requests - projectsBefore;
  // The attack is over; the upstreams still hang.
  const after = await servedAtOnce();
  proxy.fault = 'none';
  projects.hung = false;
  const recovered = await secondsToRecover();
  process.stderr.write(`hung upstreams: ${ATTACKERS} connections for ${ATTACK_MS / 1000} s, attackers got ${shown(result.attackers)}; ` +
    `honest reads ${shown(result.reads)}, writes ${shown(result.writes)}; ${lcoCalls} site-proxy and ${projectCalls} projects calls; ` +
    `just after: read and write ${after.join(', ')}; read-through routes 200 again ${recovered.toFixed(1)} s after the upstreams came back\n`);
  expectHonestServed(result);
  expect(after).toEqual([200, 200]);
  // At most one call per slot of the budget, and then one trial per pause.
  expect(lcoCalls).toBeLessThanOrEqual(BUDGET + 4);
  expect(projectCalls).toBeLessThanOrEqual(PROJECT_IDS.length + 4);
  // A hung upstream is answered at once once paused: attackers got many fast answers (502 paused, 503 budget full).
  expect((result.attackers.get(502) ?? 0) + (result.attackers.get(503) ?? 0)).toBeGreaterThan(ATTACKERS);
  // Within a pause and a timeout or two; the poll gives up after 30 s.
  expect(recovered).toBeLessThan(Number.POSITIVE_INFINITY);
}, 90_000);

it('slow (2 s) LCO and projects service, a new window each time: honest reads and writes keep 200, upstream calls bounded by the budget', async () => {
  proxy.delayMs = 2000;
  projects.delayMs = 2000;
  try {
    const [lcoBefore, projectsBefore] = [proxy.requests, projects.requests];
    const result = await attack(() => (Math.random() < 0.5 ? ['/scheduler-observations', anyWindow()] : ['/siteevents', anyDetails()]));
    const lcoCalls = proxy.requests - lcoBefore;
    const projectCalls = projects.requests - projectsBefore;
    const after = await servedAtOnce();
    process.stderr.write(`slow upstreams: ${ATTACKERS} connections for ${ATTACK_MS / 1000} s, attackers got ${shown(result.attackers)}; ` +
      `honest reads ${shown(result.reads)}, writes ${shown(result.writes)}; ${lcoCalls} site-proxy and ${projectCalls} projects calls; just after: read and write ${after.join(', ')}\n`);
    expectHonestServed(result);
    expect(after).toEqual([200, 200]);
    // Each slot of the budget makes at most one 2-s call at a time; look-ups of one project are shared.
    const rounds = ATTACK_MS / 2000 + 1;
    expect(lcoCalls).toBeLessThanOrEqual(BUDGET * rounds);
    expect(projectCalls).toBeLessThanOrEqual(PROJECT_IDS.length * rounds);
    expect(result.attackers.get(200) ?? 0).toBeGreaterThan(0);
  } finally {
    proxy.delayMs = 0;
    projects.delayMs = 0;
  }
}, 90_000);

it('one LCO question in many spellings (zones, fractions, extra keys, other hours of the same days) is asked once and kept', async () => {
  proxy.delayMs = 2000;
  try {
    const spellings = [
      { start: '2037-02-10T00:00:00Z', end: '2037-02-12T00:00:00Z' },
      { start: '2037-02-10T00:00Z', end: '2037-02-12T00:00:00.000Z' },
      { start: '2037-02-09T17:00:00-07:00', end: '2037-02-12T05:30:00+05:30' },
      { start: '2037-02-10T06:00:00Z', end: '2037-02-11T18:00:00Z', padding: 'x'.repeat(20) },
    ];
    const before = proxy.requests;
    const result = await attack(() => {
      const spelling = spellings[Math.floor(Math.random() * spellings.length)]!;
      return ['/scheduler-observations', JSON.stringify({ ...spelling, site: 'mrc1', [`k${Math.floor(Math.random() * 1e6)}`]: Math.random() })];
    });
    const calls = proxy.requests - before;
    process.stderr.write(`one LCO question: ${ATTACKERS} connections for ${ATTACK_MS / 1000} s in ${spellings.length} spellings with random extra keys, ` +
      `attackers got ${shown(result.attackers)}; honest reads ${shown(result.reads)}, writes ${shown(result.writes)}; ${calls} site-proxy calls\n`);
    expectHonestServed(result);
    expect(calls).toBe(1);
    expect(result.attackers.get(200) ?? 0).toBeGreaterThan(ATTACKERS);
  } finally {
    proxy.delayMs = 0;
  }
}, 90_000);

describe('the answers, and the import beside the read-through route (in-process server)', () => {
  it('budget full: 503 naming the service with Retry-After; paused: 502 at once with Retry-After, no address; the import neither waits for a slot nor shares the pause', async () => {
    const api = await startCalendar(idp, projects, {
      LCO_SITE_PROXY_URL: proxy.urlTemplate, SITE_PROXY_SECRET_MRC: SECRET, LCO_TIMEOUT_SECONDS: '1', UPSTREAM_MAX_IN_FLIGHT: '2',
      UPSTREAM_PAUSE_SECONDS: '60', LCO_CACHE_SECONDS: '0', IMPORT_TRIGGERS_PER_MINUTE: '0',
    });
    const window = (d: number) => ({ site: 'mrc1', start: day(d), end: day(d + 1) });
    try {
      // Two requests fill the budget on a slow site proxy; a third is refused at once; the import still runs.
      proxy.delayMs = 700;
      const [first, second, third, imported] = await Promise.all([
        api.post('/scheduler-observations', window(1)),
        api.post('/scheduler-observations', window(2)),
        new Promise((r) => setTimeout(r, 150)).then(() => api.post('/scheduler-observations', window(3))),
        new Promise((r) => setTimeout(r, 150)).then(() => api.request('GET', '/import-schedules/mrc1')),
      ]);
      expect([first.status, second.status, third.status, imported.status]).toEqual([200, 200, 503, 200]);
      expect(third.text).toBe('Too many requests are waiting on the LCO site proxy; please retry in a moment.');
      expect(third.headers.get('retry-after')).toBe('1');
      expect((imported.json() as Array<{ status: string }>)[0]?.status).toBe('imported');
      proxy.delayMs = 0;

      // Three failures in a row pause the mrc site proxy for the route: 502 at once, saying so.
      proxy.fault = '500';
      for (let d = 10; d < 13; d++) expect((await api.post('/scheduler-observations', window(d))).text).toBe('The mrc site proxy answered 500.');
      proxy.fault = 'none';
      const before = proxy.requests;
      const paused = await api.post('/scheduler-observations', window(20));
      expect(paused.status).toBe(502);
      expect(paused.text).toMatch(/^The mrc site proxy failed 3 times in a row; it is not asked again for (60|59) s\.$/);
      expect(Number(paused.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
      expect(paused.text).not.toMatch(/127\.0\.0\.1|http|secret/i);
      expect(proxy.requests).toBe(before);
      // The import asks the same site proxy meanwhile, and gets through.
      const report = (await api.request('GET', '/import-schedules/mrc1')).json() as Array<{ status: string }>;
      expect(report[0]?.status).toMatch(/^(imported|skipped)$/);
      expect(proxy.requests).toBeGreaterThan(before);
    } finally {
      proxy.delayMs = 0;
      proxy.fault = 'none';
      await api.close();
    }
  }, 30_000);
});

it('the Lambda bundle runs the same guard: a failing site proxy is paused, 502 at once with Retry-After, without asking it', async () => {
  const api = await startCalendar(idp, projects, {
    STORAGE: 'memory', LCO_SITE_PROXY_URL: proxy.urlTemplate, SITE_PROXY_SECRET_MRC: SECRET, LCO_TIMEOUT_SECONDS: '1', UPSTREAM_PAUSE_SECONDS: '60',
  }, 'lambda-v2');
  try {
    proxy.fault = '500';
    for (let d = 30; d < 33; d++) {
      expect(await api.post('/scheduler-observations', { site: 'mrc1', start: day(d), end: day(d + 1) })).toMatchObject({ status: 502, text: 'The mrc site proxy answered 500.' });
    }
    proxy.fault = 'none';
    const before = proxy.requests;
    const paused = await api.post('/scheduler-observations', { site: 'mrc1', start: day(40), end: day(41) });
    expect(paused.status).toBe(502);
    expect(paused.text).toMatch(/^The mrc site proxy failed 3 times in a row; it is not asked again for (60|59) s\.$/);
    expect(Number(paused.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect(proxy.requests).toBe(before);
  } finally {
    proxy.fault = 'none';
    await api.close();
  }
}, 30_000);
