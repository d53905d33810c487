/**
 * The iCalendar feeds, on every way the API is served (Koa on SQLite and on DynamoDB Local, the
 * Lambda bundle with API Gateway v1 and v2 events). Every feed fetched is read by ical.js after the
 * strict RFC 5545 checks of support/ical.ts, and compared with /siteevents for the same window.
 */
import { request as httpRequest } from 'node:http';
import { createDynamoDbClients } from '../../src/adapters/dynamodb/client.js';
import { DynamoDbReservationStore } from '../../src/adapters/dynamodb/dynamodb-reservation-store.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteReservationStore } from '../../src/adapters/sqlite/sqlite-reservation-store.js';
import type { Reservation } from '../../src/domain/reservation.js';
import { bearer, startCalendar, type CalendarUnderTest, type Driver } from '../support/calendar-server.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { parseFeed, type ParsedFeed } from '../support/ical.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { aNewEventBody } from '../support/builders.js';
import { stopAll } from '../support/teardown.js';
import { createUnlessConflict } from '../support/store-writes.js';

const TARGETS: Array<[string, Driver, 'sqlite' | 'dynamodb', string | undefined]> = [
  ['koa on sqlite (UIDs on the default domain)', 'koa', 'sqlite', undefined],
  ['koa on dynamodb', 'koa', 'dynamodb', 'calendar.test'],
  ['lambda (API Gateway v1) on dynamodb', 'lambda-v1', 'dynamodb', 'calendar.test'],
  ['lambda (API Gateway v2) on dynamodb', 'lambda-v2', 'dynamodb', 'calendar.test'],
];

/** Titles and notes no feed may garble: newlines, iCalendar's own separators, emoji, long words, control characters. */
const HOSTILE = [
  { title: 'M51, M101; the "Whirlpool" \\ and more', note: 'line one\nline two\r\nline three, with; all\\sorts' },
  { title: `🔭🌌✨ ${'é'.repeat(37)}🔭`, note: 'x'.repeat(500) },
  { title: `${'w'.repeat(250)}`, note: `tab\there\u0000nul\u0007bell\u001bescape\u007fdel` },
];
/** What the feed must say for a text: control characters but tab and newline dropped, CR LF as a newline. */
const asSent = (text: string): string => text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');

/**
 * Event ids of data stored before new ids were checked: the two of issue 28 (a 35-character id that
 * made ical.js refuse the whole feed, a 104-character one that added a "SITE CLOSED" event for every
 * subscriber), and others no new event may have.
 */
const STORED_IDS = [
  'x\r\nBEGIN:VALARM\r\nTRIGGER:garbage\r\n:',
  'x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:fake\r\nDTSTART:20300101T000000Z\r\nDURATION:P9D\r\nSUMMARY:SITE CLOSED\r\nX-A:',
  'with space, comma; and \\ backslash', 'nul\u0000bell\u0007', '100%25 real', '🔭 é',
];
/** New ids /newevent refuses: an identifier is printable, without whitespace or control characters. */
const REFUSED_IDS = ['a\r\nb', 'tab\there', 'two words', 'nul\u0000', 'del\u007f', 'é', '🔭', ' ', '\u00a0nbsp'];
/** The event id a UID names (calendarId's writing undone). */
const idOfUid = (uid: string): string => uid.slice(0, uid.lastIndexOf('@'))
  .replace(/%u([0-9A-F]{4})|%([0-9A-F]{2})/g, (_, wide: string | undefined, narrow: string | undefined) => String.fromCharCode(parseInt(wide ?? narrow!, 16)));

