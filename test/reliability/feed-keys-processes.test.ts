/**
 * Private feed keys live in the store: a key made through one server process opens the feed through
 * another (two processes on one SQLite file, or on one DynamoDB table as two Lambda instances), and
 * a rotation through one retires the old key in the other at once.
 */
import { killSpawnedServers, onSqliteFile, spawnServer } from '../support/child-server.js';
import { freshTablesEnv } from '../support/dynamodb-local.js';
import { parseFeed } from '../support/ical.js';
import { ISSUER } from '../support/identity-provider.js';
import { suiteServices } from '../support/suite-services.js';

const services = suiteServices();
afterEach(killSpawnedServers);

async function acrossProcesses(env: Record<string, string>): Promise<void> {
  const [a, b] = await Promise.all([0, 1].map(() => spawnServer({ AUTH_JWKS_URI: services.idp.jwksUri, AUTH_ISSUER: ISSUER, IMPORT_ENABLED: 'false', ...env })));
  const auth = { authorization: `Bearer ${services.idp.token({ sub: 'google-oauth2|dana', name: 'Dana' })}`, 'content-type': 'application/json' };
  const start = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 86_400_000).toISOString().replace('.000Z', 'Z');
  const end = new Date(Date.parse(start) + 3_600_000).toISOString().replace('.000Z', 'Z');
  const booked = await fetch(`${a!.url}/newevent`, { method: 'POST', headers: auth, body: JSON.stringify({ event_id: 'dana-1', site: 'kp1', start, end, title: 'Dana at kp1' }) });
  expect(booked.status).toBe(200);
  const made = (await (await fetch(`${a!.url}/ical-feed`, { method: 'POST', headers: auth, body: '{}' })).json()) as { url: string };
  const path = new URL(made.url).pathname;
  const viaB = await fetch(`${b!.url}${path}`);
  expect(viaB.status).toBe(200);
  expect(parseFeed(await viaB.text()).events.map((e) => e.summary)).toEqual(['Dana at kp1']);
  const rotated = (await (await fetch(`${b!.url}/ical-feed`, { method: 'POST', headers: auth, body: '{"rotate":true}' })).json()) as { url: string };
  expect((await fetch(`${a!.url}${path}`)).status).toBe(404);
  expect((await fetch(`${a!.url}${new URL(rotated.url).pathname}`)).status).toBe(200);
}

it('SQLite: two processes on one file', () => onSqliteFile('feed-keys-', acrossProcesses), 60_000);

it('DynamoDB Local: two processes on one table', async () => {
  await acrossProcesses(await freshTablesEnv(services.dynamo.endpoint));
}, 60_000);
