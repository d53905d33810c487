/**
 * DynamoDB saying "not now" (throttling, timeouts, network failures) reaches callers as
 * StoreUnavailableError, which the HTTP edge answers 503 with Retry-After: injected through the fake
 * client for each failure the SDK surfaces, and for real against a stopped DynamoDB Local and a
 * server that never answers.
 */
import { createServer, type Server, type Socket } from 'node:net';
import {
  InternalServerError, ProvisionedThroughputExceededException, RequestLimitExceeded, ThrottlingException, ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClients } from '../../src/adapters/dynamodb/client.js';
import { DynamoDbReservationStore } from '../../src/adapters/dynamodb/dynamodb-reservation-store.js';
import { DynamoDbScheduleTrackingStore } from '../../src/adapters/dynamodb/dynamodb-schedule-tracking-store.js';
import { errorResponse } from '../../src/adapters/http/errors.js';
import { StoreUnavailableError } from '../../src/domain/errors.js';
import { aNewEventBody, aReservation } from '../support/builders.js';
import { bearer, startCalendar } from '../support/calendar-server.js';
import { startDynamoDbLocal } from '../support/dynamodb-local.js';
import { faultyClient } from '../support/faulty-dynamodb-client.js';
import { killSpawnedServers, spawnServer } from '../support/child-server.js';
import { AUDIENCE, IdentityProvider, ISSUER } from '../support/identity-provider.js';
import { startTogether, stopAll } from '../support/teardown.js';
import { createUnlessConflict, deleteEvent, putImported, replaceUnlessConflict, setProject } from '../support/store-writes.js';

const metadata = { $metadata: {} };
const socketError = (code: string): Error => Object.assign(new Error(`socket failure ${code}`), { code });

