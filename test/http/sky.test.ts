/**
 * Sites, nights and free time over HTTP, on every way the API is served (Koa on SQLite and on
 * DynamoDB Local, the Lambda bundle with API Gateway v1 and v2 events): POST /sites, POST
 * /availability, and a site that requires bookings inside the night (its flag in SITES), with the
 * LCO import exempt. Every answer is held to the OpenAPI document by the test client.
 */
import { computeNight } from '../../src/adapters/ephemeris/astronomy-engine-ephemeris.js';
import type { SubsiteReport } from '../../src/application/use-cases/import-schedules.js';
import type { SiteLocation } from '../../src/domain/night.js';
import { addSeconds } from '../../src/domain/time.js';
import { aNewEventBody } from '../support/builders.js';
import { bearer, startCalendar, type CalendarUnderTest, type Driver } from '../support/calendar-server.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { anObservation } from '../support/lco-fixture.js';
import { ProjectsStandIn } from '../support/projects-stand-in.js';
import { SiteProxyStandIn } from '../support/site-proxy-stand-in.js';
import { startTogether, stopAll } from '../support/teardown.js';

const TARGETS: Array<[string, Driver, 'sqlite' | 'dynamodb']> = [
  ['koa on sqlite', 'koa', 'sqlite'],
  ['koa on dynamodb', 'koa', 'dynamodb'],
  ['lambda (API Gateway v1) on dynamodb', 'lambda-v1', 'dynamodb'],
  ['lambda (API Gateway v2) on dynamodb', 'lambda-v2', 'dynamodb'],
];

const SECRET = 'sky-secret';
/** Apache Ridge (Santa Fe) and Mountain Ranch Camp (Santa Barbara); mrc1 requires the night. */
const SAF: SiteLocation = { name: 'Apache Ridge Observatory', latitude: 35.554, longitude: -105.87, elevation_m: 2134, timezone: 'America/Denver' };
const MRC: SiteLocation = { name: 'Mountain Ranch Camp', latitude: 34.459, longitude: -119.681, elevation_m: 317, timezone: 'America/Los_Angeles', require_night: true };
const SITES = JSON.stringify({ saf: SAF, mrc1: MRC });

/** A date half a year ahead (availability answers a year back and two years ahead), and the day after. */
const dayAhead = (days: number): string => new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 + days * 86_400_000).toISOString().slice(0, 10);
const [DAY, NEXT_DAY, FAR] = [dayAhead(180), dayAhead(181), dayAhead(800)];
const NIGHT = computeNight(MRC, DAY);
const SAF_NIGHT = computeNight(SAF, DAY);
const inNight = { start: addSeconds(NIGHT.astronomical_dusk!, 1800), end: addSeconds(NIGHT.astronomical_dusk!, 5400) };
const inDay = { start: addSeconds(NIGHT.sunrise!, 7200), end: addSeconds(NIGHT.sunrise!, 10_800) };
const nightEvents = (night: ReturnType<typeof computeNight>) => {
  const { span: _s, noonAltitude: _n, midnightAltitude: _m, ...events } = night;
  return events;
};

let dynamo: DynamoDbLocal;
let idp: IdentityProvider;
let projects: ProjectsStandIn;
let proxy: SiteProxyStandIn;
beforeAll(async () => {
  [dynamo, idp, projects, proxy] = await startTogether(startDynamoDbLocal(), new IdentityProvider().start(), new ProjectsStandIn().start(), new SiteProxyStandIn().start());
  proxy.secrets.set('mrc', SECRET);
}, 60_000);
afterAll(() => stopAll(idp, projects, proxy, dynamo));

