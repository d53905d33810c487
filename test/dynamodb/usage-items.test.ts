/**
 * Allowances on DynamoDB: an owner's bookings at a site are listed in one usage item, rewritten or
 * checked on its version in the same TransactWriteItems as the day guards, so concurrent writes of
 * one person through several clients (Lambda-like: each its own document client and store) never
 * take that person past an allowance; the migration lists the events stored before usage items
 * existed; and a write that leaves the listing as it was sends no usage write.
 */
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClients } from '../../src/adapters/dynamodb/client.js';
import { DynamoDbMigration } from '../../src/adapters/dynamodb/dynamodb-migration.js';
import { DynamoDbReservationStore } from '../../src/adapters/dynamodb/dynamodb-reservation-store.js';
import { MAX_USAGE_BYTES, usageKey, usagePut, type UsageEntry } from '../../src/adapters/dynamodb/usage-items.js';
import { FairShare } from '../../src/application/fair-share.js';
import { AddProjectToReservations } from '../../src/application/use-cases/add-project-to-reservations.js';
import { CreateReservation } from '../../src/application/use-cases/create-reservation.js';
import { ModifyReservation } from '../../src/application/use-cases/modify-reservation.js';
import type { Actor } from '../../src/domain/actor.js';
import { AllowanceExceededError, InvalidInputError } from '../../src/domain/errors.js';
import type { BookingRules } from '../../src/domain/fair-share.js';
import type { Reservation } from '../../src/domain/reservation.js';
import { aNewEventBody, aReservation } from '../support/builders.js';
import { freshTables, startDynamoDbLocal, withFreshTables, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { faultyClient } from '../support/faulty-dynamodb-client.js';
import { FixedClock } from '../support/fixed-clock.js';
import { deleteEvent } from '../support/store-writes.js';

let dynamo: DynamoDbLocal;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, 60_000);
afterAll(() => dynamo.stop());

const NOW = '2030-01-01T00:00:00Z';
const RULES = { maxDurationSeconds: 86_400 };
const alice: Actor = { kind: 'user', sub: 'alice', isAdmin: false };
const bookingsPerNight = (bookings: number): BookingRules => ({ default: { per_night: { bookings } } });
const hoursPerNight = (hours: number): BookingRules => ({ default: { per_night: { hours } } });

/**
 * Twenty one-hour slots of the night of 5 Jan 2030 at a site in UTC (noon to noon): eleven on the
 * 5th, nine on the 6th, so they fall on two UTC days, two day guards: only the usage item joins them.
 */
const SLOTS = Array.from({ length: 20 }, (_, i) => {
  const start = Date.parse('2030-01-05T13:00:00Z') + i * 3_600_000;
  return [new Date(start).toISOString().replace('.000', ''), new Date(start + 3_600_000).toISOString().replace('.000', '')] as const;
});

function createUseCase(store: DynamoDbReservationStore, rules: BookingRules): CreateReservation {
  return new CreateReservation(store, new FixedClock(Date.parse(NOW)), RULES, undefined, new FairShare(rules, { sites: {} }));
}

/** 20 concurrent creates by alice at `site`, through `clients` separate clients and stores; the outcomes. */
async function race(site: string, table: string, rules: BookingRules, clients: DynamoDBDocumentClient[]): Promise<Array<Reservation | unknown>> {
  const useCases = clients.map((doc) => createUseCase(new DynamoDbReservationStore(doc, { tableName: table, maxAttempts: 40 }), rules));
  return Promise.all(SLOTS.map(([start, end], i) => useCases[i % useCases.length]!
    .execute({ actor: alice, event: aNewEventBody({ site, start, end }) })
    .then((event) => event, (error: unknown) => error)));
}

