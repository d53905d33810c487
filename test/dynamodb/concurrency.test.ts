/**
 * Concurrency on DynamoDB: many clients contending for the same slots through the store, and the
 * failure paths DynamoDB Local never shows (TransactionConflict, GSI lag) injected by a fake client.
 */
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClients } from '../../src/adapters/dynamodb/client.js';
import { DynamoDbReservationStore } from '../../src/adapters/dynamodb/dynamodb-reservation-store.js';
import { ReservationConflictError, StoreUnavailableError } from '../../src/domain/errors.js';
import type { Reservation } from '../../src/domain/reservation.js';
import { aReservation } from '../support/builders.js';
import { freshTables, startDynamoDbLocal, withFreshTables, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { faultyClient } from '../support/faulty-dynamodb-client.js';
import { createUnlessConflict, deleteEvent, replaceUnlessConflict } from '../support/store-writes.js';

let dynamo: DynamoDbLocal;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, 60_000);
afterAll(() => dynamo.stop());

const SLOTS = [
  ['2030-01-02T00:00:00Z', '2030-01-02T01:00:00Z'],
  ['2030-01-02T00:30:00Z', '2030-01-02T00:45:00Z'],
  ['2030-01-02T03:00:00Z', '2030-01-02T04:00:00Z'],
  ['2030-01-02T06:00:00Z', '2030-01-02T06:10:00Z'],
  ['2030-01-02T09:00:00Z', '2030-01-02T10:00:00Z'],
] as const;

async function contend(clients: number, makeStore: (i: number) => DynamoDbReservationStore, site: string) {
  const attempts = Array.from({ length: clients }, (_, i) => {
    const [start, end] = SLOTS[i % SLOTS.length]!;
    const event = aReservation({ event_id: `${site}-c${i}`, creator_id: `user-${i}`, site, resourceId: site, start, end });
    return createUnlessConflict(makeStore(i), event).then(() => event, (error: unknown) => error);
  });
  return Promise.all(attempts);
}

function assertNoDoubleBooking(stored: readonly Reservation[]): void {
  for (const a of stored) {
    for (const b of stored) {
      if (a.event_id !== b.event_id && a.creator_id !== b.creator_id) expect(a.start < b.end && b.start < a.end).toBe(false);
    }
  }
}

it('50 concurrent clients at one site: exactly one winner per contested slot, the rest refused with a conflict', async () => {
  const names = await freshTables(dynamo.endpoint);
  const clients = Array.from({ length: 10 }, () => createDynamoDbClients({ region: 'us-east-1', endpoint: dynamo.endpoint }));
  try {
    const started = performance.now();
    const outcomes = await contend(50, (i) => new DynamoDbReservationStore(clients[i % clients.length]!.doc, { tableName: names.calendar, maxAttempts: 25 }), 'race');
    const elapsedMs = Math.round(performance.now() - started);
    const winners = outcomes.filter((o): o is Reservation => !(o instanceof Error));
    const conflicts = outcomes.filter((o) => o instanceof ReservationConflictError).length;
    const busy = outcomes.filter((o) => o instanceof StoreUnavailableError).length;
    process.stderr.write(`dynamodb race: 50 clients, ${winners.length} winners, ${conflicts} conflicts, ${busy} busy, ${elapsedMs} ms\n`);

    // Slots 0 and 1 overlap each other, so they share one winner; slots 2, 3 and 4 each have one.
    expect(winners).toHaveLength(4);
    expect(conflicts + busy).toBe(46);
    expect(busy).toBe(0);
    const stored = await new DynamoDbReservationStore(clients[0]!.doc, { tableName: names.calendar }).findOverlapping('race', { start: '2030-01-01T00:00:00Z', end: '2030-01-03T00:00:00Z' }).then((list) => list.items);
    expect(stored.map((e) => e.event_id).sort()).toEqual(winners.map((e) => e.event_id).sort());
    assertNoDoubleBooking(stored);
  } finally {
    for (const c of clients) c.raw.destroy();
  }
}, 120_000);

