/**
 * The iCalendar feeds (issue 16): the size of a busy month's site feed and the time to make it (the
 * window query, the entries, ical-generator, the ETag), beside the same events sent as the JSON of a
 * list route, in interleaved rounds; and after one of its events changed, when only that event is
 * written again (issue 28). Also how long an unknown private-feed key takes to refuse: a random one,
 * and one that shares all but its last character with a real key (the lookup is by digest, so the
 * two must not differ). Last, over HTTP, an honest reader of /siteevents while two connections
 * attack the feed (issue 28): a new Host header on every request, or an edit before every fetch.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CryptoFeedKeyCodec } from '../../src/adapters/secrets/crypto-feed-key-codec.js';
import autocannon from 'autocannon';
import { DEFAULT_ICAL_DOMAIN, CalendarFeedCache, calendarFeedAnswer } from '../../src/adapters/http/ical.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteFeedKeyStore } from '../../src/adapters/sqlite/sqlite-feed-key-store.js';
import { SqliteReservationStore } from '../../src/adapters/sqlite/sqlite-reservation-store.js';
import { SiteCalendarFeed } from '../../src/application/use-cases/site-calendar-feed.js';
import { IssueFeedKey, UserCalendarFeed } from '../../src/application/use-cases/user-calendar-feed.js';
import type { Reservation } from '../../src/domain/reservation.js';
import { formatUtcTime } from '../../src/domain/time.js';
import { json, median, timed, type Harness } from '../harness.js';
import { createUnlessConflict, putImported, setProject } from '../../test/support/store-writes.js';

const NIGHTS = 30;
const BOOKINGS_PER_NIGHT = 10;
const OBSERVATIONS_PER_NIGHT = 40;
const clock = { now: () => Date.now() };

function busyMonth(site: string): Reservation[] {
  const today = Math.floor(Date.now() / 86_400_000) * 86_400;
  const events: Reservation[] = [];
  for (let night = 0; night < NIGHTS; night++) {
    const dusk = today + (night - NIGHTS / 2) * 86_400 + 2 * 3600;
    const base = { site, resourceId: site, creator: 'Ada Observer', reservation_type: 'realtime', origin: 'PTR', project_id: 'none', version: 1 };
    for (let b = 0; b < BOOKINGS_PER_NIGHT; b++) {
      const start = dusk + b * 1800;
      events.push({
        ...base, event_id: `bk-${night}-${b}`, start: formatUtcTime(start), end: formatUtcTime(start + 1800), creator_id: `google-oauth2|user${b}`,
        title: `Night ${night}: M${b + 1} in Hα, then a focus run`, reservation_note: 'Bring the red filter; dome flat at dusk, 20 × 30 s.'.repeat(3),
        last_modified: formatUtcTime(dusk - 86_400),
      });
    }
    for (let o = 0; o < OBSERVATIONS_PER_NIGHT; o++) {
      const start = dusk + 5 * 3600 + o * 300;
      events.push({
        ...base, event_id: `lco-${night}-${o}`, start: formatUtcTime(start), end: formatUtcTime(start + 300), creator_id: 'lco-scheduler',
        creator: 'LCO', origin: 'LCO', project_id: `LCO2026B-0${o % 9}#2026-01-01T00:00:00Z`, reservation_type: 'project',
        title: `LCO request ${night * 100 + o}`, reservation_note: '', last_modified: formatUtcTime(dusk - 3600),
      });
    }
  }
  return events;
}

export async function icalSection(h: Harness) {
  const db = openSqliteDatabase(join(h.dir, 'ical.db'));
  const store = new SqliteReservationStore(db);
  for (const event of busyMonth('busy')) {
    if (event.origin === 'LCO') await putImported(store, event);
    else await createUnlessConflict(store, event);
  }
  const settings = { pastDays: 30, futureDays: 90, maxEvents: 5000 };
  const feed = new SiteCalendarFeed(store, clock, settings);
  const options = { description: 'bench', cache: 'public' as const };
  const window = { start: formatUtcTime(Math.floor(Date.now() / 1000) - 30 * 86_400), end: formatUtcTime(Math.floor(Date.now() / 1000) + 90 * 86_400) };
  const answer = (loaded: Awaited<ReturnType<typeof feed.execute>>, cache: CalendarFeedCache) => calendarFeedAnswer(loaded, cache.render(loaded, options), options, {}, true);
  // A new cache each time: every measured feed is written in full.
  const makeFeed = async () => answer(await feed.execute({ site: 'busy' }), new CalendarFeedCache(DEFAULT_ICAL_DOMAIN));
  const cache = new CalendarFeedCache(DEFAULT_ICAL_DOMAIN);
  const makeCached = async () => answer(await feed.execute({ site: 'busy' }), cache);
  const makeJson = async () => (await store.findOverlapping('busy', window)).toJson().text;
  const sample = await makeFeed();
  const json = await makeJson();

  const feedMs: number[] = [];
  const jsonMs: number[] = [];
  const cachedMs: number[] = [];
  await makeCached();
  const iterations = Math.max(5, h.settings.rounds * 5);
  for (let i = 0; i < iterations; i++) {
    // Which goes first alternates, so that warming up favours neither.
    if (i % 2 === 0) {
      feedMs.push(await timed(makeFeed));
      jsonMs.push(await timed(makeJson));
      cachedMs.push(await timed(makeCached));
    } else {
      cachedMs.push(await timed(makeCached));
      jsonMs.push(await timed(makeJson));
      feedMs.push(await timed(makeFeed));
    }
  }
  // After one change: a booking's project changes (a new version), then the feed is asked for.
  const changedMs: number[] = [];
  const writtenBefore = cache.written.events;
  for (let i = 0; i < iterations * 2; i++) {
    const id = `bk-${i % NIGHTS}-${i % BOOKINGS_PER_NIGHT}`;
    await setProject(store, id, `M${i}#2026-01-01T00:00:00Z`, formatUtcTime(Math.floor(Date.now() / 1000)));
    changedMs.push(await timed(makeCached));
  }
  const writtenPerChange = (cache.written.events - writtenBefore) / (iterations * 2);
  const events = (sample.body.toString().match(/BEGIN:VEVENT/g) ?? []).length;
  const row = {
    events,
    feed_bytes: Buffer.byteLength(sample.body),
    feed_gzip_bytes: gzipSync(sample.body).length,
    json_bytes: Buffer.byteLength(json),
    feed_ms: Math.round(median(feedMs) * 10) / 10,
    json_ms: Math.round(median(jsonMs) * 10) / 10,
    cached_ms: Math.round(median(cachedMs) * 10) / 10,
    after_change_ms: Math.round(median(changedMs) * 10) / 10,
    events_written_per_change: writtenPerChange,
    feed_us_per_event: Math.round((median(feedMs) * 1000) / events),
  };
  h.log(`ical: a busy month (${events} events) is ${row.feed_bytes} bytes (${row.feed_gzip_bytes} gzipped), made in ${row.feed_ms} ms ` +
    `(median of ${iterations}), ${row.cached_ms} ms when unchanged since the last request, ${row.after_change_ms} ms after one change ` +
    `(median of ${iterations * 2}; ${writtenPerChange} event written a change); the same events as list JSON: ${row.json_bytes} bytes in ${row.json_ms} ms`);

  // Refusing unknown private-feed keys: random ones, and near misses of a real one.
  const keys = new SqliteFeedKeyStore(db);
  const codec = new CryptoFeedKeyCodec();
  const { key } = await new IssueFeedKey(keys, codec, clock).execute({ actor: { kind: 'user', sub: 'google-oauth2|user1', isAdmin: false }, rotate: false });
  const user = new UserCalendarFeed(store, keys, codec, clock, settings);
  const refuse = (candidate: string) => timed(() => user.execute({ key: candidate }).then(() => { throw new Error('a wrong key was accepted'); }, () => undefined));
  const random: number[] = [];
  const nearMiss: number[] = [];
  for (let i = 0; i < 4000; i++) {
    const near = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    if (i % 2 === 0) {
      random.push(await refuse(randomBytes(32).toString('base64url')));
      nearMiss.push(await refuse(near));
    } else {
      nearMiss.push(await refuse(near));
      random.push(await refuse(randomBytes(32).toString('base64url')));
    }
  }
  // The key check alone (digest, then one lookup), for the real key and for a near miss: a found and a missing row.
  const lookup = (candidate: string) => timed(() => keys.owner(codec.digest(candidate)));
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 4000; i++) {
    known.push(await lookup(key));
    unknown.push(await lookup(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`));
  }
  const us = (samples: number[]): number => Math.round(median(samples) * 1000 * 10) / 10;
  const refusal = {
    random_us: us(random),
    near_miss_us: us(nearMiss),
    ratio: Math.round((median(nearMiss) / median(random)) * 100) / 100,
    lookup_known_us: us(known),
    lookup_unknown_us: us(unknown),
  };
  h.log(`ical: an unknown key is refused in ${refusal.random_us} µs (random) and ${refusal.near_miss_us} µs (all but the last character right), ratio ${refusal.ratio}; ` +
    `the key check itself ${refusal.lookup_known_us} µs for the real key, ${refusal.lookup_unknown_us} µs for a near miss`);
  db.close();
  const attacks = await underAttack(h, join(h.dir, 'ical.db'));
  return { ...row, refusal, attacks };
}

/**
 * An honest reader's /siteevents (a new week of the busy site each time, so never the read cache) on
 * a server with the shipped defaults (ICAL_DOMAIN unset), alone and while two connections attack the
 * 1 500-event feed: with a new Host header on every request (before issue 28 each was a new
 * rendering), or as a signed-in user who edits one of the feed's events before every fetch.
 */
