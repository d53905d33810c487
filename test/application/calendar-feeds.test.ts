/**
 * The feed use cases over the in-memory and SQLite stores, with a clock the test sets: what the
 * site and private feeds hold, their Last-Modified, the event cap, and the key lifecycle.
 */
import { randomBytes } from 'node:crypto';
import type { FeedKeyStore } from '../../src/application/ports/feed-keys.port.js';
import type { ReservationStore } from '../../src/application/ports/reservation-store.port.js';
import { SiteCalendarFeed } from '../../src/application/use-cases/site-calendar-feed.js';
import { IssueFeedKey, UserCalendarFeed } from '../../src/application/use-cases/user-calendar-feed.js';
import { InMemoryFeedKeyStore } from '../../src/adapters/memory/in-memory-feed-key-store.js';
import { InMemoryReservationStore } from '../../src/adapters/memory/in-memory-reservation-store.js';
import { CryptoFeedKeyCodec } from '../../src/adapters/secrets/crypto-feed-key-codec.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteFeedKeyStore } from '../../src/adapters/sqlite/sqlite-feed-key-store.js';
import { SqliteReservationStore } from '../../src/adapters/sqlite/sqlite-reservation-store.js';
import type { Actor } from '../../src/domain/actor.js';
import { FeedKeyExistsError, CalendarFeedNotFoundError, ForbiddenError } from '../../src/domain/errors.js';
import { aReservation } from '../support/builders.js';
import { FixedClock } from '../support/fixed-clock.js';
import { createUnlessConflict, deleteEvent, putImported, replaceUnlessConflict } from '../support/store-writes.js';

const alice: Actor = { kind: 'user', sub: 'google-oauth2|alice', name: 'Alice', isAdmin: false };
const settings = { pastDays: 30, futureDays: 90, maxEvents: 50 };

const stores: Array<[string, () => { store: ReservationStore; keys: FeedKeyStore }]> = [
  ['in-memory', () => ({ store: new InMemoryReservationStore(), keys: new InMemoryFeedKeyStore() })],
  ['sqlite', () => {
    const db = openSqliteDatabase(':memory:');
    return { store: new SqliteReservationStore(db), keys: new SqliteFeedKeyStore(db) };
  }],
];

