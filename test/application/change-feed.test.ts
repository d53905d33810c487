/**
 * ListChanges and PurgeHistory over the in-memory and SQLite stores, with a clock the test moves:
 * cursors age out after the retention, a purge behind a cursor makes it 410, and the purge forgets
 * only what is older than the retention.
 */
import type { ReservationStore } from '../../src/application/ports/reservation-store.port.js';
import { CreateReservation } from '../../src/application/use-cases/create-reservation.js';
import { DeleteReservation } from '../../src/application/use-cases/delete-reservation.js';
import { ListChanges } from '../../src/application/use-cases/list-changes.js';
import { PurgeHistory } from '../../src/application/use-cases/purge-history.js';
import { InMemoryReservationStore } from '../../src/adapters/memory/in-memory-reservation-store.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteReservationStore } from '../../src/adapters/sqlite/sqlite-reservation-store.js';
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
  let hour = 0;
  const book = async (title: string) => {
    hour += 2;
    const start = new Date(Date.UTC(2031, 0, 1, hour)).toISOString().replace('.000', '');
    const end = new Date(Date.UTC(2031, 0, 1, hour + 1)).toISOString().replace('.000', '');
    return create.execute({ actor: alice, event: aNewEventBody({ site: 'saf', start, end, title }) });
  };

  beforeEach(() => {
    const store = makeStore();
    clock = new FixedClock(Date.parse('2030-01-01T00:00:00Z'));
    changes = new ListChanges(store, clock, { retentionDays });
    purge = new PurgeHistory(store, clock, { retentionDays });
    create = new CreateReservation(store, clock, { maxDurationSeconds: 86_400 });
    remove = new DeleteReservation(store, clock);
  });

  it('answers pages of at most limit changes, and a next that goes on after the last one (or stays put when none came)', async () => {
    for (const title of ['a', 'b', 'c']) await book(title);
    const page1 = await changes.execute({ site: 'saf', limit: 2 });
    expect(page1.changes.map((c) => c.event?.title)).toEqual(['a', 'b']);
    const page2 = await changes.execute({ site: 'saf', since: page1.next, limit: 2 });
    expect(page2.changes.map((c) => c.event?.title)).toEqual(['c']);
    const page3 = await changes.execute({ site: 'saf', since: page2.next });
    expect(page3.changes).toEqual([]);
    expect(page3.next.split('.').slice(0, 3)).toEqual(page2.next.split('.').slice(0, 3));
    expect(Object.keys(page1.changes[0]!).sort()).toEqual(['action', 'at', 'event', 'event_id', 'version']);
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
    await expect(changes.execute({ site: 'mrc1', since: next })).rejects.toThrow(/belongs to the feed of site saf/);
    await expect(changes.execute({ site: 'NOT A SITE' })).rejects.toBeInstanceOf(InvalidInputError);
  });
});
