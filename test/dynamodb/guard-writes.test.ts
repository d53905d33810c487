/**
 * DynamoDB's day guards under planned writes: a write rewrites a guard only where it changes what
 * the guard lists. One that leaves the booking's site, times and creator as they were (a project
 * link, a retitle) writes no guard item at all, and reads none.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { guardKey } from '../../src/adapters/dynamodb/day-guards.js';
import { DynamoDbReservationStore } from '../../src/adapters/dynamodb/dynamodb-reservation-store.js';
import { aReservation } from '../support/builders.js';
import { startDynamoDbLocal, withFreshTables, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { createUnlessConflict, replaceUnlessConflict, setProject } from '../support/store-writes.js';

let dynamo: DynamoDbLocal;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, 60_000);
afterAll(() => dynamo.stop());

it('a link or a retitle writes no guard; a move rewrites the guards of the days it leaves and enters', async () => {
  await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
    const sent: string[][] = [];
    const counting = {
      send: (command: { constructor: { name: string }; input: { TransactItems?: Array<Record<string, { Key?: { event_id?: string }; Item?: { event_id?: string } }>> } }) => {
        if (command.constructor.name === 'TransactWriteCommand') {
          sent.push((command.input.TransactItems ?? []).flatMap((item) => Object.entries(item).map(([kind, op]) => `${kind} ${String(op.Key?.event_id ?? op.Item?.event_id)}`)));
        }
        return doc.send(command as never);
      },
    } as unknown as typeof doc;
    const store = new DynamoDbReservationStore(counting, { tableName: names.calendar });
    const guardVersion = async (day: string): Promise<unknown> =>
      (await doc.send(new GetCommand({ TableName: names.calendar, Key: guardKey('g', day), ConsistentRead: true }))).Item?.version;

    const event = aReservation({ event_id: 'g1', site: 'g', start: '2030-05-01T01:00:00Z', end: '2030-05-01T02:00:00Z' });
    await createUnlessConflict(store, event);
    expect(await guardVersion('2030-05-01')).toBe(1);

    sent.length = 0;
    await setProject(store, 'g1', 'p#1', '2030-04-01T00:00:00Z');
    await replaceUnlessConflict(store, { ...event, title: 'retitled' });
    const guardItems = sent.flat().filter((item) => item.includes('#guard#'));
    // The retitle keeps the conflict rule, as a check of the guard's version: no guard is written.
    expect(guardItems).toEqual(['ConditionCheck #guard#g#2030-05-01']);
    expect(await guardVersion('2030-05-01')).toBe(1);

    sent.length = 0;
    await replaceUnlessConflict(store, { ...event, start: '2030-05-02T01:00:00Z', end: '2030-05-02T02:00:00Z' });
    expect(sent.flat().filter((item) => item.includes('#guard#')).sort()).toEqual(['Put #guard#g#2030-05-01', 'Put #guard#g#2030-05-02']);
    expect([await guardVersion('2030-05-01'), await guardVersion('2030-05-02')]).toEqual([2, 1]);
  });
});
