/**
 * Hostile input: fast-check generated requests for every route (wrong types, missing and extra keys,
 * huge strings and arrays, deep nesting, extreme and invalid dates, unicode, prototype keys, non-JSON,
 * empty and oversized bodies, wrong methods, any credentials). Never a 5xx; a 4xx never changes stored
 * data; no answer shows a stack trace, and no error shows another user's data.
 */
import Database from 'better-sqlite3';
import { addonOption } from '../../src/adapters/sqlite/database.js';
import fc from 'fast-check';
import { bearer, SERVICE_KEY, startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { ProjectsStandIn } from '../support/projects-stand-in.js';
import { SiteProxyStandIn } from '../support/site-proxy-stand-in.js';
import { startTogether, stopAll } from '../support/teardown.js';

const SECRET = 'alice-private-note-7f3a9';
const ROUTES: Array<{ path: string; method: 'GET' | 'POST'; keys: string[] }> = [
  { path: '/newevent', method: 'POST', keys: ['event_id', 'site', 'start', 'end', 'creator_id', 'creator', 'title', 'reservation_type', 'origin', 'project_id', 'resourceId', 'reservation_note'] },
  { path: '/modifyevent', method: 'POST', keys: ['originalEvent', 'modifiedEvent'] },
  { path: '/delete', method: 'POST', keys: ['event_id'] },
  { path: '/add-projects-to-events', method: 'POST', keys: ['project_id', 'events'] },
  { path: '/remove-project-from-events', method: 'POST', keys: ['events'] },
  { path: '/siteevents', method: 'POST', keys: ['site', 'start', 'end', 'full_project_details'] },
  { path: '/user-events-ending-after-time', method: 'POST', keys: ['user_id', 'time'] },
  { path: '/get-event-at-time', method: 'POST', keys: ['site', 'time'] },
  { path: '/is-user-scheduled', method: 'POST', keys: ['user_id', 'site', 'time'] },
  { path: '/does-conflicting-event-exist', method: 'POST', keys: ['user_id', 'site', 'time'] },
  { path: '/scheduler-observations', method: 'POST', keys: ['site', 'start', 'end'] },
  { path: '/import-schedules', method: 'GET', keys: [] },
  { path: '/import-schedules/mrc1', method: 'GET', keys: [] },
  { path: '/sites', method: 'POST', keys: [] },
  { path: '/availability', method: 'POST', keys: ['site', 'start', 'end', 'darkness', 'min_minutes'] },
  { path: '/healthz', method: 'GET', keys: [] },
];

let idp: IdentityProvider;
let projects: ProjectsStandIn;
let proxy: SiteProxyStandIn;
let api: CalendarUnderTest;
let tokens: Record<string, Record<string, string>>;

beforeAll(async () => {
  [idp, projects, proxy] = await startTogether(new IdentityProvider().start(), new ProjectsStandIn().start(), new SiteProxyStandIn().start());
  proxy.secrets.set('mrc', 'hostile-secret');
  api = await startCalendar(idp, projects, {
    RATE_LIMIT_PER_MINUTE: '0', LCO_SITE_PROXY_URL: proxy.urlTemplate, SITE_PROXY_SECRET_MRC: 'hostile-secret',
    // Known places, one requiring the night, so the ephemeris meets hostile windows and bookings too.
    SITES: JSON.stringify({
      saf: { name: 'Apache Ridge', latitude: 35.55, longitude: -105.87, elevation_m: 2134, timezone: 'America/Denver' },
      mrc: { name: 'Mountain Ranch Camp', latitude: 34.46, longitude: -119.68, elevation_m: 317, timezone: 'America/Los_Angeles', require_night: true },
      polar: { name: 'Near the pole', latitude: 89.9, longitude: 179.9, elevation_m: 0, timezone: 'UTC' },
    }),
  });
  tokens = {
    none: {},
    alice: bearer(idp.token({ sub: 'google-oauth2|alice' })),
    bob: bearer(idp.token({ sub: 'google-oauth2|bob' })),
    garbage: { authorization: 'Bearer not.a.token' },
    service: { 'x-api-key': SERVICE_KEY },
  };
  const seeded = await api.post('/newevent', {
    event_id: 'alice-1', site: 'saf', start: '2030-06-01T01:00:00Z', end: '2030-06-01T02:00:00Z', title: 'alice', reservation_type: 'realtime',
    reservation_note: SECRET, project_id: 'Moon#2030-01-01T00:00:00Z',
  }, tokens.alice);
  expect(seeded.status).toBe(200);
  expect((await api.post('/newevent', { event_id: 'bob-1', site: 'saf', start: '2030-06-01T03:00:00Z', end: '2030-06-01T04:00:00Z' }, tokens.bob)).status).toBe(200);
}, 30_000);
afterAll(() => stopAll(api, idp, projects, proxy));

function snapshot(): string {
  const db = new Database(api.sqlitePath, { ...addonOption(), readonly: true });
  try {
    const tables = ['events', 'projects', 'schedule_tracking'];
    return tables.map((t) => JSON.stringify(db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all())).join('\n');
  } finally {
    db.close();
  }
}

const badDates = ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2016-12-31T23:59:60Z', '2025-02-29T00:00:00Z', '2025-13-01T00:00:00Z',
  '+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z', '1e400', 'NaN', '', ' ', '2030-06-01T01:00:00+25:00', '2030-06-01', '２０３０-06-01T00:00:00Z'];
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom(...badDates), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  fc.constant('x'.repeat(70_000)), fc.constantFrom('saf', 'mrc1', 'polar', 'astronomical', 'any', 'google-oauth2|alice', 'alice-1', 'bob-1', 'none', 'Moon#2030-01-01T00:00:00Z'),
  fc.array(fc.string(), { maxLength: 2000 }), fc.jsonValue({ maxDepth: 3 }),
  fc.constant({ __proto__: { admin: true }, constructor: { prototype: { isAdmin: true } } }),
);
const objectBody = (keys: string[]): fc.Arbitrary<string> => fc.oneof(
  fc.dictionary(fc.constantFrom(...keys, '__proto__', 'constructor', 'prototype', 'extra', 'ünï'), hostileValue, { maxKeys: 8 }).map((o) => JSON.stringify(o)),
  fc.record(Object.fromEntries(keys.map((k) => [k, hostileValue])), { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  fc.constant('{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"admin": true}}, "event_id": "p", "site": "saf"}'),
);
const rawBody: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined), fc.constant(''), fc.string(), fc.string({ unit: 'grapheme' }),
  fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 1, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 1, max: 5_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  fc.constant('{"site": "saf", '), fc.constant('"{\\"site\\": \\"saf\\"}"'), fc.constant('\uFEFF{}'),
);