let observationId = 930_000;
describe.each(TARGETS)('%s', (_name, driver, storage) => {
  let api: CalendarUnderTest;
  let alice: Record<string, string>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    api = await startCalendar(idp, projects, {
      ...(storage === 'dynamodb' ? { STORAGE: 'dynamodb', DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_REGION: 'us-east-1' } : {}),
      SITES, LCO_SITE_PROXY_URL: proxy.urlTemplate, SITE_PROXY_SECRET_MRC: SECRET, IMPORT_TRIGGERS_PER_MINUTE: '0',
    }, driver);
    alice = bearer(idp.token({ sub: 'google-oauth2|alice', name: 'Alice' }));
    admin = bearer(idp.token({ sub: 'google-oauth2|root', name: 'Root', roles: ['admin'] }));
  });
  afterAll(() => stopAll(api));

  const book = (who: Record<string, string>, site: string, times: { start: string; end: string }) =>
    api.post('/newevent', aNewEventBody({ site, ...times }), who);

  it('POST /sites lists the configured sites with their places, zones and rule, and every site with events', async () => {
    expect((await book(alice, 'tst', { start: `${DAY}T10:00:00Z`, end: `${DAY}T11:00:00Z` })).status).toBe(200);
    const res = await api.request('POST', '/sites');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      sites: [
        { site: 'mrc1', name: MRC.name, latitude: MRC.latitude, longitude: MRC.longitude, elevation_m: MRC.elevation_m, timezone: MRC.timezone, require_night: true },
        { site: 'saf', name: SAF.name, latitude: SAF.latitude, longitude: SAF.longitude, elevation_m: SAF.elevation_m, timezone: SAF.timezone, require_night: false },
      ],
    });
    expect((res.json() as { with_events: string[] }).with_events).toContain('tst');
    // The frontend's habit of sending a body to every POST does no harm.
    expect((await api.post('/sites', { anything: 1 })).status).toBe(200);
  });

  it("POST /availability gives the nights and the free time: the night at the darkness minus every booking", async () => {
    const booking = { start: addSeconds(SAF_NIGHT.astronomical_dusk!, 3600), end: addSeconds(SAF_NIGHT.astronomical_dusk!, 7200) };
    expect((await book(alice, 'saf', booking)).status).toBe(200);
    const window = { site: 'saf', start: SAF_NIGHT.sunset!, end: SAF_NIGHT.sunrise! };
    const res = await api.post('/availability', window);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      site: 'saf', night_times: 'known', nights: [nightEvents(SAF_NIGHT)],
      free: [{ start: SAF_NIGHT.astronomical_dusk, end: booking.start }, { start: booking.end, end: SAF_NIGHT.astronomical_dawn }],
    });
    const nautical = (await api.post('/availability', { ...window, darkness: 'nautical', min_minutes: 30 })).json() as { free: unknown[] };
    expect(nautical.free).toEqual([{ start: SAF_NIGHT.nautical_dusk, end: booking.start }, { start: booking.end, end: SAF_NIGHT.nautical_dawn }]);
    const any = (await api.post('/availability', { ...window, darkness: 'any' })).json() as { free: unknown[] };
    expect(any.free).toEqual([{ start: window.start, end: booking.start }, { start: booking.end, end: window.end }]);
    // Longer than the night's longest piece: nothing is left.
    expect(((await api.post('/availability', { ...window, min_minutes: 1440 })).json() as { free: unknown[] }).free).toEqual([]);
  });

  it('a site without coordinates answers night_times unknown and the window less its bookings', async () => {
    const res = await api.post('/availability', { site: 'tst', start: `${DAY}T09:00:00Z`, end: `${DAY}T12:00:00Z` });
    expect(res.json()).toEqual({
      site: 'tst', night_times: 'unknown', nights: [],
      free: [{ start: `${DAY}T09:00:00Z`, end: `${DAY}T10:00:00Z` }, { start: `${DAY}T11:00:00Z`, end: `${DAY}T12:00:00Z` }],
    });
  });

  it.each([
    [{ site: 'saf', start: `${DAY}T00:00:00Z`, end: `${NEXT_DAY}T00:00:00Z`, darkness: 'dusk' }, /darkness/],
    [{ site: 'saf', start: `${DAY}T00:00:00Z`, end: `${NEXT_DAY}T00:00:00Z`, min_minutes: -5 }, /min_minutes/],
    [{ site: 'saf', start: `${DAY}T00:00:00Z`, end: `${NEXT_DAY}T00:00:00Z`, min_minutes: 2.5 }, /min_minutes/],
    [{ site: 'saf', start: `${NEXT_DAY}T00:00:00Z`, end: `${DAY}T00:00:00Z` }, /end/],
    [{ site: 'saf', start: `${DAY}T00:00:00Z`, end: `${dayAhead(300)}T00:00:00Z` }, /window|days/i],
    [{ site: 'saf', start: `${FAR}T00:00:00Z`, end: `${FAR}T12:00:00Z` }, /a year back, two years ahead/],
    [{ site: 'saf', start: '2020-06-20T00:00:00Z', end: '2020-06-21T00:00:00Z' }, /a year back, two years ahead/],
    [{ site: '../etc', start: `${DAY}T00:00:00Z`, end: `${NEXT_DAY}T00:00:00Z` }, /site/],
  ])('a bad request is a 400 saying what is wrong: %j', async (body, message) => {
    const res = await api.post('/availability', body);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(message);
  });

  it("a site that requires the night refuses a daytime booking and a move into the day with 400 naming the night's bounds; an admin is exempt", async () => {
    const day = await book(alice, 'mrc1', inDay);
    expect(day.status).toBe(400);
    const next = computeNight(MRC, NEXT_DAY);
    expect(day.text).toContain(`the nearest night there runs from ${next.astronomical_dusk} to ${next.astronomical_dawn}`);
    const night = await book(alice, 'mrc1', inNight);
    expect(night.status).toBe(200);
    const event = (night.json() as { new_calendar_event: { event_id: string } }).new_calendar_event;
    const moved = await api.post('/modifyevent', { originalEvent: { event_id: event.event_id }, modifiedEvent: inDay }, alice);
    expect(moved.status).toBe(400);
    expect(moved.text).toContain(`from ${next.astronomical_dusk} to ${next.astronomical_dawn}`);
    const stored = (await api.post('/siteevents', { site: 'mrc1', ...inNight })).json() as Array<Record<string, unknown>>;
    expect(stored).toMatchObject([{ event_id: event.event_id, start: inNight.start, end: inNight.end, version: 1 }]);
    // saf has no such rule; an admin may book mrc1 in daylight.
    expect((await book(alice, 'saf', inDay)).status).toBe(200);
    expect((await book(admin, 'mrc1', inDay)).status).toBe(200);
  });

  it("the LCO import is exempt: an observation LCO schedules in daylight at that site is imported, and availability leaves it out", async () => {
    // The coming night at mrc1 from now: the observation sits an hour after its solar noon.
    const today = new Date().toISOString().slice(0, 10);
    const coming = [0, 1, 2].map((d) => computeNight(MRC, addSeconds(`${today}T00:00:00Z`, d * 86_400).slice(0, 10)))
      .find((n) => Date.parse(n.span.start) > Date.now() + 3_600_000)!;
    const start = addSeconds(coming.span.start, 3600);
    const end = addSeconds(start, 1800);
    proxy.observations.set('mrc', [anObservation({ id: ++observationId, name: 'Daylight target', site: 'mrc', telescope: '0m31', state: 'PENDING', start, end })]);
    proxy.lastScheduled.set('mrc', new Date(Date.UTC(2026, 0, 1) + observationId * 60_000).toISOString());
    const res = await api.request('GET', '/import-schedules/mrc1');
    expect(res.status).toBe(200);
    expect((res.json() as SubsiteReport[])[0]).toMatchObject({ subsite: 'mrc1', status: 'imported', added: [`lco-${observationId}`] });
    const window = { site: 'mrc1', start: coming.span.start, end: addSeconds(coming.span.start, 4 * 3600) };
    const free = (await api.post('/availability', { ...window, darkness: 'any' })).json() as { free: unknown[] };
    expect(free.free).toEqual([{ start: window.start, end: start }, { start: end, end: window.end }]);
  });
});
