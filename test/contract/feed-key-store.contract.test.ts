/** One contract for every FeedKeyStore: in memory, SQLite and DynamoDB (on DynamoDB Local). */
import { join } from 'node:path';
import type { FeedKeyStore } from '../../src/application/ports/feed-keys.port.js';
import { createDynamoDbClients } from '../../src/adapters/dynamodb/client.js';
import { DynamoDbFeedKeyStore } from '../../src/adapters/dynamodb/dynamodb-feed-key-store.js';
import { InMemoryFeedKeyStore } from '../../src/adapters/memory/in-memory-feed-key-store.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteFeedKeyStore } from '../../src/adapters/sqlite/sqlite-feed-key-store.js';
import { freshTables, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { stopAll } from '../support/teardown.js';
import { tempDir } from '../support/temp-dir.js';

const dir = tempDir('feed-key-contract-');
let dynamo: DynamoDbLocal;
let files = 0;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, 60_000);
afterAll(() => stopAll(() => dir.remove(), dynamo));

const adapters: Array<[string, () => Promise<{ keys: FeedKeyStore; close: () => void }>]> = [
  ['in-memory', async () => ({ keys: new InMemoryFeedKeyStore(), close: () => undefined })],
  ['sqlite', async () => {
    const db = openSqliteDatabase(join(dir.path, `k-${++files}.db`));
    return { keys: new SqliteFeedKeyStore(db), close: () => db.close() };
  }],
  ['dynamodb (DynamoDB Local)', async () => {
    const names = await freshTables(dynamo.endpoint);
    const { raw, doc } = createDynamoDbClients({ region: 'us-east-1', endpoint: dynamo.endpoint });
    return { keys: new DynamoDbFeedKeyStore(doc, names.calendar), close: () => raw.destroy() };
  }],
];

describe.each(adapters)('FeedKeyStore contract: %s', (_name, make) => {
  let keys: FeedKeyStore;
  let close: () => void;
  beforeEach(async () => {
    ({ keys, close } = await make());
  });
  afterEach(() => close());

  it('binds a digest once per user, resolves it to its owner, and a replace retires the old digest in the same step', async () => {
    expect(await keys.bind('alice', 'd1', '2031-01-01T00:00:00Z', false)).toBe(true);
    expect(await keys.owner('d1')).toEqual({ sub: 'alice', createdAt: '2031-01-01T00:00:00Z' });
    expect(await keys.bind('alice', 'd2', '2031-01-02T00:00:00Z', false)).toBe(false);
    expect(await keys.owner('d2')).toBeUndefined();
    expect(await keys.bind('alice', 'd3', '2031-01-03T00:00:00Z', true)).toBe(true);
    expect(await keys.owner('d1')).toBeUndefined();
    expect(await keys.owner('d3')).toEqual({ sub: 'alice', createdAt: '2031-01-03T00:00:00Z' });
    expect(await keys.bind('bob', 'b1', '2031-01-03T00:00:00Z', true)).toBe(true); // a first key may come by replace too
    expect(await keys.owner('b1')).toMatchObject({ sub: 'bob' });
    expect(await keys.owner('never')).toBeUndefined();
  });

  it('concurrent rotations leave exactly one working key for the user', async () => {
    await keys.bind('carol', 'c0', '2031-01-01T00:00:00Z', false);
    const digests = Array.from({ length: 8 }, (_, i) => `c${i + 1}`);
    const results = await Promise.all(digests.map((d) => keys.bind('carol', d, '2031-01-02T00:00:00Z', true).catch(() => false)));
    const owners = await Promise.all(['c0', ...digests].map((d) => keys.owner(d)));
    const working = ['c0', ...digests].filter((_, i) => owners[i] !== undefined);
    expect(working).toHaveLength(1);
    expect(results.some((r) => r)).toBe(true);
  });
});
