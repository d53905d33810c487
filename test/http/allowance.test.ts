/**
 * POST /allowance and the booking rules' refusals over HTTP, on every way the API is served (Koa on
 * SQLite and on DynamoDB Local, the Lambda bundle with API Gateway v1 and v2 events), with
 * BOOKING_RULES set: the caller's rules at a site, each allowance's limit, use and what is left
 * around a moment (the caller's own bookings at the site only, LCO observations left out), and the
 * 409 / 400 a booking past them gets, in plain text. Every answer is held to the OpenAPI document by
 * the test client, the refusals' statuses included.
 */
import { aNewEventBody } from '../support/builders.js';
import { bearer, startCalendar, type CalendarUnderTest, type Driver } from '../support/calendar-server.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { startTogether, stopAll } from '../support/teardown.js';

const TARGETS: Array<[string, Driver, 'sqlite' | 'dynamodb']> = [
  ['koa on sqlite', 'koa', 'sqlite'],
  ['koa on dynamodb', 'koa', 'dynamodb'],
  ['lambda (API Gateway v1) on dynamodb', 'lambda-v1', 'dynamodb'],
  ['lambda (API Gateway v2) on dynamodb', 'lambda-v2', 'dynamodb'],
];

/** Santa Fe: its nights run from noon to noon, Mountain time. */
const SITES = JSON.stringify({ saf: { name: 'Apache Ridge Observatory', latitude: 35.554, longitude: -105.87, elevation_m: 2134, timezone: 'America/Denver' } });
const BOOKING_RULES = JSON.stringify({
  default: { shortest_minutes: 15, longest_hours: 4, ahead_days: 30, per_night: { hours: 4, bookings: 2 }, per_week: { hours: 12 }, held: { hours: 20 } },
  roles: { staff: 'exempt' },
});

/** The UTC date `days` from today, and a UTC time on it. */
const dayAhead = (days: number): string => new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 + days * 86_400_000).toISOString().slice(0, 10);
const [NIGHT_OF, EVENING] = [dayAhead(5), dayAhead(6)];
/** 03:00 to 09:00 UTC is that evening and night in Santa Fe (20:00 or 21:00 to 02:00 or 03:00): all of it the night of NIGHT_OF. */
const at = (hour: number): string => new Date(Date.parse(`${EVENING}T00:00:00Z`) + hour * 3_600_000).toISOString().replace('.000Z', 'Z');

interface Line { rule: string; period: { start: string; end: string | null; label: string }; limit_hours: number | null; used_hours: number; left_hours: number | null; limit_bookings: number | null; used_bookings: number; left_bookings: number | null }
interface AllowanceAnswer { site: string; at: string; role: string | null; exempt: boolean; rules: Record<string, number | string | null>; allowances: Line[] }

let dynamo: DynamoDbLocal;
let idp: IdentityProvider;
beforeAll(async () => {
  [dynamo, idp] = await startTogether(startDynamoDbLocal(), new IdentityProvider().start());
}, 60_000);
afterAll(() => stopAll(idp, dynamo));

