/**
 * better-sqlite3 is synchronous, so one process cannot race itself: several processes book
 * overlapping intervals on one SQLite file at once, and the result must hold no overlapping pair
 * of different creators.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { addonOption } from '../../src/adapters/sqlite/database.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { tempDir } from '../support/temp-dir.js';

const run = promisify(execFile);
const PROCESSES = 6;
const ATTEMPTS = 80;

it(`${PROCESSES} processes booking overlapping intervals on one file leave no overlapping pair of different creators`, async () => {
  const dir = tempDir('race-');
  try {
    const dbPath = join(dir.path, 'race.db');
    openSqliteDatabase(dbPath).close();
    const startAt = Date.now() + 2500;
    const results = await Promise.all(
      Array.from({ length: PROCESSES }, (_, i) =>
        run(process.execPath, ['--import', 'tsx', 'test/sqlite/booking-worker.ts', dbPath, `user${i}`, String(ATTEMPTS), String(startAt)], {
          env: { ...process.env, NODE_OPTIONS: '' },
        }),
      ),
    );
    const tallies = results.map((r) => JSON.parse(r.stdout) as { booked: number; conflicts: number; busy: number });
    const booked = tallies.reduce((n, t) => n + t.booked, 0);
    const conflicts = tallies.reduce((n, t) => n + t.conflicts, 0);
    expect(booked + conflicts + tallies.reduce((n, t) => n + t.busy, 0)).toBe(PROCESSES * ATTEMPTS);
    expect(conflicts).toBeGreaterThan(0);

    const db = new Database(dbPath, { ...addonOption(), readonly: true });
    const rows = db.prepare('SELECT event_id, start, "end", creator_id FROM events WHERE site = ?').all('race') as Array<{ event_id: string; start: string; end: string; creator_id: string }>;
    const overlapping = db.prepare(
      `SELECT count(*) AS n FROM events a JOIN events b
       ON a.site = b.site AND a.event_id < b.event_id AND a.creator_id <> b.creator_id AND a.start < b."end" AND b.start < a."end"`,
    ).get() as { n: number };
    db.close();
    expect(rows).toHaveLength(booked);
    expect(new Set(rows.map((r) => r.creator_id)).size).toBeGreaterThan(1);
    expect(overlapping.n).toBe(0);
  } finally {
    dir.remove();
  }
}, 120_000);
