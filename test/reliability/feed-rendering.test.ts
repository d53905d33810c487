/**
 * The site feed's CPU cost under the attacks of issue 28, counted in what is written rather than
 * timed: a new Host header on every request (with ICAL_DOMAIN unset, each used to be a new rendering
 * of the whole feed), many requests for one feed at once, and a signed-in user who changes one event
 * between fetches (each used to render the whole feed again). The Koa app serves the real route
 * table over loopback; the honest reader's latency under these attacks is in the benchmark
 * (`npm run bench -- --only ical`).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_ICAL_DOMAIN, CalendarFeedCache } from '../../src/adapters/http/ical.js';
import { buildRoutes } from '../../src/adapters/http/routes.js';
import { InMemoryReservationStore } from '../../src/adapters/memory/in-memory-reservation-store.js';
import type { UseCases } from '../../src/application/use-cases/index.js';
import { SiteCalendarFeed } from '../../src/application/use-cases/site-calendar-feed.js';
import { formatUtcTime } from '../../src/domain/time.js';
import { aReservation } from '../support/builders.js';
import { parseFeed } from '../support/ical.js';
import { testKoaApp } from '../support/koa-app.js';
import { createUnlessConflict, replaceUnlessConflict } from '../support/store-writes.js';

const EVENTS = 300;
const TODAY = Math.floor(Date.now() / 86_400_000) * 86_400;

let server: Server;
let url: string;
let feeds: CalendarFeedCache;
let store: InMemoryReservationStore;
/** The store's window queries: each is one reading of the feed. */
let reads = 0;
/** Requests that asked the cache for the feed. */
let asked = 0;
/**
 * While set, a window query waits until `until` requests have asked for the feed: as a store over a
 * network would be, slow enough for them all to meet (here without depending on timing).
 */
let hold: { until: number; release: () => void; released: Promise<void> } | undefined;
/** The store's version (as SQLite's StoreVersion): the test's writes raise it. */
let version = 0;

class WatchedFeedCache extends CalendarFeedCache {
  override load(...args: Parameters<CalendarFeedCache['load']>): ReturnType<CalendarFeedCache['load']> {
    asked += 1;
    const loading = super.load(...args);
    if (hold && asked >= hold.until) hold.release();
    return loading;
  }
}

beforeAll(async () => {
  store = new InMemoryReservationStore();
  for (let i = 0; i < EVENTS; i++) {
    const start = TODAY + (i - EVENTS / 2) * 3600;
    await createUnlessConflict(store, aReservation({ event_id: `ev-${i}`, site: 'atk', title: `night ${i}`, start: formatUtcTime(start), end: formatUtcTime(start + 1800) }));
  }
  const counted = new Proxy(store, {
    get(target, name, receiver) {
      if (name === 'findOverlapping') {
        return async (...args: Parameters<InMemoryReservationStore['findOverlapping']>) => {
          reads += 1;
          await hold?.released;
          return target.findOverlapping(...args);
        };
      }
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  // As a deployment without ICAL_DOMAIN (the default): the feed cache the route table makes for itself, but one the test can read.
  feeds = new WatchedFeedCache(DEFAULT_ICAL_DOMAIN, {}, { current: () => version });
  const siteCalendarFeed = new SiteCalendarFeed(counted, { now: () => Date.now() }, { pastDays: 30, futureDays: 90, maxEvents: 5000 });
  const app = testKoaApp({
    routes: buildRoutes({ siteCalendarFeed } as unknown as UseCases, { calendarFeedCache: feeds }),
    rateLimitPerMinute: 0, importTriggersPerMinute: 0,
  });
  server = createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** GET /ical/atk.ics with the Host header given (fetch always sends the address's own). */
function fetchFeed(host: string): Promise<{ status: number; etag: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/ical/atk.ics`, { headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, etag: String(res.headers.etag), body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

it('a new Host header on every request, 40 at once and 40 more after, reads the store once and writes each event once', async () => {
  const hosts = Array.from({ length: 40 }, (_, i) => `attacker-${i}.example${i % 2 ? ':8443' : ''}`);
  let release!: () => void;
  const released = new Promise<void>((r) => { release = r; });
  hold = { until: asked + hosts.length, release, released };
  const together = await Promise.all(hosts.map(fetchFeed));
  hold = undefined;
  const after = [];
  for (const host of hosts) after.push(await fetchFeed(`again-${host}`));
  const answers = [...together, ...after];
  expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
  expect(new Set(answers.map((a) => a.body)).size).toBe(1);
  expect(new Set(answers.map((a) => a.etag)).size).toBe(1);
  const events = parseFeed(answers[0]!.body).events;
  expect(events).toHaveLength(EVENTS);
  expect(events.every((e) => e.uid.endsWith(`@${DEFAULT_ICAL_DOMAIN}`))).toBe(true);
  process.stderr.write(`feed rendering: 80 requests with 80 Host headers: ${reads} store read for the 40 at once + 40 after, ` +
    `${feeds.written.events} events written, ${feeds.written.feeds} feeds put together\n`);
  // The 40 at once share one reading and one writing; the store has not changed since, so the later ones read nothing.
  expect(reads).toBe(1);
  expect(feeds.written).toEqual({ events: EVENTS, feeds: 1 });
});

it('one event changed between fetches is the one event written again, each time', async () => {
  const before = { ...feeds.written };
  const rounds = 20;
  for (let round = 1; round <= rounds; round++) {
    const id = `ev-${(round * 7) % EVENTS}`;
    const current = (await store.get(id))!;
    await replaceUnlessConflict(store, { ...current, title: `changed ${round}` });
    version += 1;
    const { status, body } = await fetchFeed(`editor-${round}.example`);
    expect(status).toBe(200);
    expect(parseFeed(body).events.find((e) => e.uid === `${id}@${DEFAULT_ICAL_DOMAIN}`)?.summary).toBe(`changed ${round}`);
  }
  const readsBefore = reads;
  await fetchFeed('after-the-last-change.example');
  expect(reads).toBe(readsBefore); // nothing committed since the last fetch: not read again
  const written = { events: feeds.written.events - before.events, feeds: feeds.written.feeds - before.feeds };
  process.stderr.write(`feed rendering: ${rounds} fetches, each after one change: ${written.events} events written (${EVENTS} a fetch before issue 28)\n`);
  expect(written).toEqual({ events: rounds, feeds: rounds });
});