describe('with a fake client injecting faults', () => {
  it('a stale GSI never lets an overlapping booking through: the guard is read consistently', async () => {
    await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
      const honest = new DynamoDbReservationStore(doc, { tableName: names.calendar });
      const alice = aReservation({ creator_id: 'alice', site: 'gsi', start: '2030-01-02T00:00:00Z', end: '2030-01-02T01:00:00Z' });
      await createUnlessConflict(honest, alice);
      const { client, stats } = faultyClient(doc, { staleIndexes: true });
      const lagging = new DynamoDbReservationStore(client, { tableName: names.calendar });
      expect((await lagging.findOverlapping('gsi', alice)).items).toEqual([]); // the index really is stale here
      await expect(createUnlessConflict(lagging, aReservation({ creator_id: 'bob', site: 'gsi', start: '2030-01-02T00:30:00Z', end: '2030-01-02T02:00:00Z' })))
        .rejects.toBeInstanceOf(ReservationConflictError);
      await expect(replaceUnlessConflict(lagging, { ...alice, end: '2030-01-02T02:00:00Z' })).resolves.toMatchObject({ version: 2 });
      expect(stats.staleQueries).toBeGreaterThan(0);
    });
  });

  it('60 concurrent writes at one site on different days, half their transactions cancelled at the feed head: all succeed, numbered without a gap, with few transactions each', async () => {
    await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
      // What real DynamoDB does to transactions that contend for one item, and DynamoDB Local never does.
      const { client, stats } = faultyClient(doc, { transactionConflictRate: 0.5, conflictAtFeedHead: true });
      const store = new DynamoDbReservationStore(client, { tableName: names.calendar });
      const WRITES = 60;
      const outcomes = await Promise.all(Array.from({ length: WRITES }, (_, i) => {
        const day = new Date(Date.UTC(2030, 2, 1 + i)).toISOString().slice(0, 10);
        return createUnlessConflict(store, aReservation({ event_id: `hot-${i}`, creator_id: `user-${i}`, site: 'hot', start: `${day}T01:00:00Z`, end: `${day}T02:00:00Z` }))
          .then(() => 'ok', (error: unknown) => (error as Error).constructor.name);
      }));
      process.stderr.write(`one busy site (fake TransactionConflict at the head, 50%): ${WRITES} writes, ${stats.transactions} transactions, ${stats.cancelled} cancelled\n`);
      expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
      const { entries } = await new DynamoDbReservationStore(doc, { tableName: names.calendar }).changes('hot', 0, 1000);
      expect(entries.map((f) => f.seq)).toEqual(entries.map((_, i) => i + 1));
      expect(entries.map((f) => f.event_id).sort()).toEqual(outcomes.map((_, i) => `hot-${i}`).sort());
      // The process's writes at the site take turns instead of racing each other on the head: about
      // two transactions a write at this rate (each has even odds), not one per rival in every round.
      expect(stats.transactions).toBeLessThanOrEqual(4 * WRITES);
    });
  }, 120_000);

  it('a transaction cancelled with TransactionConflict is retried and then succeeds', async () => {
    await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
      const { client, stats } = faultyClient(doc, { transactionConflictsFirst: 3 });
      const store = new DynamoDbReservationStore(client, { tableName: names.calendar });
      const event = aReservation({ site: 'tc', start: '2030-01-02T00:00:00Z', end: '2030-01-02T01:00:00Z' });
      await createUnlessConflict(store, event);
      expect(stats).toMatchObject({ cancelled: 3, transactions: 4 });
      expect(await store.get(event.event_id)).toEqual(event);
    });
  });

  it('conflicts that never clear end in a clear StoreUnavailable (503) after the capped retries, writing nothing', async () => {
    await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
      const { client, stats } = faultyClient(doc, { transactionConflictRate: 1 });
      const store = new DynamoDbReservationStore(client, { tableName: names.calendar, maxAttempts: 5, baseBackoffMs: 1 });
      const event = aReservation({ site: 'tc2' });
      await expect(createUnlessConflict(store, event)).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(stats.transactions).toBe(5);
      expect(await store.get(event.event_id)).toBeUndefined();
    });
  });

  it('the retry budget is time, not a count: conflicts that never clear go on being retried until it is spent (and 10 attempts made), then 503', async () => {
    await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
      const { client, stats } = faultyClient(doc, { transactionConflictRate: 1 });
      const store = new DynamoDbReservationStore(client, { tableName: names.calendar, retryBudgetMs: 1000, baseBackoffMs: 1 });
      const event = aReservation({ site: 'tc3' });
      const started = performance.now();
      await expect(createUnlessConflict(store, event)).rejects.toBeInstanceOf(StoreUnavailableError);
      // It gives up only once both the time is spent and 10 attempts are made, however slow each one.
      expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
      expect(stats.transactions).toBeGreaterThanOrEqual(10);
      expect(await store.get(event.event_id)).toBeUndefined();
    });
  });

  it('a write waiting for its site\'s turn behind a write stuck on the database gives up with 503 once the turn has not passed for the stall time', async () => {
    await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
      let release: () => void = () => undefined;
      const stuck = new Promise<void>((resolve) => { release = resolve; });
      let hung: () => void = () => undefined;
      const hanging = new Promise<void>((resolve) => { hung = resolve; });
      const { client } = faultyClient(doc, {
        // The first write's transaction hangs, as on a database that stopped answering.
        before: async (command) => {
          if (command instanceof TransactWriteCommand && JSON.stringify(command.input).includes('"stuck-1"')) {
            hung();
            await stuck;
          }
        },
      });
      const store = new DynamoDbReservationStore(client, { tableName: names.calendar, turnStallMs: 300 });
      const first = createUnlessConflict(store, aReservation({ event_id: 'stuck-1', site: 'stall', start: '2030-01-02T00:00:00Z', end: '2030-01-02T01:00:00Z' }));
      await hanging;
      const second = createUnlessConflict(store, aReservation({ event_id: 'stuck-2', site: 'stall', start: '2030-01-03T00:00:00Z', end: '2030-01-03T01:00:00Z' }));
      await expect(second).rejects.toBeInstanceOf(StoreUnavailableError);
      release();
      await first;
      // The turn passes on: the next write at the site goes through.
      await createUnlessConflict(store, aReservation({ event_id: 'stuck-3', site: 'stall', start: '2030-01-04T00:00:00Z', end: '2030-01-04T01:00:00Z' }));
      expect((await store.changes('stall', 0, 10)).entries.map((f) => f.event_id)).toEqual(['stuck-1', 'stuck-3']);
    });
  });

  it('30 concurrent clients with 30% of transactions cancelled and stale GSIs still never double-book', async () => {
    await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
      const { client, stats } = faultyClient(doc, { transactionConflictRate: 0.3, staleIndexes: true });
      const outcomes = await contend(30, () => new DynamoDbReservationStore(client, { tableName: names.calendar, maxAttempts: 30 }), 'chaos');
      const winners = outcomes.filter((o): o is Reservation => !(o instanceof Error));
      expect(outcomes.every((o) => !(o instanceof Error) || o instanceof ReservationConflictError || o instanceof StoreUnavailableError)).toBe(true);
      expect(winners.length).toBeLessThanOrEqual(4);
      expect(stats.cancelled).toBeGreaterThan(0);
      const stored = await new DynamoDbReservationStore(doc, { tableName: names.calendar }).findOverlapping('chaos', { start: '2030-01-01T00:00:00Z', end: '2030-01-03T00:00:00Z' }).then((list) => list.items);
      expect(stored.map((e) => e.event_id).sort()).toEqual(winners.map((e) => e.event_id).sort());
      assertNoDoubleBooking(stored);
    });
  }, 120_000);
});