/** Each failure as the SDK hands it over once its own retries are spent. */
const FAILURES: Array<[string, () => unknown]> = [
  ['ProvisionedThroughputExceededException', () => new ProvisionedThroughputExceededException({ message: 'Rate exceeded', ...metadata })],
  ['ThrottlingException', () => new ThrottlingException({ message: 'Throttled', ...metadata })],
  ['RequestLimitExceeded', () => new RequestLimitExceeded({ message: 'Account limit', ...metadata })],
  ['InternalServerError (500)', () => new InternalServerError({ message: 'Internal', $metadata: { httpStatusCode: 500 } })],
  ['TimeoutError', () => Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' })],
  ['ECONNRESET', () => socketError('ECONNRESET')],
  ['ECONNREFUSED', () => socketError('ECONNREFUSED')],
  ['ETIMEDOUT', () => socketError('ETIMEDOUT')],
  ['a socket error wrapped as the cause', () => new Error('request failed', { cause: socketError('EPIPE') })],
];

const unreachable = { send: () => Promise.reject(new Error('the fake client must not forward')) } as unknown as DynamoDBDocumentClient;
const window = { start: '2030-01-02T00:00:00Z', end: '2030-01-03T00:00:00Z' };
const event = aReservation({ site: 'down', start: '2030-01-02T01:00:00Z', end: '2030-01-02T02:00:00Z' });

const OPERATIONS: Array<[string, (store: DynamoDbReservationStore, tracking: DynamoDbScheduleTrackingStore) => Promise<unknown>]> = [
  ['get', (s) => s.get(event.event_id)],
  ['findOverlapping', (s) => s.findOverlapping('down', window)],
  ['creatorsOverlapping', (s) => s.creatorsOverlapping('down', window)],
  ['findByCreatorEndingAfter', (s) => s.findByCreatorEndingAfter(event.creator_id, window.start)],
  ['createUnlessConflict', (s) => createUnlessConflict(s, event)],
  ['replaceUnlessConflict', (s) => replaceUnlessConflict(s, event)],
  ['putImported', (s) => putImported(s, event)],
  ['delete', (s) => deleteEvent(s, event.event_id)],
  ['setProject', (s) => setProject(s, event.event_id, 'p#1', window.start)],
  ['tracking get', (_s, t) => t.get('mrc1')],
  ['tracking put', (_s, t) => t.put({ ptr_site: 'mrc1', last_schedule_time: window.start, updated_at: window.start })],
];

const WRITES = new Set(['createUnlessConflict', 'replaceUnlessConflict', 'putImported', 'delete', 'setProject']);

describe.each(FAILURES)('%s', (_name, failure) => {
  it.each(OPERATIONS)('%s answers StoreUnavailableError, naming the cause', async (op, run) => {
    const { client, stats } = faultyClient(unreachable, { failure });
    const store = new DynamoDbReservationStore(client, { tableName: 'calendar', baseBackoffMs: 1 });
    const tracking = new DynamoDbScheduleTrackingStore(client, 'tracking');
    const outcome = await run(store, tracking).then(() => undefined, (error: unknown) => error);
    expect(outcome).toBeInstanceOf(StoreUnavailableError);
    expect((outcome as Error).message).toMatch(/not answering just now \(\w+\); please retry/);
    // A passing failure is given back at once: the store does not add its own retries to the SDK's
    // (a write's first reads, of the event and of its id's history (EventState), go out together: each fails once).
    expect(stats.failed).toBe(WRITES.has(op) ? 2 : 1);
  });
});

it('an error that is not passing (a missing table) is not disguised as unavailability', async () => {
  const { client } = faultyClient(unreachable, { failure: () => new ResourceNotFoundException({ message: 'Requested resource not found', ...metadata }) });
  const store = new DynamoDbReservationStore(client, { tableName: 'calendar' });
  await expect(store.get('x')).rejects.toBeInstanceOf(ResourceNotFoundException);
  expect(errorResponse(new ResourceNotFoundException({ message: 'gone', ...metadata }), 'r1')).toMatchObject({ status: 500, unexpected: true });
});

it('a StoreUnavailableError is a 503 with Retry-After and its message', () => {
  expect(errorResponse(new StoreUnavailableError('busy; please retry.'), 'r1')).toEqual({
    status: 503, body: 'busy; please retry.', headers: { 'Retry-After': '1' }, unexpected: false,
  });
});

describe('for real', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    if (silent) await new Promise((resolve) => silent.close(resolve));
  });

  it('a DynamoDB that accepts connections and never answers times out into StoreUnavailableError', async () => {
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const { raw, doc } = createDynamoDbClients({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, requestTimeoutMs: 200 });
    try {
      const store = new DynamoDbReservationStore(doc, { tableName: 'calendar' });
      await expect(store.findOverlapping('down', window)).rejects.toBeInstanceOf(StoreUnavailableError);
      // The SDK retried the lost attempt before giving up.
      expect(sockets.length).toBeGreaterThan(1);
    } finally {
      raw.destroy();
    }
  }, 30_000);

  // Each in its own process, as in production: inside Jest's module sandbox Node's socket errors come
  // from another realm, and the SDK wraps them without their `code`.
  const SERVERS: Array<[string, (idp: IdentityProvider, env: Record<string, string>) => Promise<{ url: string; close: () => Promise<void> }>]> = [
    ['the server process (npm start)', async (idp, env) => {
      const server = await spawnServer({ ...env, AUTH_JWKS_URI: idp.jwksUri, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, IMPORT_ENABLED: 'false' });
      return { url: server.url, close: killSpawnedServers };
    }],
    ['the Lambda bundle', async (idp, env) => {
      const api = await startCalendar(idp, undefined, env, 'lambda-v2');
      return { url: api.url, close: () => api.close() };
    }],
  ];

  it.each(SERVERS)('%s answers 503 with Retry-After while DynamoDB is down, and stays up', async (_name, serve) => {
    const [dynamo, idp] = await startTogether(startDynamoDbLocal(), new IdentityProvider().start());
    let api: { url: string; close: () => Promise<void> } | undefined;
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${api!.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
    try {
      api = await serve(idp, { STORAGE: 'dynamodb', DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_REGION: 'us-east-1' });
      const alice = bearer(idp.token({ sub: 'google-oauth2|alice', name: 'Alice' }));
      const body = () => aNewEventBody({ site: 'down', start: '2030-01-02T01:00:00Z', end: '2030-01-02T02:00:00Z' });
      expect((await post('/newevent', body(), alice)).status).toBe(200);
      await dynamo.stop();

      for (const attempt of [
        () => post('/newevent', body(), alice),
        () => post('/siteevents', { site: 'down', start: window.start, end: window.end }),
      ]) {
        const refused = await attempt();
        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).toBe('1');
        expect(await refused.text()).toMatch(/^The calendar's database is not answering just now \(ECONNREFUSED\); please retry\.$/);
      }
      const ready = await fetch(`${api.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toMatch(/^Not ready: The calendar's database is not answering just now \(ECONNREFUSED\)/);
      expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    } finally {
      await stopAll(api, idp, dynamo);
    }
  }, 90_000);
});
