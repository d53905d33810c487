/**
 * The LCO import end to end: the real server on SQLite and on DynamoDB Local, a site-proxy stand-in
 * that filters and pages like the observation portal, and a projects-service stand-in. Every case,
 * the fault cases included, runs against both stores.
 */
import type { SubsiteReport } from '../../src/application/use-cases/import-schedules.js';
import type { LcoObservation } from '../../src/domain/lco.js';
import { bearer, startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { anObservation } from '../support/lco-fixture.js';
import { ProjectsStandIn } from '../support/projects-stand-in.js';
import { SiteProxyStandIn, type Fault } from '../support/site-proxy-stand-in.js';
import { stopAll } from '../support/teardown.js';

const SECRET = 'mrc-site-proxy-secret';
let idp: IdentityProvider;
let projects: ProjectsStandIn;
let proxy: SiteProxyStandIn;
let api: CalendarUnderTest;
let dynamo: DynamoDbLocal;

const hoursFromNow = (h: number): string => new Date(Date.now() + h * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
let nextId = 900_000;
function observation(overrides: Partial<LcoObservation> = {}): LcoObservation {
  const id = ++nextId;
  return anObservation({
    id, name: `Target ${id}`, site: 'mrc', telescope: '0m31', state: 'PENDING', created: '2024-11-01T14:04:10.425775Z',
    start: hoursFromNow(2 + (id % 100)), end: hoursFromNow(2.1 + (id % 100)), ...overrides,
  });
}

let scheduleVersion = 0;
/** Publishes a new schedule for a WEMA, moving its last_schedule_time forward. */
function publish(wema: string, observations: LcoObservation[]): void {
  proxy.observations.set(wema, observations);
  proxy.lastScheduled.set(wema, new Date(Date.UTC(2026, 0, 1) + ++scheduleVersion * 60_000).toISOString());
}

async function importSubsite(subsite: string): Promise<SubsiteReport> {
  const res = await api.request('GET', `/import-schedules/${subsite}`);
  expect(res.status).toBe(200);
  const reports = res.json() as SubsiteReport[];
  expect(reports).toHaveLength(1);
  return reports[0] as SubsiteReport;
}

async function calendar(site: string): Promise<Array<Record<string, unknown>>> {
  const res = await api.post('/siteevents', { site, start: hoursFromNow(-1), end: hoursFromNow(24 * 30) });
  return res.json() as Array<Record<string, unknown>>;
}

const lcoIds = async (site: string): Promise<string[]> =>
  (await calendar(site)).filter((e) => e.origin === 'LCO').map((e) => String(e.event_id)).sort();

beforeAll(async () => {
  idp = await new IdentityProvider().start();
  projects = await new ProjectsStandIn().start();
  proxy = await new SiteProxyStandIn().start();
  proxy.secrets.set('mrc', SECRET);
  dynamo = await startDynamoDbLocal();
}, 60_000);
afterAll(() => stopAll(proxy, projects, idp, dynamo));
describe.each(['sqlite', 'dynamodb'] as const)('on %s', (storage) => {
  beforeAll(async () => {
    const storageEnv: Record<string, string> = storage === 'dynamodb'
      ? { STORAGE: 'dynamodb', DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_REGION: 'us-east-1' }
      : {};
    api = await startCalendar(idp, projects, {
      LCO_SITE_PROXY_URL: proxy.urlTemplate, SITE_PROXY_SECRET_MRC: SECRET, LCO_TIMEOUT_SECONDS: '1', RATE_LIMIT_PER_MINUTE: '0', IMPORT_TRIGGERS_PER_MINUTE: '0', ...storageEnv,
    });
  }, 60_000);
  afterAll(() => stopAll(api));

  beforeEach(() => {
    proxy.fault = 'none';
    projects.failing = false;
  });

  describe('a first import and a re-import', () => {
    const first = [observation(), observation(), observation(), observation({ telescope: '0m61' })];
    const cancelled = observation({ state: 'CANCELED' });
    const outside = observation({ start: hoursFromNow(24 * 40), end: hoursFromNow(24 * 40 + 1) });
    const elsewhere = observation({ telescope: '0m61' });

    it('imports PENDING/IN_PROGRESS observations in the window as events with their projects, across pages', async () => {
      publish('mrc', [...first, cancelled, outside, { ...elsewhere, state: 'IN_PROGRESS' }]);
      const res = await api.request('GET', '/import-schedules');
      const reports = res.json() as SubsiteReport[];
      expect(reports.map((r) => [r.subsite, r.status])).toEqual([
        ['mrc1', 'imported'], ['mrc2', 'imported'], ['aro1', 'not_configured'], ['eco1', 'not_configured'], ['eco2', 'not_configured'],
      ]);
      const mrc1 = reports[0] as SubsiteReport;
      expect(mrc1.added.sort()).toEqual(first.slice(0, 3).map((o) => `lco-${o.id}`).sort());
      expect(mrc1.writes).toBe(6);
      expect((reports[1] as SubsiteReport).added.sort()).toEqual([`lco-${first[3]!.id}`, `lco-${elsewhere.id}`].sort());

      const events = (await calendar('mrc1')).filter((e) => e.origin === 'LCO');
      expect(events).toHaveLength(3);
      expect(events[0]).toMatchObject({ reservation_type: 'project', creator_id: 'testobserver#LCO', site: 'mrc1', title: expect.stringMatching(/\(via LCO\)$/) });
      for (const event of events) expect(projects.projects.get(String(event.project_id))).toMatchObject({ origin: 'LCO', project_sites: ['mrc1'] });
    });

    it('a second run with nothing new is skipped and makes no writes', async () => {
      const projectRequests = projects.requests;
      const before = await lcoIds('mrc1');
      const report = await importSubsite('mrc1');
      expect(report).toMatchObject({ status: 'skipped', writes: 0, added: [], updated: [], removed: [] });
      expect(projects.requests).toBe(projectRequests);
      expect(await lcoIds('mrc1')).toEqual(before);
    });

    it('a newer schedule with the same observations writes nothing either', async () => {
      publish('mrc', proxy.observations.get('mrc') ?? []);
      const projectRequests = projects.requests;
      const report = await importSubsite('mrc1');
      expect(report).toMatchObject({ status: 'imported', writes: 0, unchanged: 3, added: [], updated: [], removed: [] });
      expect(projects.requests).toBe(projectRequests);
    });
  });

  describe('changes', () => {
    it('updates a moved observation in place and removes a vanished one with its project', async () => {
      const [a, b, c] = [observation(), observation(), observation()];
      publish('mrc', [a, b, c]);
      await importSubsite('mrc1');
      const moved = { ...a, start: hoursFromNow(200), end: hoursFromNow(200.5) };
      publish('mrc', [moved, c]);
      const report = await importSubsite('mrc1');
      expect(report.updated).toEqual([`lco-${a.id}`]);
      expect(report.removed).toEqual([`lco-${b.id}`]);
      expect(await lcoIds('mrc1')).toEqual([`lco-${a.id}`, `lco-${c.id}`].sort());
      const stored = (await calendar('mrc1')).find((e) => e.event_id === `lco-${a.id}`);
      expect(stored?.start).toBe(moved.start);
      expect(projects.projects.has(`Target ${b.id}#2024-11-01T14:04:10Z`)).toBe(false);
      expect(projects.projects.has(`Target ${c.id}#2024-11-01T14:04:10Z`)).toBe(true);
    });

    it('never touches user reservations; overlaps with them are listed in the report, and users cannot book over imports', async () => {
      const user = bearer(idp.token({ sub: 'google-oauth2|observer' }));
      const slot = { start: hoursFromNow(300), end: hoursFromNow(301) };
      const booked = await api.post('/newevent', { event_id: 'user-booking', site: 'mrc1', ...slot }, user);
      expect(booked.status).toBe(200);
      const over = observation({ start: hoursFromNow(300.2), end: hoursFromNow(300.4) });
      publish('mrc', [over]);
      const report = await importSubsite('mrc1');
      expect(report.added).toEqual([`lco-${over.id}`]);
      expect(report.overlaps).toEqual([{ event_id: `lco-${over.id}`, overlaps: ['user-booking'] }]);
      expect((await calendar('mrc1')).map((e) => e.event_id)).toContain('user-booking');
      const blocked = await api.post('/newevent', { event_id: 'late-user', site: 'mrc1', start: hoursFromNow(300.3), end: hoursFromNow(300.35) }, bearer(idp.token({ sub: 'x' })));
      expect(blocked.status).toBe(409);
    });
  });

  describe('faults: nothing existing is lost', () => {
    async function seeded(): Promise<{ ids: string[]; projectIds: string[] }> {
      publish('mrc', [observation(), observation(), observation()]);
      await importSubsite('mrc1');
      const events = (await calendar('mrc1')).filter((e) => e.origin === 'LCO');
      return { ids: events.map((e) => String(e.event_id)).sort(), projectIds: events.map((e) => String(e.project_id)) };
    }

    it.each<[Fault, RegExp]>([
      ['500', /answered 500/],
      ['timeout', /could not be reached/],
      ['malformed', /malformed JSON/],
      ['401', /refused our secret/],
      ['page2', /answered 502/],
    ])('%s from the site proxy: the subsite fails and keeps its events and projects', async (fault, reason) => {
      const before = await seeded();
      publish('mrc', [observation()]); // a new schedule that would remove all three
      proxy.fault = fault;
      if (fault === 'page2') proxy.observations.set('mrc', [observation(), observation(), observation(), observation(), observation()]);
      const report = await importSubsite('mrc1');
      expect(report.status).toBe('failed');
      expect(report.reason).toMatch(reason);
      expect(report.writes).toBe(0);
      expect(await lcoIds('mrc1')).toEqual(before.ids);
      for (const id of before.projectIds) expect(projects.projects.has(id)).toBe(true);
    }, 30_000);

    it('an invalid observation is skipped and reported; the rest are imported', async () => {
      const good = observation();
      const bad = { ...observation(), submitter: 42, request: { id: 1, state: 'PENDING', configurations: [] } } as unknown as LcoObservation;
      publish('mrc', [good, bad]);
      const report = await importSubsite('mrc1');
      expect(report.status).toBe('imported');
      expect(report.invalid).toEqual([{ id: bad.id, reason: expect.stringMatching(/submitter|configurations/) }]);
      expect(await lcoIds('mrc1')).toContain(`lco-${good.id}`);
    });

    it('projects service down: no event without its project, existing ones kept; the next run completes', async () => {
      const before = await seeded();
      const fresh = observation();
      publish('mrc', [fresh]);
      projects.failing = true;
      const report = await importSubsite('mrc1');
      expect(report.errors.length).toBeGreaterThan(0);
      expect(report.added).toEqual([]);
      expect(await lcoIds('mrc1')).not.toContain(`lco-${fresh.id}`);
      for (const id of before.projectIds) expect(projects.projects.has(id)).toBe(true);

      projects.failing = false;
      const retry = await importSubsite('mrc1'); // not skipped: the failed run did not advance
      expect(retry.added).toEqual([`lco-${fresh.id}`]);
      expect(await lcoIds('mrc1')).toEqual([`lco-${fresh.id}`]);
      for (const id of before.projectIds) expect(projects.projects.has(id)).toBe(false);
    });
  });

  describe('routes', () => {
    it('an unknown subsite is a 404', async () => {
      const res = await api.request('GET', '/import-schedules/saf');
      expect(res.status).toBe(404);
      expect(res.text).toMatch(/saf/);
    });

    it('/scheduler-observations reads through from LCO in every state, shaped like events', async () => {
      const pending = observation({ start: hoursFromNow(400), end: hoursFromNow(400.2) });
      const done = observation({ state: 'COMPLETED', start: hoursFromNow(401), end: hoursFromNow(401.2) });
      publish('mrc', [pending, done]);
      const res = await api.post('/scheduler-observations', { site: 'mrc1', start: hoursFromNow(399), end: hoursFromNow(402) });
      expect(res.status).toBe(200);
      const views = res.json() as Array<Record<string, unknown>>;
      expect(views.map((v) => [v.event_id, v.observation_state])).toEqual([[String(pending.id), 'PENDING'], [String(done.id), 'COMPLETED']]);
      expect(views[0]).toMatchObject({ id: String(pending.id), creator_id: 'testobserver#LCO', reservation_type: 'observation', origin: 'LCO', site: 'mrc1', resourceId: 'mrc1' });
      expect(views[0]?.observation_data).toEqual(pending);
      expect((await api.post('/scheduler-observations', { site: 'saf', start: hoursFromNow(0), end: hoursFromNow(1) })).json()).toEqual([]);
      proxy.fault = '500';
      // Another window: the one above is kept for LCO_CACHE_SECONDS.
      const down = await api.post('/scheduler-observations', { site: 'mrc1', start: hoursFromNow(499), end: hoursFromNow(502) });
      expect(down.status).toBe(502);
      expect(down.headers.get('content-type')).toMatch(/^text\/plain/);
    }, 30_000);
  });
});
