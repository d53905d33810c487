import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { addonOption, migrate, openSqliteDatabase, schemaVersion } from '../../src/adapters/sqlite/database.js';
import { MIGRATIONS } from '../../src/adapters/sqlite/migrations.js';
import { SqliteReservationStore } from '../../src/adapters/sqlite/sqlite-reservation-store.js';
import {
  CREATOR_QUERY, FEED_QUERY, HISTORY_NEWEST_QUERY, HISTORY_PAGE_QUERY, OWNER_BOOKINGS_QUERY, WINDOW_BOOKINGS_QUERY, WINDOW_CREATORS_QUERY, WINDOW_QUERY,
  WINDOW_TIMES_QUERY,
} from '../../src/adapters/sqlite/sqlite-queries.js';
import { aReservation } from '../support/builders.js';
import { tempDir } from '../support/temp-dir.js';
import { createUnlessConflict, replaceUnlessConflict } from '../support/store-writes.js';

const run = promisify(execFile);
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
  await createUnlessConflict(new SqliteReservationStore(db), event);
  migrate(db);
  db.close();
  const again = openSqliteDatabase(path);
  expect(await new SqliteReservationStore(again).get(event.event_id)).toEqual(event);
  again.close();
});

it('migration 3 clusters the events of a version 2 database by site and start, keeping every row and rule', () => {
  const path = join(dir.path, 'v2.db');
  const old = new Database(path, addonOption());
  old.exec(MIGRATIONS[0] as string);
  old.exec(MIGRATIONS[1] as string);
  old.pragma('user_version = 2');
  const insert = old.prepare(`INSERT INTO events (event_id, site, start, "end", creator_id, origin, body) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const rows = [
    ['b', 'saf', '2025-06-20T05:00:00Z', '2025-06-20T06:00:00Z', 'bob', 'PTR'],
    ['a', 'saf', '2025-06-20T03:00:00Z', '2025-06-20T04:00:00Z', 'alice', 'PTR'],
    ['m', 'mrc1', '2025-06-20T03:00:00Z', '2025-06-20T09:00:00Z', 'bob', 'PTR'],
    ['l', 'saf', '2025-06-20T03:30:00Z', '2025-06-20T03:40:00Z', 'x#LCO', 'LCO'],
  ] as const;
  for (const [id, site, start, end, creator, origin] of rows) {
    insert.run(id, site, start, end, creator, origin, JSON.stringify({ event_id: id, site, start, end, creator_id: creator }));
  }
  const before = old.prepare('SELECT * FROM events ORDER BY event_id').all();
  old.close();

  const db = openSqliteDatabase(path);
  expect(schemaVersion(db)).toBe(MIGRATIONS.length);
  // Every row kept; migration 4 then gave each body its version.
  const withVersion = (rows: unknown[]) => rows.map((r) => {
    const row = r as { body: string };
    return { ...row, body: JSON.parse(row.body) as unknown };
  });
  expect(withVersion(db.prepare('SELECT * FROM events ORDER BY event_id').all()))
    .toEqual(withVersion(before).map((r) => ({ ...r, body: { ...(r.body as object), version: 1 } })));
  expect(db.prepare('SELECT event_id, body FROM events NOT INDEXED').all().map((r) => (r as { event_id: string }).event_id)).toEqual(['m', 'a', 'l', 'b']); // the table's own order: site, start
  expect(db.prepare(`SELECT max_seconds FROM site_extent WHERE site = 'mrc1'`).pluck().get()).toBe(6 * 3600);
  const add = db.prepare(`INSERT INTO events (event_id, site, start, "end", creator_id, origin, body) VALUES (?, 'saf', ?, ?, ?, 'PTR', '{}')`);
  expect(() => add.run('c', '2025-06-20T03:59:00Z', '2025-06-20T05:00:00Z', 'carol')).toThrow('RESERVATION_CONFLICT');
  expect(() => add.run('a', '2025-07-01T00:00:00Z', '2025-07-01T01:00:00Z', 'alice')).toThrow(/UNIQUE/);
  add.run('d', '2025-06-20T10:00:00Z', '2025-06-21T10:00:00Z', 'dave');
  expect(db.prepare(`SELECT max_seconds FROM site_extent WHERE site = 'saf'`).pluck().get()).toBe(86_400);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  db.close();
});

describe('the trigger backstop', () => {
  const insert = `INSERT INTO events (event_id, site, start, "end", creator_id, origin, body) VALUES (?, 'saf', ?, ?, ?, ?, '{}')`;

  it('refuses a raw insert that overlaps another creator, even one bypassing the store', () => {
    const db = freshDb();
    db.prepare(insert).run('a', '2025-06-20T03:00:00Z', '2025-06-20T04:00:00Z', 'alice', 'PTR');
    expect(() => db.prepare(insert).run('b', '2025-06-20T03:30:00Z', '2025-06-20T05:00:00Z', 'bob', 'PTR')).toThrow('RESERVATION_CONFLICT');
    // The code the store translates into ReservationConflictError (it never matches the message).
    expect(() => db.prepare(insert).run('b', '2025-06-20T03:30:00Z', '2025-06-20T05:00:00Z', 'bob', 'PTR'))
      .toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_TRIGGER' }));
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
  // Clustered by (site, start, event_id): a range of the table itself, already in the answer's order.
  // The window's lower bound comes from site_extent, looked up by its key.
  const window = plan(WINDOW_QUERY, { site: 's', from: 'a', to: 'b', limit: 10 });
  expect(window).toMatch(/SEARCH events USING PRIMARY KEY \(site=\? AND start>\? AND start<\?\)/);
  expect(window).toMatch(/SEARCH site_extent USING INDEX sqlite_autoindex_site_extent_1 \(site=\?\)/);
  expect(window).not.toMatch(/TEMP B-TREE/);
  // The boolean routes' query reads the same range, and no body (the body is the row's last column,
  // so SQLite stops before it and never loads its overflow pages).
  expect(plan(WINDOW_CREATORS_QUERY, { site: 's', from: 'a', to: 'b' })).toMatch(/SEARCH events USING PRIMARY KEY \(site=\? AND start>\? AND start<\?\)/);
  expect(WINDOW_CREATORS_QUERY).not.toMatch(/body/);
  // So does the conflict check's, in order, with no body to parse.
  const bookings = plan(WINDOW_BOOKINGS_QUERY, { site: 's', from: 'a', to: 'b' });
  expect(bookings).toMatch(/SEARCH events USING PRIMARY KEY \(site=\? AND start>\? AND start<\?\)/);
  expect(bookings).not.toMatch(/TEMP B-TREE/);
  expect(WINDOW_BOOKINGS_QUERY).not.toMatch(/body/);
  // An allowance's: the owner's range of (creator_id, end), never the site's whole (site, start) range
  // up to a window that may end at FOREVER.
  expect(plan(OWNER_BOOKINGS_QUERY, { owner: 'o', site: 's', from: 'a', to: 'b' }))
    .toBe('SEARCH events USING COVERING INDEX events_creator_end (creator_id=? AND end>?)');
  expect(OWNER_BOOKINGS_QUERY).not.toMatch(/body/);
  // So does the free-time query, in the answer's order.
  const times = plan(WINDOW_TIMES_QUERY, { site: 's', from: 'a', to: 'b', limit: 10 });
  expect(times).toMatch(/SEARCH events USING PRIMARY KEY \(site=\? AND start>\? AND start<\?\)/);
  expect(times).not.toMatch(/TEMP B-TREE/);
  expect(WINDOW_TIMES_QUERY).not.toMatch(/body/);
  expect(plan(CREATOR_QUERY, { creator: 'c', time: 't', limit: -1 }))
    .toMatch(/SEARCH events USING INDEX events_creator_end \(creator_id=\? AND end>\?\)/);
  expect(plan('SELECT body FROM events WHERE event_id = ?', 'x')).toMatch(/USING INDEX sqlite_autoindex_events_1/);
  // The feed: both branches are ranges of their own (site, seq) index, so neither reads another site's history.
  const feed = plan(FEED_QUERY, { site: 's', after: 0, limit: 10 });
  expect(feed).toMatch(/SEARCH event_history USING INDEX event_history_site \(site=\? AND seq>\?\)/);
  expect(feed).toMatch(/SEARCH event_history USING INDEX event_history_left_site \(left_site=\? AND seq>\?\)/);
  // A page of an event's history is a range of its (event_id, version) index, in order, LIMITed:
  // a page deep in a long history reads its own rows, not every one before it.
  for (const query of [HISTORY_PAGE_QUERY, HISTORY_NEWEST_QUERY]) {
    const history = plan(query, { id: 'x', after: 0, limit: 10 });
    expect(history).toMatch(/SEARCH event_history USING INDEX event_history_event_version \(event_id=\? AND version>\?\)/);
    expect(history).not.toMatch(/TEMP B-TREE/);
  }
  db.close();
});

it('npm run migrate -- --storage sqlite opens the file through the same opener and reports its schema version', async () => {
  const path = join(dir.path, 'cli', 'calendar.db');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/bootstrap/migrate.ts', '--storage', 'sqlite'], {
    env: { ...process.env, NODE_OPTIONS: '', SQLITE_PATH: path },
  });
  expect(JSON.parse(stdout)).toEqual({ storage: 'sqlite', path, schemaVersion: MIGRATIONS.length });
  const reopened = new Database(path, { ...addonOption(), readonly: true });
  expect(reopened.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  reopened.close();
}, 30_000);

it('npm run migrate refuses a store it cannot migrate, with the usage', async () => {
  const failure = await run(process.execPath, ['--import', 'tsx', 'src/bootstrap/migrate.ts', '--storage', 'memory'], {
    env: { ...process.env, NODE_OPTIONS: '' },
  }).catch((error: unknown) => error as { code: number; stderr: string });
  expect(failure).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: npm run migrate -- [--storage dynamodb|sqlite]') });
}, 30_000);

it('migration 4 puts the events of a version 3 database at version 1, and changes count on from there', async () => {
  const path = join(dir.path, 'v3.db');
  const old = new Database(path, addonOption());
  for (const sql of MIGRATIONS.slice(0, 3)) old.exec(sql);
  old.pragma('user_version = 3');
  const { version: _none, ...legacy } = aReservation({ event_id: 'before-versions' });
  old.prepare(`INSERT INTO events (event_id, site, start, "end", creator_id, origin, body) VALUES (?, ?, ?, ?, ?, 'PTR', ?)`)
    .run(legacy.event_id, legacy.site, legacy.start, legacy.end, legacy.creator_id, JSON.stringify(legacy));
  old.close();

  const db = openSqliteDatabase(path);
  const store = new SqliteReservationStore(db);
  expect(await store.get('before-versions')).toEqual({ ...legacy, version: 1 });
  const listed = await store.findOverlapping(legacy.site, { start: legacy.start, end: legacy.end });
  expect((JSON.parse(listed.toJson().text) as Array<{ version: number }>).map((e) => e.version)).toEqual([1]);
  expect((await replaceUnlessConflict(store, { ...legacy, version: 1, title: 'moved on' }, { expectedVersion: 1 })).version).toBe(2);
  db.close();
});

it('migration 6 puts the history of a version 5 database in the change feed, in its order, and numbering goes on from there', async () => {
  const path = join(dir.path, 'v5.db');
  const old = new Database(path, addonOption());
  for (const sql of MIGRATIONS.slice(0, 5)) old.exec(sql);
  old.pragma('user_version = 5');
  const event = aReservation({ event_id: 'from-v5' });
  old.prepare(`INSERT INTO events (event_id, site, start, "end", creator_id, origin, body) VALUES (?, ?, ?, ?, ?, 'PTR', ?)`)
    .run(event.event_id, event.site, event.start, event.end, event.creator_id, JSON.stringify(event));
  old.prepare(`INSERT INTO event_history (event_id, version, at, author, action, site, body) VALUES (?, 1, ?, ?, 'created', ?, ?)`)
    .run(event.event_id, event.last_modified, event.creator_id, event.site, JSON.stringify(event));
  old.close();

  const db = openSqliteDatabase(path);
  const store = new SqliteReservationStore(db);
  await replaceUnlessConflict(store, { ...event, title: 'after the migration' });
  const { entries, purgedThrough } = await store.changes(event.site, 0, 10);
  expect(entries.map((f) => [f.seq, f.version, f.action, f.event?.title])).toEqual([[1, 1, 'created', event.title], [2, 2, 'modified', 'after the migration']]);
  expect(purgedThrough).toBe(0);
  db.close();
});
