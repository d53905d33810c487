/**
 * Group commit in the SQLite store: the writes that reach it in one event-loop turn share one
 * transaction (one COMMIT, so one fsync under synchronous = FULL), each in its own savepoint. A
 * refusal undoes only its own write; a failure that is not a refusal fails only its own write; a
 * lock that cannot be had fails the group with 503's error and keeps nothing.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { addonOption, openSqliteDatabase, type SqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteReservationStore } from '../../src/adapters/sqlite/sqlite-reservation-store.js';
import { ReservationConflictError, ReservationExistsError, StoreUnavailableError, VersionMismatchError } from '../../src/domain/errors.js';
import type { Reservation } from '../../src/domain/reservation.js';
import { aReservation } from '../support/builders.js';
import { tempDir } from '../support/temp-dir.js';
import { createUnlessConflict, deleteEvent, replaceUnlessConflict } from '../support/store-writes.js';

const dir = tempDir('group-commit-');
afterAll(() => dir.remove());
let n = 0;
let db: SqliteDatabase;
let path: string;
let store: SqliteReservationStore;
beforeEach(() => {
  path = join(dir.path, `group-${++n}.db`);
  db = openSqliteDatabase(path);
  store = new SqliteReservationStore(db);
});
afterEach(() => {
  if (db.open) db.close();
});

const hour = (h: number): string => `2025-06-20T${String(h).padStart(2, '0')}:00:00Z`;
const booking = (id: string, creator: string, from: number, to: number): Reservation =>
  aReservation({ event_id: id, creator_id: creator, start: hour(from), end: hour(to) });
const storedIds = (): string[] => (db.prepare('SELECT event_id FROM events ORDER BY event_id').pluck().all() as string[]);
const historyOf = (id: string): string[] => (db.prepare('SELECT action FROM event_history WHERE event_id = ? ORDER BY seq').pluck().all(id) as string[]);

it('writes sent in the same turn share one transaction; each sees those before it', async () => {
  const before = { ...store.groupCommits };
  const created = await Promise.all(Array.from({ length: 10 }, (_, i) => createUnlessConflict(store, booking(`e${i}`, `user${i}`, i, i + 1))));
  expect(created.map((e) => e.version)).toEqual(Array(10).fill(1));
  expect(store.groupCommits).toEqual({ transactions: before.transactions + 1, writes: before.writes + 10 });
  expect(storedIds()).toHaveLength(10);
  for (let i = 0; i < 10; i++) expect(historyOf(`e${i}`)).toEqual(['created']);

  // Writes in different turns commit separately.
  await createUnlessConflict(store, booking('later-1', 'u', 12, 13));
  await createUnlessConflict(store, booking('later-2', 'u', 13, 14));
  expect(store.groupCommits.transactions).toBe(before.transactions + 3);
});

it('a refusal in the group rolls back only its own write: the conflict rule holds between writes of one group', async () => {
  await createUnlessConflict(store, booking('old', 'carol', 20, 21));
  await createUnlessConflict(store, booking('gone', 'erin', 22, 23));
  const transactions = store.groupCommits.transactions;
  const outcomes = await Promise.allSettled([
    createUnlessConflict(store, booking('alice-1', 'alice', 1, 3)),
    // Overlaps alice-1, written just before it in the same transaction.
    createUnlessConflict(store, booking('bob-1', 'bob', 2, 4)),
    createUnlessConflict(store, booking('dave-1', 'dave', 5, 6)),
    // Its id is taken by the write before it: planned when the id was unused, its commit finds it
    // taken (stale), and planned again it is refused.
    createUnlessConflict(store, booking('dave-1', 'dave', 7, 8)),
    // A move into alice-1, and a move with a stale version.
    replaceUnlessConflict(store, { ...booking('old', 'carol', 2, 3) }),
    replaceUnlessConflict(store, { ...booking('old', 'carol', 9, 10) }, { expectedVersion: 7 }),
    deleteEvent(store, 'gone'),
  ]);
  expect(store.groupCommits.transactions).toBe(transactions + 1);
  const [alice, bob, dave, daveAgain, moveIn, stale, deleted] = outcomes;
  expect(alice.status).toBe('fulfilled');
  expect(bob).toMatchObject({ status: 'rejected', reason: expect.any(ReservationConflictError) });
  expect((bob as PromiseRejectedResult).reason.conflictingEventIds).toEqual(['alice-1']);
  expect(dave.status).toBe('fulfilled');
  expect(daveAgain).toMatchObject({ status: 'rejected', reason: expect.any(ReservationExistsError) });
  expect(moveIn).toMatchObject({ status: 'rejected', reason: expect.any(ReservationConflictError) });
  expect(stale).toMatchObject({ status: 'rejected', reason: expect.any(VersionMismatchError) });
  expect(deleted).toMatchObject({ status: 'fulfilled', value: expect.objectContaining({ event_id: 'gone' }) });

  expect(storedIds()).toEqual(['alice-1', 'dave-1', 'old']);
  expect((await store.get('old'))).toMatchObject({ start: hour(20), version: 1 });
  expect(historyOf('alice-1')).toEqual(['created']);
  expect(historyOf('bob-1')).toEqual([]);
  expect(historyOf('dave-1')).toEqual(['created']);
  expect(historyOf('gone')).toEqual(['created', 'deleted']);
  expect(historyOf('old')).toEqual(['created']);
});

it('a write that fails otherwise fails alone: the rest of its group is committed', async () => {
  // A failure no refusal explains (as a full disk would be): this write's insert breaks a constraint
  // of a table the test adds.
  db.exec(`CREATE TEMP TABLE tripwire (x NOT NULL);
    CREATE TEMP TRIGGER trip BEFORE INSERT ON events WHEN NEW.event_id = 'broken' BEGIN INSERT INTO tripwire VALUES (NULL); END;`);
  const outcomes = await Promise.allSettled([
    createUnlessConflict(store, booking('before', 'alice', 1, 2)),
    createUnlessConflict(store, booking('broken', 'bob', 3, 4)),
    createUnlessConflict(store, booking('after', 'carol', 5, 6)),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_NOTNULL' });
  expect(storedIds()).toEqual(['after', 'before']);
  expect(historyOf('broken')).toEqual([]);
});

it('a write that rolls back the whole transaction fails alone too', async () => {
  // RAISE(ROLLBACK) ends the group's transaction itself, not only its savepoint.
  db.exec(`CREATE TEMP TRIGGER wipe BEFORE INSERT ON events WHEN NEW.event_id = 'wipe' BEGIN SELECT RAISE(ROLLBACK, 'rolled back'); END;`);
  const outcomes = await Promise.allSettled([
    createUnlessConflict(store, booking('first', 'alice', 1, 2)),
    createUnlessConflict(store, booking('wipe', 'bob', 3, 4)),
    createUnlessConflict(store, booking('last', 'carol', 5, 6)),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect(storedIds()).toEqual(['first', 'last']);
  expect(db.inTransaction).toBe(false);
});

it('when another connection holds the write lock past the busy timeout, the whole group fails with StoreUnavailable and keeps nothing', async () => {
  db.close();
  db = openSqliteDatabase(path, { busyTimeoutMs: 50 });
  store = new SqliteReservationStore(db);
  const other = new Database(path, addonOption());
  other.exec('BEGIN IMMEDIATE');
  try {
    const outcomes = await Promise.allSettled([
      createUnlessConflict(store, booking('a', 'alice', 1, 2)),
      createUnlessConflict(store, booking('b', 'bob', 3, 4)),
    ]);
    for (const outcome of outcomes) expect(outcome).toMatchObject({ status: 'rejected', reason: expect.any(StoreUnavailableError) });
  } finally {
    other.exec('ROLLBACK');
    other.close();
  }
  expect(storedIds()).toEqual([]);
  await expect(createUnlessConflict(store, booking('a', 'alice', 1, 2))).resolves.toMatchObject({ version: 1 });
});
