/** Taking over the previous service's table: seeded on DynamoDB Local with items in its formats. */
import { isEventItem } from '../../src/adapters/dynamodb/item-kinds.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbMigration } from '../../src/adapters/dynamodb/dynamodb-migration.js';
import { DynamoDbReservationStore } from '../../src/adapters/dynamodb/dynamodb-reservation-store.js';
import { ReservationConflictError } from '../../src/domain/errors.js';
import { aReservation } from '../support/builders.js';
import { startDynamoDbLocal, withFreshTables, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { createUnlessConflict } from '../support/store-writes.js';

const run = promisify(execFile);
let dynamo: DynamoDbLocal;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, 60_000);
afterAll(() => dynamo.stop());

/** Items as the old Python service stored them: whatever time format the client sent, no checks. */
const LEGACY = [
  { event_id: 'old-minutes', start: '2030-03-01T02:00Z', end: '2030-03-01T03:00Z', site: 'saf', creator_id: 'alice', creator: 'Alice', project_id: 'none#' },
  { event_id: 'old-millis', start: '2030-03-01T05:00:00.000Z', end: '2030-03-01T06:00:00.000Z', site: 'saf', creator_id: 'bob', project_id: '' },
  { event_id: 'old-offset', start: '2030-02-28T20:30:00-06:00', end: '2030-03-01T05:30:00Z', site: 'saf', creator_id: 'carol', title: 'Carol' },
  { event_id: 'old-canonical', start: '2030-03-02T00:00:00Z', end: '2030-03-02T01:00:00Z', site: 'mrc1', creator_id: 'alice', project_id: 'M31#2024-01-01T00:00:00Z', rendering: 'x' },
  { event_id: 'old-end-only', start: '2030-03-03T00:00:00Z', end: '2030-03-03T01:00Z', site: 'mrc1', creator_id: 'bob' },
  { event_id: 'old-garbage', start: 'tomorrow', end: 'later', site: 'saf', creator_id: 'mallory' },
];

it('canonicalises times (re-keying), normalises project ids, builds guards, reports overlaps, and is idempotent', async () => {
  await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
    for (const item of LEGACY) await doc.send(new PutCommand({ TableName: names.calendar, Item: item }));

    const first = await new DynamoDbMigration(doc, names.calendar).run();
    expect(first.scanned).toBe(6);
    expect(first.rekeyed.sort()).toEqual(['old-millis', 'old-minutes', 'old-offset']);
    // old-canonical needed only its version (1: written before versions existed).
    expect(first.updated.sort()).toEqual(['old-canonical', 'old-end-only']);
    expect(first.invalid).toEqual(['old-garbage']);
    expect(first.guards).toEqual({ saf: 3, mrc1: 2 });
    // Carol's 02:30-05:30 booking already overlaps Alice's and Bob's: reported, not deleted.
    expect(first.overlaps).toEqual(expect.arrayContaining([
      { site: 'saf', events: ['old-minutes', 'old-offset'] },
      { site: 'saf', events: ['old-offset', 'old-millis'] },
    ]));
    expect(first.overlaps).toHaveLength(2);

    const items = (await doc.send(new ScanCommand({ TableName: names.calendar }))).Items ?? [];
    const events = items.filter(isEventItem);
    expect(events).toHaveLength(6);
    // Every site met joins the listing of sites with events.
    expect(items.find((i) => i.event_id === 'sites#registry')?.sites).toEqual(new Set(['mrc1', 'saf']));
    expect(events.find((i) => i.event_id === 'old-offset')).toMatchObject({ start: '2030-03-01T02:30:00Z', end: '2030-03-01T05:30:00Z', title: 'Carol' });
    expect(events.find((i) => i.event_id === 'old-minutes')).toMatchObject({ start: '2030-03-01T02:00:00Z', project_id: 'none' });
    expect(events.find((i) => i.event_id === 'old-millis')).toMatchObject({ project_id: 'none' });
    expect(events.find((i) => i.event_id === 'old-canonical')).toMatchObject({ project_id: 'M31#2024-01-01T00:00:00Z', rendering: 'x', version: 1 });
    expect(events.find((i) => i.event_id === 'old-garbage')).toMatchObject({ start: 'tomorrow' });

    const store = new DynamoDbReservationStore(doc, { tableName: names.calendar });
    expect(await store.get('old-minutes')).toMatchObject({ title: 'Alice', resourceId: 'saf', project_id: 'none', reservation_note: '' });
    // The guards now protect the migrated bookings.
    await expect(createUnlessConflict(store, aReservation({ creator_id: 'dave', site: 'mrc1', start: '2030-03-02T00:30:00Z', end: '2030-03-02T02:00:00Z' })))
      .rejects.toBeInstanceOf(ReservationConflictError);

    const second = await new DynamoDbMigration(doc, names.calendar).run();
    expect(second).toMatchObject({ scanned: 6, rekeyed: [], updated: [], invalid: ['old-garbage'], guards: { saf: 3, mrc1: 2 } });
    const after = (await doc.send(new ScanCommand({ TableName: names.calendar }))).Items ?? [];
    const guards = after.filter((i) => i.start === '#guard');
    expect(guards.length).toBeGreaterThanOrEqual(2); // one per site and UTC day with bookings
    for (const g of guards) expect(g).toMatchObject({ event_id: expect.stringMatching(/^#guard#(saf|mrc1)#2030-03-0\d$/), version: 1 });
  });
});

it('npm run migrate -- --storage dynamodb prints the report', async () => {
  await withFreshTables(dynamo.endpoint, async ({ names, doc }) => {
    await doc.send(new PutCommand({ TableName: names.calendar, Item: LEGACY[0] }));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/bootstrap/migrate.ts', '--storage', 'dynamodb'], {
      env: { ...process.env, NODE_OPTIONS: '', DYNAMODB_ENDPOINT: dynamo.endpoint, DYNAMODB_CALENDAR: names.calendar, SCHEDULE_TRACKING_TABLE: names.scheduleTracking, AWS_REGION: 'us-east-1' },
    });
    expect(JSON.parse(stdout)).toMatchObject({ storage: 'dynamodb', table: names.calendar, scanned: 1, rekeyed: ['old-minutes'] });
  });
}, 30_000);
