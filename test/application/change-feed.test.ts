/**
 * ListChanges and PurgeHistory over the in-memory and SQLite stores, with a clock the test moves:
 * cursors age out after the retention, a purge behind a cursor makes it 410, and the purge forgets
 * only what is older than the retention. What the feed shows anyone (the public view of each event
 * as it is now), and that its cursors are sealed: not readable, not forgeable, bound to their site.
 */
import { randomBytes } from 'node:crypto';
import type { ReservationStore } from '../../src/application/ports/reservation-store.port.js';
import { CreateReservation } from '../../src/application/use-cases/create-reservation.js';
import { DeleteReservation } from '../../src/application/use-cases/delete-reservation.js';
import { CHANGES_PAGE_CHARS, ListChanges } from '../../src/application/use-cases/list-changes.js';
import { ModifyReservation } from '../../src/application/use-cases/modify-reservation.js';
import { PurgeHistory } from '../../src/application/use-cases/purge-history.js';
import { InMemoryReservationStore } from '../../src/adapters/memory/in-memory-reservation-store.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteReservationStore } from '../../src/adapters/sqlite/sqlite-reservation-store.js';
import { AesGcmFeedCursorCodec } from '../../src/adapters/secrets/aes-gcm-feed-cursor-codec.js';
import type { Actor } from '../../src/domain/actor.js';
import { CursorExpiredError, InvalidInputError } from '../../src/domain/errors.js';
import { aNewEventBody } from '../support/builders.js';
import { FixedClock } from '../support/fixed-clock.js';

const alice: Actor = { kind: 'user', sub: 'alice', name: 'Alice', isAdmin: false };
const stores: Array<[string, () => ReservationStore]> = [
  ['in-memory', () => new InMemoryReservationStore()],
  ['sqlite', () => new SqliteReservationStore(openSqliteDatabase(':memory:'))],
];