describe('20 concurrent creates by one person through 5 Lambda-like clients', () => {
  const cases: Array<[string, BookingRules, number]> = [['3 bookings per night', bookingsPerNight(3), 3], ['4 h per night (1 h bookings)', hoursPerNight(4), 4]];
  it.each(cases)('%s: exactly the allowance is accepted, the rest refused with ALLOWANCE_EXCEEDED', async (_name, rules, allowed) => {
    const names = await freshTables(dynamo.endpoint);
    const clients = Array.from({ length: 5 }, () => createDynamoDbClients({ region: 'us-east-1', endpoint: dynamo.endpoint }));
    try {
      const outcomes = await race('fs', names.calendar, rules, clients.map((c) => c.doc));
      const accepted = outcomes.filter((o) => !(o instanceof Error));
      expect(outcomes.filter((o) => o instanceof Error && !(o instanceof AllowanceExceededError))).toEqual([]);
      expect(accepted).toHaveLength(allowed);
      const stored = await new DynamoDbReservationStore(clients[0]!.doc, { tableName: names.calendar })
        .findByCreatorEndingAfter('alice', '2030-01-01T00:00:00Z');
      expect(stored.items).toHaveLength(allowed);
      // The usage item lists exactly the bookings stored.
      const { Item } = await clients[0]!.doc.send(new GetCommand({ TableName: names.calendar, Key: usageKey('fs', 'alice'), ConsistentRead: true }));
      expect((JSON.parse(String(Item?.entries)) as string[][]).map(([id]) => id).sort()).toEqual(stored.items.map((e) => e.event_id).sort());
    } finally {
      for (const c of clients) c.raw.destroy();
    }
  }, 120_000);
});

it('a write to the usage item between the read and the commit cancels the transaction: the allowance is judged again on the fresh listing', async () => {
  await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
    const rules = bookingsPerNight(3);
    const honest = createUseCase(new DynamoDbReservationStore(doc, { tableName: names.calendar }), rules);
    for (const [start, end] of SLOTS.slice(0, 2)) await honest.execute({ actor: alice, event: aNewEventBody({ site: 'race', start, end }) });
    // Alice's third booking, through a client that lets another of her bookings commit just before
    // its transaction; on the other UTC day of the same night, so no day guard is shared.
    let interleaved = false;
    const { client, stats } = faultyClient(doc, {
      before: async (command) => {
        if (command instanceof TransactWriteCommand && !interleaved) {
          interleaved = true;
          await honest.execute({ actor: alice, event: aNewEventBody({ site: 'race', start: SLOTS[19]![0], end: SLOTS[19]![1] }) });
        }
      },
    });
    const racing = createUseCase(new DynamoDbReservationStore(client, { tableName: names.calendar }), rules);
    await expect(racing.execute({ actor: alice, event: aNewEventBody({ site: 'race', start: SLOTS[2]![0], end: SLOTS[2]![1] }) }))
      .rejects.toBeInstanceOf(AllowanceExceededError);
    expect(interleaved).toBe(true);
    expect(stats.transactions).toBe(1); // the one cancelled: judged again, it was refused before any other
    const stored = await new DynamoDbReservationStore(doc, { tableName: names.calendar }).findByCreatorEndingAfter('alice', NOW);
    expect(stored.items).toHaveLength(3);
  });
});

it('the migration lists the events stored before usage items existed, so allowances count them; run again it writes nothing', async () => {
  await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
    // As an earlier version of this service stored them: event items and day guards, no usage items.
    const old = [
      aReservation({ event_id: 'old-1', site: 'mig', creator_id: 'alice', start: SLOTS[0]![0], end: SLOTS[0]![1] }),
      aReservation({ event_id: 'old-2', site: 'mig', creator_id: 'alice', start: SLOTS[12]![0], end: SLOTS[12]![1] }),
      // LCO's observation in alice's name, and an old booking long ended: neither is listed.
      aReservation({ event_id: 'old-lco', site: 'mig', creator_id: 'alice', origin: 'LCO', start: SLOTS[5]![0], end: SLOTS[5]![1] }),
      aReservation({ event_id: 'old-past', site: 'mig', creator_id: 'alice', start: '2029-10-01T01:00:00Z', end: '2029-10-01T02:00:00Z' }),
    ];
    for (const event of old) await doc.send(new PutCommand({ TableName: names.calendar, Item: event }));
    const migration = new DynamoDbMigration(doc, names.calendar, () => Date.parse(NOW));

    const first = await migration.run();
    expect(first.usage).toEqual({ listed: { mig: 2 }, tooLarge: [] });
    const item = async () => (await doc.send(new GetCommand({ TableName: names.calendar, Key: usageKey('mig', 'alice'), ConsistentRead: true }))).Item;
    expect(await item()).toMatchObject({ version: 1, entries: JSON.stringify([['old-1', SLOTS[0]![0], SLOTS[0]![1]], ['old-2', SLOTS[12]![0], SLOTS[12]![1]]]) });

    const second = await migration.run();
    expect(second.usage).toEqual({ listed: { mig: 2 }, tooLarge: [] });
    expect((await item())?.version).toBe(1);

    const create = createUseCase(new DynamoDbReservationStore(doc, { tableName: names.calendar }), bookingsPerNight(3));
    await create.execute({ actor: alice, event: aNewEventBody({ site: 'mig', start: SLOTS[1]![0], end: SLOTS[1]![1] }) });
    await expect(create.execute({ actor: alice, event: aNewEventBody({ site: 'mig', start: SLOTS[2]![0], end: SLOTS[2]![1] }) }))
      .rejects.toThrow('At mig you may make 3 bookings per night; you already have 3 on the night of 5 Jan 2030.');
  });
});