describe('history and the change feed, with a fake client injecting faults', () => {
  it('cancelled transactions and stale GSIs: each change that succeeded has exactly one history entry and one feed entry, versions one apart', async () => {
    await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
      const { client, stats } = faultyClient(doc, { transactionConflictRate: 0.3, staleIndexes: true });
      const store = (): DynamoDbReservationStore => new DynamoDbReservationStore(client, { tableName: names.calendar, maxAttempts: 40, baseBackoffMs: 2 });
      const done: string[] = [];
      await Promise.all(Array.from({ length: 16 }, async (_, i) => {
        const event = aReservation({ event_id: `fc-${i}`, creator_id: `user-${i}`, site: 'fc', resourceId: 'fc', start: `2030-01-${String(3 + i).padStart(2, '0')}T00:00:00Z`, end: `2030-01-${String(3 + i).padStart(2, '0')}T01:00:00Z` });
        await createUnlessConflict(store(), event);
        done.push(`fc-${i}@1:created`);
        await replaceUnlessConflict(store(), { ...event, title: 'moved' });
        done.push(`fc-${i}@2:modified`);
        if (i % 2 === 0) {
          await deleteEvent(store(), event.event_id);
          done.push(`fc-${i}@3:deleted`);
        }
      }));
      expect(stats.cancelled).toBeGreaterThan(0);
      const honest = new DynamoDbReservationStore(doc, { tableName: names.calendar });
      const { entries } = await honest.changes('fc', 0, 1000);
      expect(entries.map((f) => f.seq)).toEqual(entries.map((_, i) => i + 1));
      expect(entries.map((f) => `${f.event_id}@${f.version}:${f.action}`).sort()).toEqual([...done].sort());
      for (let i = 0; i < 16; i++) {
        expect((await honest.history(`fc-${i}`)).map((h) => [h.version, h.action]))
          .toEqual(i % 2 === 0 ? [[1, 'created'], [2, 'modified'], [3, 'deleted']] : [[1, 'created'], [2, 'modified']]);
      }
    });
  }, 120_000);

  it('a write that loses only its feed seq to another write at the site is renumbered and sent again, without reading everything again', async () => {
    await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
      const other = new DynamoDbReservationStore(doc, { tableName: names.calendar });
      const sent: string[] = [];
      let interleaved = false;
      const { client } = faultyClient(doc, {
        before: async (command) => {
          sent.push(command?.constructor?.name ?? 'unknown');
          // Just before this writer's first transaction, another write at the site (another day, another
          // owner: no usage item shared either) takes seq 1.
          if (!interleaved && command instanceof TransactWriteCommand) {
            interleaved = true;
            await createUnlessConflict(other, aReservation({ event_id: 'first', creator_id: 'bob', site: 'rn', start: '2030-01-05T00:00:00Z', end: '2030-01-05T01:00:00Z' }));
          }
        },
      });
      const writer = new DynamoDbReservationStore(client, { tableName: names.calendar });
      await createUnlessConflict(writer, aReservation({ event_id: 'second', site: 'rn', start: '2030-01-02T00:00:00Z', end: '2030-01-02T01:00:00Z' }));
      expect(sent.filter((name) => name === 'TransactWriteCommand')).toHaveLength(2);
      // One read of the event id and one of its history (Queries), and of the guards, for both tries: only the head was read again.
      expect(sent.filter((name) => name === 'QueryCommand')).toHaveLength(2);
      expect((await other.changes('rn', 0, 10)).entries.map((f) => [f.seq, f.event_id])).toEqual([[1, 'first'], [2, 'second']]);
    });
  });

  it('a change that commits while a page is read is not answered above the head read first, and comes in the next page', async () => {
    await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
      const writer = new DynamoDbReservationStore(doc, { tableName: names.calendar });
      await createUnlessConflict(writer, aReservation({ event_id: 'h1', site: 'hd' }));
      let interleaved = false;
      const { client } = faultyClient(doc, {
        // Between the reader's head read and its query, another writer commits seq 2.
        before: async (command) => {
          if (!interleaved && command instanceof QueryCommand && String(command.input.ExpressionAttributeValues?.[':f']).startsWith('feed#')) {
            interleaved = true;
            await createUnlessConflict(writer, aReservation({ event_id: 'h2', site: 'hd', start: '2025-06-20T05:00:00Z', end: '2025-06-20T06:00:00Z' }));
          }
        },
      });
      const reader = new DynamoDbReservationStore(client, { tableName: names.calendar });
      const first = await reader.changes('hd', 0, 10);
      expect(interleaved).toBe(true);
      expect(first.entries.map((f) => [f.seq, f.event_id])).toEqual([[1, 'h1']]);
      expect((await reader.changes('hd', 1, 10)).entries.map((f) => [f.seq, f.event_id])).toEqual([[2, 'h2']]);
    });
  });

  it('a purge that removes entries while a page is read shows in the page as purged, so the cursor behind it is refused', async () => {
    await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
      const writer = new DynamoDbReservationStore(doc, { tableName: names.calendar });
      await createUnlessConflict(writer, aReservation({ event_id: 'p1', site: 'pg' }), { at: '2020-01-01T00:00:00Z' });
      await deleteEvent(writer, 'p1', { at: '2020-01-02T00:00:00Z' });
      let purged = 0;
      const { client } = faultyClient(doc, {
        before: async (command) => {
          if (purged === 0 && command instanceof QueryCommand && String(command.input.ExpressionAttributeValues?.[':f']).startsWith('feed#')) {
            purged = await writer.purgeHistory('2021-01-01T00:00:00Z');
          }
        },
      });
      const page = await new DynamoDbReservationStore(client, { tableName: names.calendar }).changes('pg', 0, 10);
      expect(purged).toBe(1);
      expect(page.entries).toEqual([]);
      expect(page.purgedThrough).toBe(2);
    });
  });
});