describe.each(stores)('the change feed over %s', (_name, makeStore) => {
  const retentionDays = 30;
  let clock: FixedClock;
  let changes: ListChanges;
  let purge: PurgeHistory;
  let create: CreateReservation;
  let remove: DeleteReservation;
  let modify: ModifyReservation;
  let store: ReservationStore;
  const secret = randomBytes(32);
  let hour = 0;
  const book = async (title: string, extra: Record<string, unknown> = {}) => {
    hour += 2;
    const start = new Date(Date.UTC(2031, 0, 1, hour)).toISOString().replace('.000', '');
    const end = new Date(Date.UTC(2031, 0, 1, hour + 1)).toISOString().replace('.000', '');
    return create.execute({ actor: alice, event: aNewEventBody({ site: 'saf', start, end, title, ...extra }) });
  };
  /** The feed as a process started anew sees it: a codec of its own over the same stored secret. */
  const restarted = () => new ListChanges(store, clock, { retentionDays }, new AesGcmFeedCursorCodec(async () => secret));

  beforeEach(() => {
    store = makeStore();
    clock = new FixedClock(Date.parse('2030-01-01T00:00:00Z'));
    changes = new ListChanges(store, clock, { retentionDays }, new AesGcmFeedCursorCodec(async () => secret));
    purge = new PurgeHistory(store, clock, { retentionDays });
    create = new CreateReservation(store, clock, { maxDurationSeconds: 86_400 });
    remove = new DeleteReservation(store, clock);
    modify = new ModifyReservation(store, clock, { maxDurationSeconds: 86_400 });
  });

  it('answers pages of at most limit changes, and a next that goes on after the last one (or stays put when none came)', async () => {
    for (const title of ['a', 'b', 'c']) await book(title);
    const page1 = await changes.execute({ site: 'saf', limit: 2 });
    expect(page1.changes.map((c) => c.event?.title)).toEqual(['a', 'b']);
    const page2 = await changes.execute({ site: 'saf', since: page1.next, limit: 2 });
    expect(page2.changes.map((c) => c.event?.title)).toEqual(['c']);
    const page3 = await changes.execute({ site: 'saf', since: page2.next });
    expect(page3.changes).toEqual([]);
    clock.set('2030-01-02T00:00:00Z');
    const page4 = await changes.execute({ site: 'saf', since: page3.next });
    expect(page4.changes).toEqual([]);
    await book('d');
    expect((await changes.execute({ site: 'saf', since: page4.next })).changes.map((c) => c.event?.title)).toEqual(['d']);
    expect(Object.keys(page1.changes[0]!).sort()).toEqual(['action', 'at', 'event', 'event_id', 'version']);
  });

  it('a large event changed many times (issue 28, F2): each page carries about 1 MiB of events at most, and following next yields every change once', async () => {
    // An event near the 16 KB cap (a 15 000-character extra key), changed 150 times, and a small one after it.
    const big = await book('big', { padding: 'x'.repeat(15_000) });
    for (let i = 2; i <= 150; i++) await modify.execute({ actor: alice, originalEvent: { event_id: big.event_id }, modifiedEvent: { title: `v${i}` } });
    const small = await book('small');
    // The store, noting how many feed entries each page had it read.
    let read = 0;
    const counted = new Proxy(store, {
      get: (target, key) => (key === 'changes'
        ? async (...args: Parameters<ReservationStore['changes']>) => { const page = await target.changes(...args); read += page.entries.length; return page; }
        : (Reflect.get(target, key, target) as (...a: unknown[]) => unknown).bind(target)),
    });
    const changes = new ListChanges(counted, clock, { retentionDays }, new AesGcmFeedCursorCodec(async () => secret));
    const seen: Array<[string, number]> = [];
    const sizes: number[] = [];
    for (let since: string | undefined; ;) {
      read = 0;
      const page = await changes.execute({ site: 'saf', limit: 1000, ...(since === undefined ? {} : { since }) });
      // Read in steps of 100: not the 1000 asked for, when a page holds far fewer.
      expect(read).toBeLessThanOrEqual(page.changes.length + 100);
      if (page.changes.length === 0) break;
      const chars = JSON.stringify(page).length;
      sizes.push(chars);
      expect(sizes.length).toBeLessThanOrEqual(151);
      // Stops before the change whose event would pass 1 MiB (the rest of the answer is small).
      expect(chars).toBeLessThanOrEqual(CHANGES_PAGE_CHARS + 200 * page.changes.length);
      // Every change of the big event carries it as it is now.
      for (const change of page.changes) expect(change.event).toMatchObject(change.event_id === big.event_id ? { title: 'v150', version: 150 } : { title: 'small' });
      seen.push(...page.changes.map((c): [string, number] => [c.event_id, c.version]));
      since = page.next;
    }
    console.log(`F2: 150 changes of a 15 KB event, limit 1000: ${sizes.length} pages, the largest ${(Math.max(...sizes) / 1024).toFixed(0)} KiB`);
    expect(sizes.length).toBeGreaterThan(1);
    expect(seen).toEqual([...Array.from({ length: 150 }, (_, i): [string, number] => [big.event_id, i + 1]), [small.event_id, 1]]);
  });

  it('a cursor is good for the retention after it was handed out, then 410; a fresh one each answer keeps a poller going', async () => {
    await book('a');
    const { next } = await changes.execute({ site: 'saf' });
    clock.set('2030-01-30T00:00:00Z');
    const { next: renewed } = await changes.execute({ site: 'saf', since: next });
    clock.set('2030-02-01T00:00:01Z');
    await expect(changes.execute({ site: 'saf', since: next })).rejects.toBeInstanceOf(CursorExpiredError);
    await expect(changes.execute({ site: 'saf', since: renewed })).resolves.toMatchObject({ changes: [] });
  });

  it('a purge of changes after a cursor makes it 410, while a reader starting over sees what is left', async () => {
    const doomed = await book('doomed');
    const { next } = await changes.execute({ site: 'saf' });
    await remove.execute({ actor: alice, eventId: doomed.event_id });
    await book('kept');
    clock.set('2030-01-20T00:00:00Z');
    const { next: recent } = await changes.execute({ site: 'saf', since: next });
    clock.set('2030-02-15T00:00:00Z');
    expect(await purge.execute()).toBe(1);
    // Handed out after the purged delete: still good.
    await expect(changes.execute({ site: 'saf', since: recent })).resolves.toMatchObject({ changes: [] });
    // Handed out before it (and within the retention of its own issue time): the delete is gone from under it.
    clock.set('2030-01-25T00:00:00Z');
    await expect(changes.execute({ site: 'saf', since: next })).rejects.toBeInstanceOf(CursorExpiredError);
    expect((await changes.execute({ site: 'saf' })).changes.map((c) => c.event?.title)).toEqual(['kept']);
  });

  it('the purge keeps deletes younger than the retention', async () => {
    const young = await book('young');
    clock.set('2030-01-10T00:00:00Z');
    await remove.execute({ actor: alice, eventId: young.event_id });
    clock.set('2030-02-08T00:00:00Z');
    expect(await purge.execute()).toBe(0);
    clock.set('2030-02-10T00:00:00Z');
    expect(await purge.execute()).toBe(1);
  });

  it('refuses a malformed cursor, a cursor of another site, and a bad site', async () => {
    const { next } = await changes.execute({ site: 'saf' });
    await expect(changes.execute({ site: 'saf', since: 'c1.saf.x.1' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(changes.execute({ site: 'mrc1', since: next })).rejects.toThrow('Invalid since: it is not a cursor the feed of site mrc1 handed out');
    await expect(changes.execute({ site: 'NOT A SITE' })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('shows anyone each event as it is now, without its note: no version since superseded, nothing of a deleted event but its id', async () => {
    const kept = await book('kept', { reservation_note: 'door code 4711' });
    const gone = await book('gone', { reservation_note: 'key under the mat' });
    await modify.execute({ actor: alice, originalEvent: { event_id: kept.event_id }, modifiedEvent: { title: 'kept, renamed', reservation_note: '' } });
    await remove.execute({ actor: alice, eventId: gone.event_id });
    const { changes: feed } = await changes.execute({ site: 'saf' });
    const text = JSON.stringify(feed);
    process.stderr.write(`public feed (${_name}): ${feed.length} entries after a note blanked and a delete, ${['door code 4711', 'key under the mat'].filter((t) => text.includes(t)).length} showing either\n`);
    for (const secretText of ['door code 4711', 'key under the mat', '"kept"', '"gone"']) expect(text).not.toContain(secretText);
    expect(feed.map((c) => [c.event_id, c.version, c.action, c.event?.title ?? null, c.event?.version ?? null])).toEqual([
      [kept.event_id, 1, 'created', 'kept, renamed', 2],
      [gone.event_id, 1, 'created', null, null],
      [kept.event_id, 2, 'modified', 'kept, renamed', 2],
      [gone.event_id, 2, 'deleted', null, null],
    ]);
    // A note kept to this day is the owner's too: the public view leaves it out.
    const noted = await book('noted', { reservation_note: 'private remark' });
    const { changes: later } = await changes.execute({ site: 'saf' });
    expect(later.at(-1)).toMatchObject({ event_id: noted.event_id, event: { title: 'noted', reservation_note: '' } });
    expect(JSON.stringify(later)).not.toContain('private remark');
  });

  it('hands out cursors that show no count and open only here, for their own site, as handed out, also after a restart', async () => {
    for (const title of ['a', 'b', 'c']) await book(title);
    const { next } = await changes.execute({ site: 'saf', limit: 2 });
    // Nothing in it reads as the seq (2 or 3 here) or the time it was handed out.
    expect(next).toMatch(/^c2\.[A-Za-z0-9_-]{54}$/);
    expect(next).not.toContain(String(Math.floor(clock.now() / 1000)));
    expect((await restarted().execute({ site: 'saf', since: next })).changes.map((c) => c.event?.title)).toEqual(['c']);
    // The readable cursor of before, made up to never expire, and every one-character change of a real one: 400.
    const forged = ['c1.saf.0.9999999999', 'c1.saf.1.4102444800', ...[...next.slice(3)].map((ch, i) =>
      `${next.slice(0, 3 + i)}${ch === 'A' ? 'B' : 'A'}${next.slice(4 + i)}`)];
    for (const since of forged) await expect(changes.execute({ site: 'saf', since })).rejects.toBeInstanceOf(InvalidInputError);
    // Sealed under another deployment's secret: 400 too.
    const elsewhere = new ListChanges(store, clock, { retentionDays }, new AesGcmFeedCursorCodec(async () => randomBytes(32)));
    await expect(changes.execute({ site: 'saf', since: (await elsewhere.execute({ site: 'saf' })).next })).rejects.toBeInstanceOf(InvalidInputError);
    process.stderr.write(`feed cursors (${_name}): ${forged.length + 1} made up, altered or sealed under another secret: all 400; a restart's codec opens a real one\n`);
  });
});