describe.each(TARGETS)('%s', (_name, driver, storage) => {
  let api: CalendarUnderTest;
  let tokens: Record<'alice' | 'bob' | 'staff' | 'admin', Record<string, string>>;

  beforeAll(async () => {
    api = await startCalendar(idp, undefined, {
      ...(storage === 'dynamodb' ? { STORAGE: 'dynamodb', DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_REGION: 'us-east-1' } : {}),
      SITES, BOOKING_RULES,
    }, driver);
    tokens = {
      alice: bearer(idp.token({ sub: 'google-oauth2|alice', name: 'Alice' })),
      bob: bearer(idp.token({ sub: 'google-oauth2|bob', name: 'Bob' })),
      staff: bearer(idp.token({ sub: 'google-oauth2|carol', name: 'Carol', roles: ['staff'] })),
      admin: bearer(idp.token({ sub: 'google-oauth2|root', name: 'Root', roles: ['admin'] })),
    };
  });
  afterAll(() => stopAll(api));

  const allowance = async (who: Record<string, string>, body: Record<string, unknown>): Promise<AllowanceAnswer> => {
    const res = await api.post('/allowance', body, who);
    expect({ status: res.status, text: res.status === 200 ? '' : res.text }).toEqual({ status: 200, text: '' });
    return res.json() as AllowanceAnswer;
  };
  const line = (answer: AllowanceAnswer, rule: string): Line => answer.allowances.find((l) => l.rule === rule)!;
  const book = (who: Record<string, string>, fields: Record<string, unknown>) => api.post('/newevent', aNewEventBody({ site: 'saf', ...fields }), who);

  it("answers the caller's rules and allowances at the site, counting only their own bookings there, LCO observations left out", async () => {
    const before = await allowance(tokens.alice, { site: 'saf', at: at(4) });
    expect(before).toMatchObject({ site: 'saf', at: at(4), role: null, exempt: false });
    expect(before.rules).toMatchObject({ shortest_minutes: 15, longest_hours: 4, notice_minutes: null, ahead_days: 30, earliest_start: null });
    // ahead_days from the server's now: within the minute around this request.
    expect(Math.abs(Date.parse(before.rules.latest_start as string) - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
    expect(before.allowances.map((l) => l.rule)).toEqual(['per_night', 'per_week', 'held']);
    expect(line(before, 'per_night')).toMatchObject({ limit_hours: 4, used_hours: 0, left_hours: 4, limit_bookings: 2, used_bookings: 0, left_bookings: 2 });
    // The night of NIGHT_OF, noon to noon in Santa Fe (UTC-7 or UTC-6).
    expect(line(before, 'per_night').period.start).toMatch(new RegExp(`^${NIGHT_OF}T1[89]:00:00Z$`));
    expect(line(before, 'per_night').period.label).toMatch(/^the night of \d+ \w+ \d{4}$/);
    expect(line(before, 'held')).toMatchObject({ limit_hours: 20, period: { end: null, label: 'held from now on' } });

    // Booked by an admin (exempt, and may book in anyone's name), so that only the reading is under test here.
    const seeded = [
      { creator_id: 'google-oauth2|alice', start: at(3), end: at(6) },
      // Not counted: another user's booking, the caller's at another site, an LCO observation in the caller's name.
      { creator_id: 'google-oauth2|bob', start: at(6), end: at(8) },
      { creator_id: 'google-oauth2|alice', site: 'tst', start: at(3), end: at(6) },
      { creator_id: 'google-oauth2|alice', origin: 'LCO', start: at(8), end: at(9) },
    ];
    for (const fields of seeded) expect((await book(tokens.admin, fields)).status).toBe(200);

    const after = await allowance(tokens.alice, { site: 'saf', at: at(4) });
    expect(line(after, 'per_night')).toMatchObject({ limit_hours: 4, used_hours: 3, left_hours: 1, used_bookings: 1, left_bookings: 1 });
    expect(line(after, 'per_week')).toMatchObject({ limit_hours: 12, used_hours: 3, left_hours: 9, limit_bookings: null, left_bookings: null });
    expect(line(after, 'held')).toMatchObject({ limit_hours: 20, used_hours: 3, left_hours: 17, used_bookings: 1 });
    // The night before is another period: nothing used in it.
    expect(line(await allowance(tokens.alice, { site: 'saf', at: at(-20) }), 'per_night')).toMatchObject({ used_hours: 0, left_hours: 4 });
    // Naming another person in the body changes nothing (red team): Bob reads his own 2 h, never Alice's.
    const asked = await allowance(tokens.bob, { site: 'saf', at: at(4), user_id: 'google-oauth2|alice', creator_id: 'google-oauth2|alice', sub: 'google-oauth2|alice' });
    expect(line(asked, 'per_night')).toMatchObject({ used_hours: 2, used_bookings: 1 });
  });

  it('a booking that breaks a shape rule is a 400 in plain text naming the rule and the numbers', async () => {
    const tooLong = await book(tokens.alice, { start: at(10), end: at(15) });
    expect({ status: tooLong.status, type: tooLong.headers.get('content-type'), text: tooLong.text })
      .toEqual({ status: 400, type: expect.stringMatching(/^text\/plain/) as unknown, text: 'At saf a booking lasts at most 4 h; this one lasts 5 h.' });
    const tooShort = await book(tokens.alice, { start: at(10), end: `${EVENING}T10:10:00Z` });
    expect({ status: tooShort.status, text: tooShort.text }).toEqual({ status: 400, text: 'At saf a booking lasts at least 15 min; this one lasts 10 min.' });
  });

  it('at defaults to now: the night around the request', async () => {
    const answer = await allowance(tokens.bob, { site: 'saf' });
    expect(Math.abs(Date.parse(answer.at) - Date.now())).toBeLessThan(60_000);
    const night = line(answer, 'per_night').period;
    expect(Date.parse(night.start)).toBeLessThanOrEqual(Date.parse(answer.at));
    expect(Date.parse(night.end!)).toBeGreaterThan(Date.parse(answer.at));
  });

  it('an exempt role, and an admin, book under no rule: exempt, every rule null, no allowance', async () => {
    const none = { shortest_minutes: null, longest_hours: null, notice_minutes: null, ahead_days: null, earliest_start: null, latest_start: null };
    expect(await allowance(tokens.staff, { site: 'saf' })).toMatchObject({ role: 'staff', exempt: true, rules: none, allowances: [] });
    expect(await allowance(tokens.admin, { site: 'saf' })).toMatchObject({ role: 'admin', exempt: true, rules: none, allowances: [] });
  });

  it.each([
    ['a site code that is not one', { site: 'SAF!' }, /^Invalid site: /],
    ['no site', { at: at(4) }, /^Error: missing required key site$/],
    ['a time that is not one', { site: 'saf', at: 'tomorrow night' }, /^Invalid at: expected an ISO 8601 UTC time/],
    ['an impossible date', { site: 'saf', at: '2027-02-30T03:00:00Z' }, /^Invalid at: /],
  ])('%s is a 400 with a plain-text reason', async (_what, body, reason) => {
    const res = await api.post('/allowance', body, tokens.alice);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toMatch(reason);
  });

  it.each(['0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z'])('at %s, far outside the calendar\'s range, is a 400 naming the range', async (time) => {
    const res = await api.post('/allowance', { site: 'saf', at: time }, tokens.alice);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/^Invalid at: allowances are answered from \S+ to \S+ \(a year back, two years ahead\)$/);
  });

  it('is signed-in only: anonymous is a 401', async () => {
    const res = await api.post('/allowance', { site: 'saf' });
    expect(res.status).toBe(401);
  });
});

/** A refusal past an allowance comes from the store's check in the write's atomic step, on every store and driver. */
describe.each(TARGETS)('%s: past an allowance', (_name, driver, storage) => {
  let api: CalendarUnderTest;
  beforeAll(async () => {
    api = await startCalendar(idp, undefined, {
      ...(storage === 'dynamodb' ? { STORAGE: 'dynamodb', DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_REGION: 'us-east-1' } : {}),
      SITES, BOOKING_RULES,
    }, driver);
  });
  afterAll(() => stopAll(api));

  it('a booking past the night\'s hours is a 409 in plain text naming the rule, the period and the numbers, and is not charged', async () => {
    // Each target its own person: the DynamoDB targets share one table.
    const alice = bearer(idp.token({ sub: `google-oauth2|dora-${driver}-${storage}`, name: 'Dora' }));
    expect((await api.post('/newevent', aNewEventBody({ site: 'saf', start: at(3), end: at(6) }), alice)).status).toBe(200);
    const refused = await api.post('/newevent', aNewEventBody({ site: 'saf', start: at(1), end: at(3) }), alice);
    expect({ status: refused.status, type: refused.headers.get('content-type') }).toEqual({ status: 409, type: expect.stringMatching(/^text\/plain/) as unknown });
    expect(refused.text).toMatch(/^At saf you may book 4 h per night; you hold 3 h on the night of \d+ \w+ \d{4}, and this booking needs 2 h\.$/);
    const answer = await api.post('/allowance', { site: 'saf', at: at(4) }, alice);
    expect((answer.json() as AllowanceAnswer).allowances.find((l) => l.rule === 'per_night')).toMatchObject({ used_hours: 3, left_hours: 1, used_bookings: 1 });
  });

  it('keeps time already used counted: a booking that has begun is not deleted, moved or cut into its past, only ended early (red team)', async () => {
    const sub = `google-oauth2|ezra-${driver}-${storage}`;
    const ezra = bearer(idp.token({ sub, name: 'Ezra' }));
    const admin = bearer(idp.token({ sub: 'google-oauth2|root', name: 'Root', roles: ['admin'] }));
    // An admin (exempt) books him a session that began an hour ago and runs for two more.
    const hour = 3_600_000;
    const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    const [start, end] = [iso(Date.now() - hour), iso(Date.now() + 2 * hour)];
    const id = `ezra-running-${driver}-${storage}`;
    expect((await api.post('/newevent', aNewEventBody({ event_id: id, site: 'saf', start, end, creator_id: sub }), admin)).status).toBe(200);
    const deleted = await api.post('/delete', { event_id: id }, ezra);
    expect({ status: deleted.status, text: deleted.text }).toEqual({ status: 409, text: expect.stringMatching(/^At saf your booking from .* has begun, and the time used counts against your allowance: you may end it early/) as unknown });
    const moved = await api.post('/modifyevent', { originalEvent: { event_id: id }, modifiedEvent: { start: iso(Date.now() + hour), end: iso(Date.now() + 2 * hour) } }, ezra);
    expect(moved.status).toBe(409);
    const endedEarly = await api.post('/modifyevent', { originalEvent: { event_id: id }, modifiedEvent: { end: iso(Date.now() + 60_000) } }, ezra);
    expect(endedEarly.status).toBe(200);
    // /allowance takes a null `at` for now.
    const now = await api.post('/allowance', { site: 'saf', at: null }, ezra);
    expect(now.status).toBe(200);
  });
});

describe('without BOOKING_RULES', () => {
  let api: CalendarUnderTest;
  beforeAll(async () => {
    api = await startCalendar(idp, undefined, { SITES });
  });
  afterAll(() => stopAll(api));

  it('every rule is null and there is no allowance; bookings are judged as before', async () => {
    const alice = bearer(idp.token({ sub: 'google-oauth2|alice', name: 'Alice' }));
    for (const [start, end] of [[at(1), at(7)], [at(7), at(12)]]) {
      expect((await api.post('/newevent', aNewEventBody({ site: 'saf', start, end }), alice)).status).toBe(200);
    }
    const res = await api.post('/allowance', { site: 'saf', at: at(4) }, alice);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      site: 'saf', at: at(4), role: null, exempt: false, allowances: [],
      rules: { shortest_minutes: null, longest_hours: null, notice_minutes: null, ahead_days: null, earliest_start: null, latest_start: null },
    });
  });
});