const STACK = /\n\s+at |node_modules|\.ts:\d+|\.js:\d+|SqliteError|TypeError|ReferenceError/;
let tried = 0;
const statuses = new Map<number, number>();

async function check(route: (typeof ROUTES)[number], method: string, body: string | undefined, credentials: string): Promise<void> {
  const before = snapshot();
  const headers = { ...(tokens[credentials] ?? {}), ...(body !== undefined && method !== 'GET' ? { 'content-type': 'application/json' } : {}) };
  const init = method === 'GET' || method === 'HEAD' ? { headers } : { headers, body: body ?? '' };
  const response = await api.request(method, route.path, init);
  tried += 1;
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  if (response.status >= 500) throw new Error(`${method} ${route.path} (${credentials}) -> ${response.status}: ${response.text.slice(0, 300)} for ${String(body).slice(0, 300)}`);
  expect(response.text).not.toMatch(STACK);
  if (response.status >= 400) {
    expect(response.text).not.toContain(SECRET);
    expect(snapshot()).toBe(before);
  }
}

describe.each(ROUTES)('$method $path', (route) => {
  it('survives generated requests', async () => {
    const method = fc.oneof(
      { weight: 6, arbitrary: fc.constant(route.method) },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD') },
    );
    const body = fc.oneof({ weight: 3, arbitrary: objectBody(route.keys.length > 0 ? route.keys : ['x']) }, { weight: 1, arbitrary: rawBody });
    await fc.assert(
      fc.asyncProperty(method, body, fc.constantFrom(...Object.keys(tokens)), async (m, b, who) => check(route, m, b, who)),
      { numRuns: 70 },
    );
  }, 60_000);

  it('survives an oversized body, an empty one, non-JSON and deep nesting, with every credential', async () => {
    for (const who of Object.keys(tokens)) {
      for (const body of ['x'.repeat(1024 * 1024 + 1), `[${'"a",'.repeat(300_000)}"a"]`, '', 'not json', `${'['.repeat(100_000)}${']'.repeat(100_000)}`]) {
        await check(route, route.method === 'GET' ? 'POST' : route.method, body, who);
      }
    }
  }, 60_000);
});

afterAll(() => {
  process.stderr.write(`hostile input: ${tried} requests over ${ROUTES.length} routes; statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
});