it('the migration run beside live writes: a create before it is kept, a delete after its scan is not put back', async () => {
  await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
    for (const id of ['pre-1', 'pre-2']) {
      const [start, end] = SLOTS[id === 'pre-1' ? 0 : 1]!;
      await doc.send(new PutCommand({ TableName: names.calendar, Item: aReservation({ event_id: id, site: 'live', creator_id: 'alice', start, end }) }));
    }
    const store = new DynamoDbReservationStore(doc, { tableName: names.calendar });
    const create = createUseCase(store, bookingsPerNight(9));
    // Deployed before the migration ran: this create lists itself alone.
    const fresh = await create.execute({ actor: alice, event: aNewEventBody({ site: 'live', start: SLOTS[4]![0], end: SLOTS[4]![1] }) });
    // pre-2 is deleted after the migration read it again, just before it puts the usage item: the
    // delete's rewrite of the item makes that put fail, and the next attempt finds pre-2 gone.
    let deleted = false;
    let puts = 0;
    const { client } = faultyClient(doc, {
      before: async (command) => {
        if (command instanceof PutCommand && String(command.input.Item?.event_id).startsWith('#usage#')) {
          puts += 1;
          if (!deleted) {
            deleted = true;
            await deleteEvent(store, 'pre-2');
          }
        }
      },
    });
    const report = await new DynamoDbMigration(client, names.calendar, () => Date.parse(NOW)).run();
    expect(deleted).toBe(true);
    expect(puts).toBe(2);
    expect(report.usage.listed).toEqual({ live: 2 });
    const { Item } = await doc.send(new GetCommand({ TableName: names.calendar, Key: usageKey('live', 'alice'), ConsistentRead: true }));
    expect((JSON.parse(String(Item?.entries)) as string[][]).map(([id]) => id).sort()).toEqual(['pre-1', fresh.event_id].sort());
  });
});