describe('guard upkeep and paging', () => {
  it('lists each booking in the guard of every UTC day it touches, moves and removes it with the booking, and keeps guards small', async () => {
    await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
      const store = new DynamoDbReservationStore(doc, { tableName: names.calendar });
      const guardIds = async (day: string): Promise<string[]> => {
        const item = (await doc.send(new GetCommand({ TableName: names.calendar, Key: { event_id: `#guard#days#${day}`, start: '#guard' }, ConsistentRead: true }))).Item;
        return item ? (JSON.parse(String(item.intervals)) as string[][]).map((i) => i[0] as string) : [];
      };
      const night = aReservation({ event_id: 'night', site: 'days', creator_id: 'alice', start: '2030-01-01T22:00:00Z', end: '2030-01-02T02:00:00Z' });
      await createUnlessConflict(store, night);
      expect([await guardIds('2030-01-01'), await guardIds('2030-01-02'), await guardIds('2030-01-03')]).toEqual([['night'], ['night'], []]);
      // Found through the second day's guard alone.
      await expect(createUnlessConflict(store, aReservation({ site: 'days', creator_id: 'bob', start: '2030-01-02T01:00:00Z', end: '2030-01-02T03:00:00Z' })))
        .rejects.toBeInstanceOf(ReservationConflictError);
      // Ending at midnight: not in the next day's guard.
      await createUnlessConflict(store, aReservation({ event_id: 'to-midnight', site: 'days', creator_id: 'bob', start: '2030-01-03T23:00:00Z', end: '2030-01-04T00:00:00Z' }));
      expect(await guardIds('2030-01-04')).toEqual([]);

      await replaceUnlessConflict(store, { ...night, start: '2030-02-01T10:00:00Z', end: '2030-02-01T11:00:00Z' });
      expect([await guardIds('2030-01-01'), await guardIds('2030-01-02'), await guardIds('2030-02-01')]).toEqual([[], [], ['night']]);
      await deleteEvent(store, 'night');
      expect(await guardIds('2030-02-01')).toEqual([]);

      // A long calendar: 120 bookings over 60 days, each guard lists only its day's.
      for (let i = 0; i < 120; i++) {
        const start = Date.UTC(2031, 0, 1) / 1000 + i * 12 * 3600;
        const iso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
        await createUnlessConflict(store, aReservation({ event_id: `long-${i}`, site: 'days', creator_id: `user-${i % 7}`, start: iso(start), end: iso(start + 3600) }));
      }
      expect((await guardIds('2031-01-15')).length).toBe(2);
      // Old bookings keep their guards: a booking far in the past is still checked consistently.
      await expect(createUnlessConflict(store, aReservation({ site: 'days', creator_id: 'mallory', start: '2031-01-01T00:30:00Z', end: '2031-01-01T00:45:00Z' })))
        .rejects.toBeInstanceOf(ReservationConflictError);
    });
  });

  it('refuses a booking spanning more days than any guard set can hold', async () => {
    await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
      const store = new DynamoDbReservationStore(doc, { tableName: names.calendar });
      await expect(createUnlessConflict(store, aReservation({ site: 'days', start: '2030-01-01T00:00:00Z', end: '2030-03-01T00:00:00Z' })))
        .rejects.toThrow(/at most 40 days/);
    });
  });

  it('every query follows LastEvaluatedKey to the last page', async () => {
    await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
      const store = new DynamoDbReservationStore(doc, { tableName: names.calendar });
      for (let i = 0; i < 7; i++) {
        await createUnlessConflict(store, aReservation({ event_id: `page-${i}`, site: 'pages', creator_id: 'alice', start: `2030-01-02T0${i}:00:00Z`, end: `2030-01-02T0${i}:30:00Z` }));
      }
      const { client } = faultyClient(doc, { pageSize: 2 });
      const paged = new DynamoDbReservationStore(client, { tableName: names.calendar });
      expect((await paged.findOverlapping('pages', { start: '2030-01-02T00:00:00Z', end: '2030-01-03T00:00:00Z' })).items.map((e) => e.event_id))
        .toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
      expect(await paged.findByCreatorEndingAfter('alice', '2030-01-01T00:00:00Z')).toHaveLength(7);
      expect((await paged.get('page-3'))?.event_id).toBe('page-3');
    });
  });
});
