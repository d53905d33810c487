/**
 * What the history costs a write (issue 15): creates and modifies per second on each store as it
 * is, beside the same store with its history write taken out, in interleaved rounds. The baseline
 * exists only here:
 * - SQLite: the history table is replaced by a view whose INSTEAD OF INSERT trigger does nothing,
 *   so the same statements run and only the row is not written;
 * - DynamoDB: the store's journal (the head reads, and the history, feed and tombstone writes of
 *   feed-items.ts) is replaced by nothing, so only the event and its guards are read and written.
 * Either way each write stays one transaction; the ratio is what the history and the change feed
 * cost together (on SQLite one row is both).
 */
import { join } from 'node:path';
import type { ReservationStore } from '../../src/application/ports/reservation-store.port.js';
import { createDynamoDbClients } from '../../src/adapters/dynamodb/client.js';
import { DynamoDbReservationStore } from '../../src/adapters/dynamodb/dynamodb-reservation-store.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteReservationStore } from '../../src/adapters/sqlite/sqlite-reservation-store.js';
import type { Reservation } from '../../src/domain/reservation.js';
import { formatUtcTime } from '../../src/domain/time.js';
import { freshTables, startDynamoDbLocal } from '../../test/support/dynamodb-local.js';
import { FROM, median, type Harness } from '../harness.js';
import { createUnlessConflict, replaceUnlessConflict } from '../../test/support/store-writes.js';

const event = (id: string, start: number): Reservation => ({
  event_id: id, start: formatUtcTime(start), end: formatUtcTime(start + 1800), creator: 'b', creator_id: 'b', site: 'hist', resourceId: 'hist',
  title: 'b', reservation_type: 'realtime', origin: 'PTR', project_id: 'none', reservation_note: '', last_modified: formatUtcTime(FROM), version: 1,
});

/** Creates, then modifies of what was created, for `seconds` each; per second. */
async function rates(store: ReservationStore, tag: string, seconds: number): Promise<{ creates: number; modifies: number }> {
  const base = FROM + 1200 * 86_400;
  const made: Reservation[] = [];
  let deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    made.push(await createUnlessConflict(store, event(`${tag}-${made.length}`, base + made.length * 3600), { by: 'b', at: formatUtcTime(FROM) }));
  }
  let modified = 0;
  deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    const target = made[modified % made.length]!;
    await replaceUnlessConflict(store, { ...target, title: `t${modified}` }, { by: 'b', at: formatUtcTime(FROM) });
    modified += 1;
  }
  return { creates: made.length / seconds, modifies: modified / seconds };
}

function withoutHistoryTable(path: string): SqliteReservationStore {
  const db = openSqliteDatabase(path);
  db.exec(`DROP TABLE event_history;
    CREATE VIEW event_history AS SELECT 0 AS seq, '' AS event_id, 0 AS version, '' AS at, '' AS author, '' AS action, '' AS site, NULL AS left_site, '{}' AS body;
    CREATE TRIGGER event_history_discard INSTEAD OF INSERT ON event_history BEGIN SELECT 1; END;
    CREATE TRIGGER event_history_keep INSTEAD OF DELETE ON event_history BEGIN SELECT 1; END;`);
  return new SqliteReservationStore(db);
}

function withoutHistoryItems(store: DynamoDbReservationStore): DynamoDbReservationStore {
  (store as unknown as { journal: () => Promise<unknown[]> }).journal = () => Promise.resolve([]);
  return store;
}

export async function historySection(h: Harness) {
  const seconds = Math.max(1, Math.min(h.settings.duration, 3));
  const pairs: Array<{ name: string; make: (round: number) => Promise<{ with: ReservationStore; without: ReservationStore; done: () => Promise<void> }> }> = [
    {
      name: 'sqlite (synchronous FULL)',
      make: async (round) => ({
        with: new SqliteReservationStore(openSqliteDatabase(join(h.dir, `history-on-${round}.db`))),
        without: withoutHistoryTable(join(h.dir, `history-off-${round}.db`)),
        done: async () => undefined,
      }),
    },
  ];
  let dynamo: Awaited<ReturnType<typeof startDynamoDbLocal>> | undefined;
  if (!h.settings.skipDynamoDb) {
    dynamo = await startDynamoDbLocal();
    const endpoint = dynamo.endpoint;
    pairs.push({
      name: 'dynamodb local',
      make: async () => {
        const [a, b] = await Promise.all([freshTables(endpoint), freshTables(endpoint)]);
        const { raw, doc } = createDynamoDbClients({ region: 'us-east-1', endpoint });
        return {
          with: new DynamoDbReservationStore(doc, { tableName: a.calendar }),
          without: withoutHistoryItems(new DynamoDbReservationStore(doc, { tableName: b.calendar })),
          done: async () => raw.destroy(),
        };
      },
    });
  }
  const rows = [];
  for (const pair of pairs) {
    const rounds: Array<{ creates: number; modifies: number }> = [];
    let last = { on: { creates: 0, modifies: 0 }, off: { creates: 0, modifies: 0 } };
    for (let round = 1; round <= h.settings.rounds; round++) {
      const stores = await pair.make(round);
      // Which goes first alternates, so that warming up favours neither.
      let on: { creates: number; modifies: number };
      let off: { creates: number; modifies: number };
      if (round % 2 === 1) {
        off = await rates(stores.without, `off${round}`, seconds);
        on = await rates(stores.with, `on${round}`, seconds);
      } else {
        on = await rates(stores.with, `on${round}`, seconds);
        off = await rates(stores.without, `off${round}`, seconds);
      }
      await stores.done();
      last = { on, off };
      rounds.push({ creates: on.creates / off.creates, modifies: on.modifies / off.modifies });
      h.log(`history round ${round}, ${pair.name}: creates/s ${Math.round(on.creates)} with history vs ${Math.round(off.creates)} without; ` +
        `modifies/s ${Math.round(on.modifies)} vs ${Math.round(off.modifies)}`);
    }
    const row = {
      store: pair.name,
      creates_ratio: Math.round(median(rounds.map((r) => r.creates)) * 100) / 100,
      modifies_ratio: Math.round(median(rounds.map((r) => r.modifies)) * 100) / 100,
      last_round: { with: last.on, without: last.off },
    };
    h.log(`history, ${pair.name}: with / without history, median of the rounds' ratios: creates ${row.creates_ratio}, modifies ${row.modifies_ratio}`);
    rows.push(row);
  }
  await dynamo?.stop();
  return rows;
}