describe.each(stores)('calendar feeds over %s', (_name, make) => {
  let store: ReservationStore;
  let keys: FeedKeyStore;
  let clock: FixedClock;
  let site: SiteCalendarFeed;
  let user: UserCalendarFeed;
  let issue: IssueFeedKey;
  const codec = new CryptoFeedKeyCodec();

  beforeEach(() => {
    ({ store, keys } = make());
    clock = new FixedClock(Date.parse('2031-06-20T12:00:00Z'));
    site = new SiteCalendarFeed(store, clock, settings);
    user = new UserCalendarFeed(store, keys, codec, clock, settings);
    issue = new IssueFeedKey(keys, codec, clock);
  });
  const at = (day: string, hour = 3) => ({ start: `2031-${day}T0${hour}:00:00Z`, end: `2031-${day}T0${hour + 1}:00:00Z` });

  it("a site feed holds the window's bookings and imported LCO observations, and nothing outside it", async () => {
    await createUnlessConflict(store, aReservation({ event_id: 'booked', ...at('06-21') }));
    await putImported(store, aReservation({ event_id: 'lco-1', origin: 'LCO', creator_id: 'lco', ...at('06-22') }));
    await createUnlessConflict(store, aReservation({ event_id: 'too-old', ...at('05-01') }));
    await createUnlessConflict(store, aReservation({ event_id: 'too-far', ...at('09-19') }));
    await createUnlessConflict(store, aReservation({ event_id: 'elsewhere', site: 'mrc1', ...at('06-21') }));
    const feed = await site.execute({ site: 'saf' });
    expect(feed.entries.map((e) => [e.id, e.categories])).toEqual([['booked', ['realtime']], ['lco-1', ['realtime', 'LCO']]]);
    expect(feed.name).toBe('saf');
  });

  it("Last-Modified is the site's last change, a delete included, and never before today's midnight", async () => {
    await createUnlessConflict(store, aReservation({ event_id: 'a', ...at('06-21'), last_modified: '2031-06-01T00:00:00Z' }), { at: '2031-06-01T00:00:00Z' });
    expect((await site.execute({ site: 'saf' })).lastModified).toBe('2031-06-20T00:00:00Z');
    await deleteEvent(store, 'a', { at: '2031-06-20T11:00:00Z' });
    expect((await site.execute({ site: 'saf' })).lastModified).toBe('2031-06-20T11:00:00Z');
    // A move away from the site changes the site's feed too.
    const b = aReservation({ event_id: 'b', ...at('06-22') });
    await createUnlessConflict(store, b, { at: '2031-06-20T11:10:00Z' });
    await replaceUnlessConflict(store, { ...b, site: 'mrc1', resourceId: 'mrc1' }, { at: '2031-06-20T11:30:00Z' });
    expect((await site.execute({ site: 'saf' })).lastModified).toBe('2031-06-20T11:30:00Z');
  });

  it('reads one window query (and the last change), never one query per event', async () => {
    for (let day = 10; day < 30; day++) await createUnlessConflict(store, aReservation({ event_id: `q${day}`, ...at(`06-${day}`) }));
    const calls: string[] = [];
    const counting = new Proxy(store, {
      get: (target, name) => {
        const value = Reflect.get(target, name) as unknown;
        return typeof value === 'function' ? (...args: unknown[]) => { calls.push(String(name)); return (value as (...a: unknown[]) => unknown).apply(target, args); } : value;
      },
    });
    const feed = await new SiteCalendarFeed(counting, clock, settings).execute({ site: 'saf' });
    expect(feed.entries).toHaveLength(20);
    expect(calls.sort()).toEqual(['findOverlapping', 'lastChangeAt']);
  });

  it('past the event cap, the coming events stay and past ones fill what room is left', async () => {
    const small = new SiteCalendarFeed(store, clock, { ...settings, maxEvents: 3 });
    for (const [i, day] of ['06-10', '06-12', '06-14', '06-25', '06-27'].entries()) {
      await createUnlessConflict(store, aReservation({ event_id: `e${i}-${day}`, ...at(day) }));
    }
    expect((await small.execute({ site: 'saf' })).entries.map((e) => e.id)).toEqual(['e0-06-10', 'e3-06-25', 'e4-06-27']);
  });

  it("a private feed holds its owner's events at every site, with notes; keys: once, then 409, rotate retires the old one", async () => {
    await createUnlessConflict(store, aReservation({ event_id: 'mine', creator_id: 'google-oauth2|alice', reservation_note: 'n1', ...at('06-21') }));
    await createUnlessConflict(store, aReservation({ event_id: 'mine-2', creator_id: 'google-oauth2|alice', site: 'mrc1', ...at('06-23') }));
    await createUnlessConflict(store, aReservation({ event_id: 'theirs', creator_id: 'google-oauth2|bob', ...at('06-24') }));
    const { key } = await issue.execute({ actor: alice, rotate: false });
    expect(key).toMatch(/^[\w-]{43}$/);
    const feed = await user.execute({ key });
    expect(feed.entries.map((e) => e.id)).toEqual(['mine', 'mine-2']);
    expect(feed.entries[0]!.description).toContain('\n\nn1');
    await expect(issue.execute({ actor: alice, rotate: false })).rejects.toBeInstanceOf(FeedKeyExistsError);
    const { key: fresh } = await issue.execute({ actor: alice, rotate: true });
    await expect(user.execute({ key })).rejects.toBeInstanceOf(CalendarFeedNotFoundError);
    await expect(user.execute({ key: fresh })).resolves.toMatchObject({ entries: [{ id: 'mine' }, { id: 'mine-2' }] });
    for (const unknown of ['', 'x', randomBytes(32).toString('base64url'), 'y'.repeat(10_000)]) {
      await expect(user.execute({ key: unknown })).rejects.toBeInstanceOf(CalendarFeedNotFoundError);
    }
    await expect(issue.execute({ actor: { kind: 'service', name: 'projects' }, rotate: false })).rejects.toBeInstanceOf(ForbiddenError);
  });
});

it('SQLite keeps only the digest of a key: the database file never holds the key itself', async () => {
  const { tempDir } = await import('../support/temp-dir.js');
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = tempDir('feed-keys-');
  try {
    const path = join(dir.path, 'k.db');
    const db = openSqliteDatabase(path);
    const { key } = await new IssueFeedKey(new SqliteFeedKeyStore(db), new CryptoFeedKeyCodec(), new FixedClock()).execute({ actor: alice, rotate: false });
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = readFileSync(path).toString('latin1');
    expect(bytes).toContain(new CryptoFeedKeyCodec().digest(key));
    expect(bytes).not.toContain(key);
  } finally {
    dir.remove();
  }
});
