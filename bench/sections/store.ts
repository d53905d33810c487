/** Store-level rates, with no HTTP: atomic creates and week queries per second on each store. */
import { join } from 'node:path';
import type { ReservationStore } from '../../src/application/ports/reservation-store.port.js';
import { createDynamoDbClients } from '../../src/adapters/dynamodb/client.js';
import { DynamoDbReservationStore } from '../../src/adapters/dynamodb/dynamodb-reservation-store.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteReservationStore } from '../../src/adapters/sqlite/sqlite-reservation-store.js';
import { formatUtcTime } from '../../src/domain/time.js';
import { freshTables, startDynamoDbLocal } from '../../test/support/dynamodb-local.js';
import { FROM, type Harness } from '../harness.js';
import { createUnlessConflict } from '../../test/support/store-writes.js';

async function storeRates(h: Harness, name: string, store: ReservationStore, seconds = 2) {
  let created = 0;
  const base = FROM + 900 * 86_400;
  let deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    const start = base + created * 3600;
    await createUnlessConflict(store, {
      event_id: `rate-${name}-${created}`, start: formatUtcTime(start), end: formatUtcTime(start + 1800), creator: 'b', creator_id: 'b',
      site: 'rate', resourceId: 'rate', title: 'b', reservation_type: 'realtime', origin: 'PTR', project_id: 'none', reservation_note: '', last_modified: formatUtcTime(base), version: 1,
    });
    created += 1;
  }
  let queries = 0;
  deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    // A week as the routes answer it: listed, then serialised.
    (await store.findOverlapping('rate', { start: formatUtcTime(base + (queries % 50) * 3600), end: formatUtcTime(base + (queries % 50) * 3600 + 7 * 86_400) })).toJson();
    queries += 1;
  }
  const row = { store: name, creates_per_s: Math.round(created / seconds), week_queries_per_s: Math.round(queries / seconds) };
  h.log(`${name}: ${row.creates_per_s} atomic creates/s, ${row.week_queries_per_s} week queries/s`);
  return row;
}

export async function storeSection(h: Harness) {
  const rows = [];
  for (const synchronous of ['NORMAL', 'FULL'] as const) {
    const db = openSqliteDatabase(join(h.dir, `store-${synchronous}.db`), { synchronous });
    rows.push(await storeRates(h, `sqlite (synchronous ${synchronous})`, new SqliteReservationStore(db)));
    db.close();
  }
  if (!h.settings.skipDynamoDb) {
    const dynamo = await startDynamoDbLocal();
    const names = await freshTables(dynamo.endpoint);
    const { raw, doc } = createDynamoDbClients({ region: 'us-east-1', endpoint: dynamo.endpoint });
    rows.push(await storeRates(h, 'dynamodb local', new DynamoDbReservationStore(doc, { tableName: names.calendar })));
    raw.destroy();
    await dynamo.stop();
  }
  return rows;
}