describe('the items of each transaction', () => {
  /** A client that records, for every TransactWriteItems, each item as `<kind> <partition key>`. */
  function recording(doc: DynamoDBDocumentClient): { client: DynamoDBDocumentClient; sent: string[][] } {
    const sent: string[][] = [];
    const client = {
      send: (command: unknown) => {
        if (command instanceof TransactWriteCommand) {
          sent.push((command.input.TransactItems ?? []).flatMap((item) => Object.entries(item)
            .map(([kind, op]) => `${kind} ${String((op as { Key?: { event_id?: string }; Item?: { event_id?: string } }).Key?.event_id ?? (op as { Item?: { event_id?: string } }).Item?.event_id)}`)));
        }
        return doc.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    return { client, sent };
  }
  const usageItems = (items: readonly string[]) => items.filter((i) => i.includes('#usage#'));

  it('a create puts its owner\'s usage item (with rules or without); a retitle and a project link send no usage write', async () => {
    await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
      const { client, sent } = recording(doc);
      const store = new DynamoDbReservationStore(client, { tableName: names.calendar });
      const fairShare = new FairShare({ default: { per_night: { hours: 4, bookings: 2 }, per_week: { hours: 12 }, rolling: { nights: 7, bookings: 5 }, held: { hours: 20 } } }, { sites: {} });
      const clock = new FixedClock(Date.parse(NOW));
      const withRules = new CreateReservation(store, clock, RULES, undefined, fairShare);
      const withoutRules = new CreateReservation(store, clock, RULES);

      await withoutRules.execute({ actor: alice, event: aNewEventBody({ site: 'tx', start: SLOTS[0]![0], end: SLOTS[0]![1] }) });
      await withoutRules.execute({ actor: alice, event: aNewEventBody({ site: 'tx2', start: SLOTS[0]![0], end: SLOTS[0]![1] }) });
      const event = await withRules.execute({ actor: alice, event: aNewEventBody({ site: 'tx', start: SLOTS[1]![0], end: SLOTS[1]![1] }) });
      process.stderr.write(`items per create: without rules ${sent[0]!.length}: ${sent[0]!.join(', ')}; with rules ${sent[2]!.length}: ${sent[2]!.join(', ')}\n`);
      for (const items of sent) expect(usageItems(items)).toEqual(['Put #usage#' + (items === sent[1] ? 'tx2' : 'tx') + '#alice']);
      // With every allowance configured, still one usage item, and no guard beyond the booking's own day.
      expect(sent[2]!.filter((i) => i.includes('#guard#'))).toEqual(['Put #guard#tx#2030-01-05']);

      sent.length = 0;
      const modify = new ModifyReservation(store, clock, RULES, undefined, fairShare);
      await modify.execute({ actor: alice, originalEvent: { event_id: event.event_id }, modifiedEvent: { title: 'retitled' } });
      await new AddProjectToReservations(store, clock, fairShare).execute({ actor: alice, projectId: 'p#2030-01-01T00:00:00Z', eventIds: [event.event_id] });
      expect(sent).toHaveLength(2);
      for (const items of sent) expect(usageItems(items)).toEqual([]);
      const { Item } = await doc.send(new GetCommand({ TableName: names.calendar, Key: usageKey('tx', 'alice'), ConsistentRead: true }));
      expect(Item?.version).toBe(2);
    });
  });

  it('an owner\'s condition on a write that leaves the listing as it was checks the usage item\'s version, and writes none', async () => {
    await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
      const { client, sent } = recording(doc);
      const store = new DynamoDbReservationStore(client, { tableName: names.calendar });
      const event = await createUseCase(store, bookingsPerNight(3)).execute({ actor: alice, event: aNewEventBody({ site: 'cc', start: SLOTS[0]![0], end: SLOTS[0]![1] }) });
      sent.length = 0;
      let seen: unknown;
      const { commitPlanned } = await import('../../src/application/commit-planned.js');
      const { planModify } = await import('../../src/domain/write-plan.js');
      // A rule no store knows of, over alice's bookings to the end of time, on a retitle.
      await commitPlanned(store, event.event_id, (state) => planModify(state, { ...event, title: 'retitled' }, {}, undefined, () => [{
        rule: 'test', site: 'cc', owner: 'alice', window: { start: NOW, end: '9999-12-31T23:59:59Z' }, check: (bookings) => { seen = bookings.map((b) => b.event_id); },
      }]));
      expect(seen).toEqual([event.event_id]);
      expect(usageItems(sent.flat())).toEqual(['ConditionCheck #usage#cc#alice']);
    });
  });
});

it('a listing past the item\'s size cap is refused with a 400 (INVALID_INPUT) when a write would lengthen it, never when it shortens it', () => {
  // Entries of the longest event ids (128 characters): the cap is passed at about 1 900 of them.
  const entry = (i: number): UsageEntry => [`${'x'.repeat(120)}${String(i).padStart(8, '0')}`, '2030-01-05T13:00:00Z', '2030-01-05T14:00:00Z'];
  const full = Array.from({ length: Math.ceil(MAX_USAGE_BYTES / 180) + 50 }, (_, i) => entry(i));
  const usage = { site: 'big', owner: 'alice', version: 7, entries: full };
  expect(() => usagePut('t', usage, [...full, entry(-1)])).toThrow(InvalidInputError);
  expect(() => usagePut('t', usage, [...full, entry(-1)])).toThrow('alice holds too many bookings at big');
  expect(usagePut('t', usage, full.slice(1))).toMatchObject({ Item: { version: 8 }, ConditionExpression: 'version = :v' });
  // Below the cap a listing grows freely.
  expect(() => usagePut('t', { ...usage, entries: full.slice(0, 100) }, full.slice(0, 101))).not.toThrow();
});
