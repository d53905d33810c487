import { join } from 'node:path';
import { migrate, openSqliteDatabase, schemaVersion } from '../../src/adapters/sqlite/database.js';
import { MIGRATIONS } from '../../src/adapters/sqlite/migrations.js';
import { SqliteReservationStore } from '../../src/adapters/sqlite/sqlite-reservation-store.js';
import { aReservation } from '../support/builders.js';
import { tempDir } from '../support/temp-dir.js';

const dir = tempDir('schema-');
afterAll(() => dir.remove());
let n = 0;
const freshDb = () => openSqliteDatabase(join(dir.path, `schema-${++n}.db`));

it('opens in WAL mode with a busy timeout, at the latest schema version', () => {
  const db = freshDb();
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  expect(schemaVersion(db)).toBe(MIGRATIONS.length);
  db.close();
});

it('migrating again is a no-op, and reopening keeps the data', async () => {
  const path = join(dir.path, 'reopen.db');
  const db = openSqliteDatabase(path);
  const event = aReservation();
  await new SqliteReservationStore(db).createUnlessConflict(event);
  migrate(db);
  db.close();
  const again = openSqliteDatabase(path);
  expect(await new SqliteReservationStore(again).get(event.event_id)).toEqual(event);
  again.close();
});

describe('the trigger backstop', () => {
  const insert = `INSERT INTO events (event_id, site, start, "end", creator_id, origin, body) VALUES (?, 'saf', ?, ?, ?, ?, '{}')`;

  it('refuses a raw insert that overlaps another creator, even one bypassing the store', () => {
    const db = freshDb();
    db.prepare(insert).run('a', '2025-06-20T03:00:00Z', '2025-06-20T04:00:00Z', 'alice', 'PTR');
    expect(() => db.prepare(insert).run('b', '2025-06-20T03:30:00Z', '2025-06-20T05:00:00Z', 'bob', 'PTR')).toThrow('RESERVATION_CONFLICT');
    db.prepare(insert).run('c', '2025-06-20T03:30:00Z', '2025-06-20T05:00:00Z', 'alice', 'PTR');
    db.prepare(insert).run('d', '2025-06-20T05:00:00Z', '2025-06-20T06:00:00Z', 'bob', 'PTR');
    db.close();
  });

  it('refuses a raw update moving an event onto another creator, and checks long events far back', () => {
    const db = freshDb();
    db.prepare(insert).run('long', '2025-06-01T00:00:00Z', '2025-06-03T00:00:00Z', 'alice', 'PTR');
    db.prepare(insert).run('b', '2025-06-05T00:00:00Z', '2025-06-05T01:00:00Z', 'bob', 'PTR');
    expect(() => db.prepare(`UPDATE events SET start = '2025-06-02T12:00:00Z' WHERE event_id = 'b'`).run()).toThrow('RESERVATION_CONFLICT');
    db.close();
  });

  it('lets an LCO import overlap (the application refuses users over it instead)', () => {
    const db = freshDb();
    db.prepare(insert).run('a', '2025-06-20T03:00:00Z', '2025-06-20T04:00:00Z', 'alice', 'PTR');
    expect(() => db.prepare(insert).run('lco', '2025-06-20T03:30:00Z', '2025-06-20T03:35:00Z', 'x#LCO', 'LCO')).not.toThrow();
    db.close();
  });

  it('refuses start >= end and invalid JSON bodies', () => {
    const db = freshDb();
    expect(() => db.prepare(insert).run('z', '2025-06-20T04:00:00Z', '2025-06-20T04:00:00Z', 'alice', 'PTR')).toThrow(/CHECK/);
    expect(() => db.prepare(`INSERT INTO events VALUES ('j', 'saf', '2025-06-20T03:00:00Z', '2025-06-20T04:00:00Z', 'a', 'PTR', 'not json')`).run()).toThrow(/CHECK/);
    db.close();
  });
});

it('every query is served by an index range scan', () => {
  const db = freshDb();
  const plan = (sql: string, ...args: unknown[]): string =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
  expect(plan(`SELECT body FROM events WHERE site = ? AND start >= ? AND start < ? AND "end" > ? ORDER BY start, event_id`, 's', 'a', 'b', 'c'))
    .toMatch(/SEARCH events USING INDEX events_site_start \(site=\? AND start>\? AND start<\?\)/);
  expect(plan(`SELECT body FROM events WHERE creator_id = ? AND "end" > ? ORDER BY start, event_id`, 'c', 't'))
    .toMatch(/SEARCH events USING INDEX events_creator_end \(creator_id=\? AND end>\?\)/);
  expect(plan('SELECT body FROM events WHERE event_id = ?', 'x')).toMatch(/USING INDEX sqlite_autoindex_events_1/);
  db.close();
});