/** A GET with the Host header given (fetch always sends the address's). */
function getWithHost(url: string, path: string, host: string, headers: Record<string, string> = {}): Promise<{ status: number; etag: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { headers: { ...headers, host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, etag: String(res.headers.etag), body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The feeds' window (ICAL_PAST_DAYS 30, ICAL_FUTURE_DAYS 90 by default), from UTC midnight. */
function feedWindow(): { start: string; end: string } {
  const midnight = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
  return { start: iso(midnight - 30 * 86_400_000), end: iso(midnight + 90 * 86_400_000) };
}

let dynamo: DynamoDbLocal;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, 60_000);
afterAll(() => dynamo.stop());

describe.each(TARGETS)('%s', (_name, driver, storage, domain) => {
  let idp: IdentityProvider;
  let api: CalendarUnderTest;
  let alice: Record<string, string>;
  let bob: Record<string, string>;
  const uidDomain = domain ?? 'calendar.photonranch.org';
  const table = `ical-${process.pid}-${driver}`;

  beforeAll(async () => {
    idp = await new IdentityProvider().start();
    const env = {
      ...(storage === 'dynamodb' ? { STORAGE: 'dynamodb', DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_REGION: 'us-east-1', DYNAMODB_CALENDAR: table } : {}),
      ...(domain ? { ICAL_DOMAIN: domain } : {}),
    };
    api = await startCalendar(idp, undefined, env, driver);
    alice = bearer(idp.token({ sub: 'google-oauth2|alice', name: 'Alice' }));
    bob = bearer(idp.token({ sub: 'google-oauth2|bob', name: 'Bob' }));
  });
  afterAll(() => stopAll(api, idp));

  let hour = 0;
  /** A fresh hour, days from now, inside the feed's window. */
  const slot = (dayOffset = 2): { start: string; end: string } => {
    hour += 2;
    const start = Math.floor(Date.now() / 86_400_000) * 86_400_000 + dayOffset * 86_400_000 + hour * 3_600_000;
    const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
    return { start: iso(start), end: iso(start + 3_600_000) };
  };
  const book = async (who: Record<string, string>, fields: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const res = await api.post('/newevent', aNewEventBody({ ...slot(), ...fields }), who);
    expect(res.status).toBe(200);
    return (res.json() as { new_calendar_event: Record<string, unknown> }).new_calendar_event;
  };
  const fetchFeed = async (path: string, headers: Record<string, string> = {}) => {
    const res = await api.request('GET', path, { headers });
    return { ...res, feed: res.status === 200 ? parseFeed(res.text) : undefined };
  };
  /** /siteevents over the feed's window, asked in pieces: one answer covers at most LIST_MAX_WINDOW_DAYS. */
  const siteEvents = async (site: string): Promise<Array<Record<string, string | number>>> => {
    const { start, end } = feedWindow();
    const middle = new Date((Date.parse(start) + Date.parse(end)) / 2).toISOString().replace('.000Z', 'Z');
    const halves = await Promise.all([[start, middle], [middle, end]].map(async ([s, e]) => {
      const res = await api.post('/siteevents', { site, start: s, end: e });
      expect(res.status).toBe(200);
      return res.json() as Array<Record<string, string | number>>;
    }));
    return [...new Map(halves.flat().map((e) => [e.event_id, e])).values()];
  };
  /** The feed and /siteevents agree: same events (the UIDs naming their ids), times, sequence, title. */
  const expectSameAsSiteEvents = (feed: ParsedFeed, events: Array<Record<string, string | number>>): void => {
    const byUid = (a: { uid: string }, b: { uid: string }) => (a.uid < b.uid ? -1 : 1);
    expect(feed.events.map((e) => ({ uid: `${idOfUid(e.uid)}${e.uid.slice(e.uid.lastIndexOf('@'))}`, start: e.start, end: e.end, sequence: e.sequence, summary: e.summary })).sort(byUid))
      .toEqual(events.map((e) => ({ uid: `${String(e.event_id)}@${uidDomain}`, start: e.start, end: e.end, sequence: e.version, summary: asSent(String(e.title)) })).sort(byUid));
  };

  it('a site feed holds what /siteevents holds for its window, hostile titles intact, with calendar properties for apps', async () => {
    for (const [i, { title, note }] of HOSTILE.entries()) await book(i % 2 ? bob : alice, { site: 'ics1', title, reservation_note: note });
    await book(alice, { site: 'ics1', title: 'a project night', reservation_type: 'project', project_id: 'M31#2026-01-01T00:00:00Z' });
    await book(alice, { site: 'ics1', title: 'long ago', ...slot(-60) });
    const res = await fetchFeed('/ical/ics1.ics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const feed = res.feed!;
    expect([feed.name, feed.refreshInterval, feed.publishedTtl]).toEqual(['ics1', 'PT5M', 'PT5M']);
    expect(feed.events).toHaveLength(4); // the booking 60 days ago is outside the window
    expectSameAsSiteEvents(feed, await siteEvents('ics1'));
    const project = feed.events.find((e) => e.summary === 'a project night')!;
    expect(project.categories).toEqual(['project']);
    expect(project.description).toContain('Project: M31#2026-01-01T00:00:00Z');
    // The creator is the name the identity provider gives (the token's), not the body's "Alice Example".
    expect(feed.events.find((e) => e.summary === asSent(HOSTILE[0]!.title))!.description).toBe('Type: realtime\nBooked by: Alice\nOrigin: PTR\nSite: ics1');
    // Notes are the owner's: the public feed has none.
    for (const { note } of HOSTILE) expect(res.text).not.toContain(note.slice(0, 12));
    expect(res.text).toMatch(/^DTSTART:\d{8}T\d{6}Z\r$/m);
  });

  /** Writes events into the server's own store as older data holds them, bypassing the routes' checks. */
  const storeDirectly = async (events: Reservation[]): Promise<void> => {
    if (storage === 'sqlite') {
      const db = openSqliteDatabase(api.sqlitePath);
      try {
        for (const event of events) await createUnlessConflict(new SqliteReservationStore(db), event);
      } finally {
        db.close();
      }
      return;
    }
    const { raw, doc } = createDynamoDbClients({ region: 'us-east-1', endpoint: dynamo.endpoint });
    try {
      for (const event of events) await createUnlessConflict(new DynamoDbReservationStore(doc, { tableName: table }), event);
    } finally {
      raw.destroy();
    }
  };

  it('event ids: a new one must be printable without whitespace (400 otherwise); stored odd ones are read, encoded in the feed and found', async () => {
    for (const eventId of REFUSED_IDS) {
      const res = await api.post('/newevent', aNewEventBody({ ...slot(), site: 'ics4', event_id: eventId }), alice);
      expect([eventId, res.status, res.text]).toEqual([eventId, 400, expect.stringMatching(/^Invalid event_id: expected 1 to 128 printable ASCII characters without spaces/)]);
    }
    await book(alice, { site: 'ics4', event_id: '0f1e4c52-7c0e-4b8e-9d38-2f6a1c7e9b41', title: 'a uuid' });
    // Older data: written straight into the store, as no route now accepts them.
    const stored = STORED_IDS.map((eventId, i) => ({
      event_id: eventId, ...slot(), creator: 'Alice', creator_id: 'google-oauth2|alice', site: 'ics4', resourceId: 'ics4', title: `stored ${i}`,
      reservation_type: 'realtime', origin: 'PTR', project_id: 'none', reservation_note: '', last_modified: '2026-01-01T00:00:00Z', version: 1,
    }));
    await storeDirectly(stored);
    const res = await fetchFeed('/ical/ics4.ics');
    expect(res.status).toBe(200);
    // Exactly the stored events, each with its own id: no event refused, none forged.
    const read = res.feed!.events.map((e) => ({ id: idOfUid(e.uid), summary: e.summary, start: e.start, end: e.end, domain: e.uid.slice(e.uid.lastIndexOf('@') + 1) }));
    // In time order: the booking first (it took the earlier slot).
    expect(read.sort((a, b) => (a.start < b.start ? -1 : 1))).toEqual([
      expect.objectContaining({ id: '0f1e4c52-7c0e-4b8e-9d38-2f6a1c7e9b41', summary: 'a uuid', domain: uidDomain }),
      ...stored.map((e, i) => ({ id: e.event_id, summary: `stored ${i}`, start: e.start, end: e.end, domain: uidDomain })),
    ]);
    expect(res.feed!.events.map((e) => e.summary)).not.toContain('SITE CLOSED');
    expectSameAsSiteEvents(res.feed!, await siteEvents('ics4'));
    // Other routes look ids up: an old id is found (and can be changed and deleted), a made-up one is not.
    expect((await api.post('/event-history', { event_id: STORED_IDS[0] }, alice)).status).toBe(200);
    expect((await api.post('/modifyevent', { originalEvent: { event_id: STORED_IDS[2] }, modifiedEvent: { title: 'renamed' } }, alice)).status).toBe(200);
    expect((await api.post('/delete', { event_id: STORED_IDS[1] }, alice)).status).toBe(200);
    expect((await api.post('/delete', { event_id: 'no\r\nsuch' }, alice)).status).toBe(404);
    const after = (await fetchFeed('/ical/ics4.ics')).feed!;
    expect(after.events.map((e) => idOfUid(e.uid))).not.toContain(STORED_IDS[1]);
    expect(after.events.find((e) => idOfUid(e.uid) === STORED_IDS[2])).toMatchObject({ summary: 'renamed', sequence: 2 });
  });

  it('the Host header selects nothing: every host gets the same feed, bytes and ETag, and its 304', async () => {
    await book(alice, { site: 'ics5', title: 'hosted' });
    const hosts = ['127.0.0.1', 'evil.example', 'a.b.c.example:8443', 'xn--e1afmkfd.example', 'localhost'];
    const answers = await Promise.all(hosts.map((host) => getWithHost(api.url, '/ical/ics5.ics', host)));
    expect(answers.map((a) => a.status)).toEqual(hosts.map(() => 200));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(new Set(answers.map((a) => a.etag)).size).toBe(1);
    expect(parseFeed(answers[0]!.body).events.map((e) => e.uid)).toEqual([expect.stringMatching(new RegExp(`@${uidDomain.replace(/\./g, '\\.')}$`))]);
    expect((await getWithHost(api.url, '/ical/ics5.ics', 'another.example', { 'if-none-match': answers[1]!.etag })).status).toBe(304);
  });

  it('a modify raises SEQUENCE, a delete removes the VEVENT, and an unknown site is an empty calendar', async () => {
    const event = await book(alice, { site: 'ics2', title: 'first' });
    const before = (await fetchFeed('/ical/ics2.ics')).feed!;
    expect(before.events.map((e) => e.sequence)).toEqual([1]);
    expect((await api.post('/modifyevent', { originalEvent: { event_id: event.event_id }, modifiedEvent: { ...slot(), title: 'moved' } }, alice)).status).toBe(200);
    const moved = (await fetchFeed('/ical/ics2.ics')).feed!;
    expect(moved.events.map((e) => [e.summary, e.sequence])).toEqual([['moved', 2]]);
    expectSameAsSiteEvents(moved, await siteEvents('ics2'));
    expect((await api.post('/delete', { event_id: event.event_id }, alice)).status).toBe(200);
    expect((await fetchFeed('/ical/ics2.ics')).feed!.events).toEqual([]);
    const empty = await fetchFeed('/ical/nosuchsite.ics');
    expect([empty.status, empty.feed!.events.length, empty.feed!.name]).toEqual([200, 0, 'nosuchsite']);
    expect((await api.request('GET', '/ical/Not%20A%20Site.ics')).status).toBe(400);
  });

  it('polling: If-None-Match and If-Modified-Since give 304 with no body until something changes, a delete included', async () => {
    const event = await book(alice, { site: 'ics3', title: 'watched' });
    const first = await fetchFeed('/ical/ics3.ics');
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    for (const headers of [{ 'if-none-match': etag }, { 'if-none-match': `W/${etag}, "other"` }, { 'if-modified-since': lastModified }] as Array<Record<string, string>>) {
      const again = await api.request('GET', '/ical/ics3.ics', { headers });
      expect([again.status, again.text, again.headers.get('etag')]).toEqual([304, '', etag]);
    }
    expect((await api.request('GET', '/ical/ics3.ics', { headers: { 'if-none-match': '"stale"' } })).status).toBe(200);
    // Last-Modified has whole seconds: the change must come in a later second to be seen by it.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await api.post('/delete', { event_id: event.event_id }, alice)).status).toBe(200);
    const changed = await fetchFeed('/ical/ics3.ics', { 'if-none-match': etag });
    expect([changed.status, changed.feed!.events.length]).toEqual([200, 0]);
    expect((await api.request('GET', '/ical/ics3.ics', { headers: { 'if-modified-since': lastModified } })).status).toBe(200);
  });

  it("a private feed holds its owner's reservations at every site, notes included; rotating the key retires the old address at once", async () => {
    expect((await api.post('/ical-feed', {})).status).toBe(401);
    const made = await api.post('/ical-feed', {}, alice);
    expect(made.status).toBe(200);
    const { url, webcal } = made.json() as { url: string; webcal: string };
    expect(url).toMatch(/^https?:\/\/.+\/ical\/users\/[\w-]{43}\.ics$/); // https behind API Gateway
    expect(webcal).toBe(url.replace(/^https?:/, 'webcal:'));
    const path = new URL(url).pathname;
    await book(alice, { site: 'icsa', title: 'mine at a', reservation_note: HOSTILE[0]!.note });
    await book(alice, { site: 'icsb', title: 'mine at b' });
    for (const [i, { title, note }] of HOSTILE.entries()) await book(alice, { site: i % 2 ? 'icsa' : 'icsb', title, reservation_note: note });
    await book(bob, { site: 'icsa', title: "bob's" });
    const mine = await fetchFeed(path);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('cache-control')).toBe('private, max-age=300');
    const titles = mine.feed!.events.map((e) => e.summary);
    expect(titles).toEqual(expect.arrayContaining(['mine at a', 'mine at b']));
    expect(titles).not.toContain("bob's");
    expect(mine.feed!.events.find((e) => e.summary === 'mine at a')!.description).toContain(asSent(HOSTILE[0]!.note));
    // Every hostile title and note comes back as sent (control characters but tab and newline dropped).
    for (const { title, note } of HOSTILE) {
      expect(mine.feed!.events.find((e) => e.summary === asSent(title))?.description.endsWith(`\n\n${asSent(note)}`)).toBe(true);
    }
    const etag = mine.headers.get('etag')!;
    expect((await api.request('GET', path, { headers: { 'if-none-match': etag } })).status).toBe(304);

    const again = await api.post('/ical-feed', {}, alice);
    expect([again.status, again.text]).toEqual([409, expect.stringContaining('rotate')]);
    const rotated = await api.post('/ical-feed', { rotate: true }, alice);
    expect(rotated.status).toBe(200);
    const newPath = new URL((rotated.json() as { url: string }).url).pathname;
    expect(newPath).not.toBe(path);
    const old = await api.request('GET', path);
    expect([old.status, old.text]).toEqual([404, expect.stringContaining('No calendar feed has this address')]);
    expect((await fetchFeed(newPath)).feed!.events.map((e) => e.summary)).toEqual(expect.arrayContaining(['mine at a', 'mine at b']));
    for (const unknown of ['/ical/users/nope.ics', `/ical/users/${'A'.repeat(43)}.ics`, `/ical/users/${'x'.repeat(200)}.ics`]) {
      expect((await api.request('GET', unknown)).status).toBe(404);
    }
  });

  it('without PUBLIC_URL, a feed address is never built from a Host that is not this machine; no key is made then', async () => {
    const carol = bearer(idp.token({ sub: 'google-oauth2|carol', name: 'Carol' }));
    // Before: 200 with http://attacker.example.org/ical/users/<key>.ics, the key made.
    const lied = await rawPost(api.url, '/ical-feed', '{}', { ...carol, host: 'attacker.example.org' });
    process.stderr.write(`ical-feed, Host: attacker.example.org without PUBLIC_URL: ${lied.status} ${lied.text}\n`);
    expect([lied.status, lied.text]).toEqual([503, expect.stringContaining('PUBLIC_URL is not set')]);
    const made = await api.post('/ical-feed', {}, carol);
    expect(made.status).toBe(200); // not 409: the refused request left no key
    expect(new URL((made.json() as { url: string }).url).hostname).toBe('127.0.0.1');
    // A loopback Host with a query or a fragment tacked on: the address is the URL's own origin and
    // the key stays in its path (before: http://localhost:3300?x=/ical/users/<key>.ics).
    for (const [i, host] of ['localhost:3300?x=', 'localhost:3300#'].entries()) {
      const odd = await rawPost(api.url, '/ical-feed', '{}', { ...bearer(idp.token({ sub: `google-oauth2|odd${i}` })), host });
      expect([odd.status, (JSON.parse(odd.text) as { url: string }).url]).toEqual([200, expect.stringMatching(/^https?:\/\/localhost:3300\/ical\/users\/[\w-]{43}\.ics$/)]);
    }
  });
});

it('with PUBLIC_URL, the feed address is on it whatever Host says', async () => {
  const idp = await new IdentityProvider().start();
  const api = await startCalendar(idp, undefined, { PUBLIC_URL: 'https://calendar.example.org/api/' });
  try {
    const answer = await rawPost(api.url, '/ical-feed', '{}', { ...bearer(idp.token({ sub: 'google-oauth2|dave' })), host: 'attacker.example.org' });
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.text) as { url: string }).url).toMatch(/^https:\/\/calendar\.example\.org\/api\/ical\/users\/[\w-]{43}\.ics$/);
  } finally {
    await stopAll(api, idp);
  }
});

/** A POST with headers fetch will not send as given (Host), on a connection of its own. */
async function rawPost(url: string, path: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(`${url}${path}`, { method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    }).on('error', reject).end(body);
  });
}
