/**
 * The retention purge as deployed: the server runs it at start (and hourly), the Lambda bundle's
 * scheduled importSchedules runs it after each import. An event deleted long ago (older than
 * HISTORY_RETENTION_DAYS, default 400) loses its history and feed entries; a live one keeps them.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDynamoDbClients } from '../../src/adapters/dynamodb/client.js';
import { DynamoDbReservationStore } from '../../src/adapters/dynamodb/dynamodb-reservation-store.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteReservationStore } from '../../src/adapters/sqlite/sqlite-reservation-store.js';
import type { ReservationStore } from '../../src/application/ports/reservation-store.port.js';
import { aReservation } from '../support/builders.js';
import { bearer, startCalendar } from '../support/calendar-server.js';
import { freshTables } from '../support/dynamodb-local.js';
import { lambdaNode } from '../support/lambda-node.js';
import { tempDir } from '../support/temp-dir.js';
import { suiteServices } from '../support/suite-services.js';
import { createUnlessConflict, deleteEvent } from '../support/store-writes.js';

const run = promisify(execFile);
const services = suiteServices();

const ALICE = 'google-oauth2|alice';

/** An event deleted in 2020, one deleted yesterday, and a live one: only the first is past the retention. */
async function seed(store: ReservationStore): Promise<void> {
  await createUnlessConflict(store, aReservation({ event_id: 'ancient', site: 'ret' }), { by: ALICE, at: '2020-01-01T00:00:00Z' });
  await deleteEvent(store, 'ancient', { by: ALICE, at: '2020-01-02T00:00:00Z' });
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  await createUnlessConflict(store, aReservation({ event_id: 'recent', site: 'ret', start: '2025-06-20T05:00:00Z', end: '2025-06-20T06:00:00Z' }), { by: ALICE, at: yesterday });
  await deleteEvent(store, 'recent', { by: ALICE, at: yesterday });
  await createUnlessConflict(store, aReservation({ event_id: 'live', site: 'ret', start: '2025-06-20T07:00:00Z', end: '2025-06-20T08:00:00Z' }), { by: ALICE, at: '2020-01-03T00:00:00Z' });
}

it('the server purges at start: the ancient delete leaves /event-history (404) and /changes, the rest stay', async () => {
  const dir = tempDir('retention-');
  const path = join(dir.path, 'c.db');
  const db = openSqliteDatabase(path);
  await seed(new SqliteReservationStore(db));
  db.close();
  const api = await startCalendar(services.idp, undefined, { SQLITE_PATH: path });
  try {
    const alice = bearer(services.idp.token({ sub: ALICE, name: 'Alice' }));
    let status = 200;
    for (let i = 0; i < 50 && status !== 404; i++) {
      status = (await api.post('/event-history', { event_id: 'ancient' }, alice)).status;
      if (status !== 404) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(404);
    expect((await api.post('/event-history', { event_id: 'recent' }, alice)).status).toBe(200);
    const feed = (await api.post('/changes', { site: 'ret' })).json() as { changes: Array<{ event_id: string; action: string }> };
    expect(feed.changes.map((c) => `${c.event_id}:${c.action}`)).toEqual(['recent:created', 'recent:deleted', 'live:created']);
  } finally {
    await api.close();
    dir.remove();
  }
}, 60_000);

it("the Lambda bundle's scheduled importSchedules purges after the import, on DynamoDB", async () => {
  const tables = await freshTables(services.dynamo.endpoint);
  const { raw, doc } = createDynamoDbClients({ region: 'us-east-1', endpoint: services.dynamo.endpoint });
  try {
    const store = new DynamoDbReservationStore(doc, { tableName: tables.calendar });
    await seed(store);
    expect((await store.history('ancient')).length).toBe(2);
    const script = "const m = await import(process.cwd() + '/dist/lambda/index.mjs'); process.stdout.write(JSON.stringify(await m.importSchedules()));";
    await run(lambdaNode(), ['--input-type=module', '-e', script], {
      env: {
        ...process.env, NODE_OPTIONS: '', STORAGE: 'dynamodb', AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: services.dynamo.endpoint,
        DYNAMODB_CALENDAR: tables.calendar, SCHEDULE_TRACKING_TABLE: tables.scheduleTracking, LOG_LEVEL: 'silent',
        AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AUTH_JWKS_URI: services.idp.jwksUri, AUTH_ISSUER: 'https://photonranch.test.auth0.example/',
      },
    });
    expect(await store.history('ancient')).toEqual([]);
    expect((await store.history('recent')).map((h) => h.action)).toEqual(['created', 'deleted']);
    const { entries, purgedThrough } = await store.changes('ret', 0, 10);
    expect(entries.map((f) => `${f.event_id}:${f.action}`)).toEqual(['recent:created', 'recent:deleted', 'live:created']);
    expect(purgedThrough).toBe(2);
  } finally {
    raw.destroy();
  }
}, 60_000);
