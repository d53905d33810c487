import { join } from 'node:path';
import type { ScheduleTrackingStore } from '../../src/application/ports/schedule-tracking-store.port.js';
import { createDynamoDbClients } from '../../src/adapters/dynamodb/client.js';
import { DynamoDbScheduleTrackingStore } from '../../src/adapters/dynamodb/dynamodb-schedule-tracking-store.js';
import { InMemoryScheduleTrackingStore } from '../../src/adapters/memory/in-memory-schedule-tracking-store.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteScheduleTrackingStore } from '../../src/adapters/sqlite/sqlite-schedule-tracking-store.js';
import { freshTables, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { tempDir } from '../support/temp-dir.js';
import { stopAll } from '../support/teardown.js';

const dir = tempDir('tracking-');
let dynamo: DynamoDbLocal;
const closers: Array<() => void> = [];
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, 60_000);
afterAll(() => stopAll(...closers, () => dir.remove(), dynamo));

const adapters: Array<[string, () => Promise<ScheduleTrackingStore>]> = [
  ['in-memory', async () => new InMemoryScheduleTrackingStore()],
  ['sqlite', async () => {
    const db = openSqliteDatabase(join(dir.path, `t-${closers.length}.db`));
    closers.push(() => db.close());
    return new SqliteScheduleTrackingStore(db);
  }],
  ['dynamodb (DynamoDB Local)', async () => {
    const names = await freshTables(dynamo.endpoint);
    const { raw, doc } = createDynamoDbClients({ region: 'us-east-1', endpoint: dynamo.endpoint });
    closers.push(() => raw.destroy());
    return new DynamoDbScheduleTrackingStore(doc, names.scheduleTracking);
  }],
];

describe.each(adapters)('ScheduleTrackingStore contract: %s', (_name, make) => {
  it('stores, replaces and returns one record per PTR site', async () => {
    const store = await make();
    expect(await store.get('mrc1')).toBeUndefined();
    await store.put({ ptr_site: 'mrc1', last_schedule_time: '2025-06-01T00:00:00Z', updated_at: '2025-06-01T00:05:00Z' });
    await store.put({ ptr_site: 'mrc2', updated_at: '2025-06-01T00:05:00Z' });
    await store.put({ ptr_site: 'mrc1', last_schedule_time: '2025-06-02T00:00:00Z', last_full_refresh: '2025-06-02T00:00:00Z', updated_at: '2025-06-02T00:05:00Z' });
    expect(await store.get('mrc1')).toEqual({ ptr_site: 'mrc1', last_schedule_time: '2025-06-02T00:00:00Z', last_full_refresh: '2025-06-02T00:00:00Z', updated_at: '2025-06-02T00:05:00Z' });
    expect(await store.get('mrc2')).toEqual({ ptr_site: 'mrc2', updated_at: '2025-06-01T00:05:00Z' });
  });
});