async function underAttack(h: Harness, dbPath: string) {
  const url = await h.startCalendar(dbPath);
  let later = 0;
  const honest = () => h.load(url, {
    path: '/siteevents', method: 'POST', headers: { 'content-type': 'application/json' }, connections: 1,
    requests: [{ setupRequest: (req) => {
      later += 1;
      const start = Math.floor(Date.now() / 1000) - 15 * 86_400 + (later % 600) * 3600;
      return { ...req, body: json({ site: 'busy', start: formatUtcTime(start), end: formatUtcTime(start + 7 * 86_400) }).body };
    } }],
  });
  /** Runs `attack` while the honest reader is measured, and answers the reader's figures and the attack's requests. */
  const during = async (attack: (stop: () => boolean) => Promise<number>) => {
    let stopped = false;
    const running = attack(() => stopped);
    const reader = await honest();
    stopped = true;
    return { reader, attackRequests: await running };
  };
  const alone = await honest();
  let host = 0;
  const rotation = await during(async (stopped) => {
    let done = 0;
    while (!stopped()) {
      const result = await autocannon({
        url: `${url}/ical/busy.ics`, connections: 2, duration: 1,
        requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, host: `attacker-${(host += 1)}.example` } }) }],
      });
      done += result.requests.total;
    }
    return done;
  });
  const edits = await during(async (stopped) => {
    const attacker = async (b: number): Promise<number> => {
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${h.tokenFor(`google-oauth2|user${b}`)}` };
      let done = 0;
      while (!stopped()) {
        const edit = await fetch(`${url}/modifyevent`, {
          method: 'POST', headers, body: JSON.stringify({ originalEvent: { event_id: `bk-${done % NIGHTS}-${b}` }, modifiedEvent: { title: `edit ${done}` } }),
        });
        if (edit.status !== 200) throw new Error(`the editing attacker's change: ${edit.status} ${await edit.text()}`);
        const fetched = await fetch(`${url}/ical/busy.ics`);
        if (fetched.status !== 200) throw new Error(`the editing attacker's fetch: ${fetched.status}`);
        await fetched.arrayBuffer();
        done += 2;
      }
      return done;
    };
    return (await Promise.all([attacker(1), attacker(2)])).reduce((a, b) => a + b, 0);
  });
  // What one request costs the server in CPU, at 100 requests a second: an honest reader's, and a Host-rotating attacker's.
  const honestCpuUs = await h.cpuPerRequest(url, {
    path: '/siteevents', connections: 1, ...json({ site: 'busy', start: formatUtcTime(Math.floor(Date.now() / 1000)), end: formatUtcTime(Math.floor(Date.now() / 1000) + 7 * 86_400) }),
  }, 100);
  const attackCpuUs = await h.cpuPerRequest(url, {
    path: '/ical/busy.ics', connections: 2,
    requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, host: `attacker-${(host += 1)}.example` } }) }],
  }, 100);
  const figures = (m: { p50: number; p99: number; rps: number }) => ({ p50_ms: m.p50, p99_ms: m.p99, rps: m.rps });
  const result = {
    honest_alone: figures(alone),
    host_rotation: { ...figures(rotation.reader), attack_requests: rotation.attackRequests, p50_ratio: Math.round((rotation.reader.p50 / alone.p50) * 100) / 100 },
    edit_between_fetches: { ...figures(edits.reader), attack_requests: edits.attackRequests, p50_ratio: Math.round((edits.reader.p50 / alone.p50) * 100) / 100 },
    cpu_us: { honest_week: honestCpuUs, feed_new_host: attackCpuUs },
  };
  h.log(`ical under attack: an honest /siteevents reader alone p50 ${alone.p50} ms (p99 ${alone.p99} ms); ` +
    `with 2 connections rotating the Host header on the feed (${rotation.attackRequests} requests) p50 ${rotation.reader.p50} ms, p99 ${rotation.reader.p99} ms (${result.host_rotation.p50_ratio}×); ` +
    `with 2 users each editing an event before every fetch (${edits.attackRequests} requests) p50 ${edits.reader.p50} ms, p99 ${edits.reader.p99} ms (${result.edit_between_fetches.p50_ratio}×); ` +
    `server CPU a request at 100 req/s: ${honestCpuUs} µs for a week of /siteevents, ${attackCpuUs} µs for the feed under a new Host`);
  return result;
}
