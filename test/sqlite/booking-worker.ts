/**
 * A separate process booking random, mostly overlapping hours at one site on a shared SQLite file.
 * argv: <db path> <creator id> <attempts> <start at (epoch ms)>. Prints a JSON tally.
 */
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteReservationStore } from '../../src/adapters/sqlite/sqlite-reservation-store.js';
import { ReservationConflictError, StoreUnavailableError } from '../../src/domain/errors.js';
import { formatUtcTime } from '../../src/domain/time.js';
import { createUnlessConflict } from '../support/store-writes.js';

const [dbPath, creator, attemptsText, startAtText] = process.argv.slice(2) as [string, string, string, string];
const db = openSqliteDatabase(dbPath, { busyTimeoutMs: 10_000 });
const store = new SqliteReservationStore(db);
const base = Date.UTC(2030, 5, 1) / 1000;
const tally = { booked: 0, conflicts: 0, busy: 0 };

while (Date.now() < Number(startAtText)) { /* wait for the common start so the processes race */ }
for (let i = 0; i < Number(attemptsText); i++) {
  const start = base + Math.floor(Math.random() * 7 * 96) * 900; // any quarter hour of a week
  const length = (1 + Math.floor(Math.random() * 4)) * 900; // 15 min to 1 h
  try {
    await createUnlessConflict(store, {
      event_id: `${creator}-${i}`, start: formatUtcTime(start), end: formatUtcTime(start + length),
      creator: creator, creator_id: creator, site: 'race', resourceId: 'race', title: creator,
      reservation_type: 'realtime', origin: 'PTR', project_id: 'none', reservation_note: '', last_modified: formatUtcTime(base), version: 1,
    });
    tally.booked += 1;
  } catch (error) {
    if (error instanceof ReservationConflictError) tally.conflicts += 1;
    else if (error instanceof StoreUnavailableError) tally.busy += 1;
    else throw error;
  }
}
process.stdout.write(JSON.stringify(tally));
db.close();
