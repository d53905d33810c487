/** The Lambda bundle as deployed: ES modules with no native addon, and what a cold start costs. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { createDynamoDbClients } from '../../src/adapters/dynamodb/client.js';
import { DynamoDbReservationStore } from '../../src/adapters/dynamodb/dynamodb-reservation-store.js';
import { freshTables, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { lambdaNode, lambdaNodeVersion } from '../support/lambda-node.js';
import { startTogether, stopAll } from '../support/teardown.js';
import { watchChild } from '../support/child-output.js';

const BUNDLE_DIR = 'dist/lambda';
const BUNDLE = join(BUNDLE_DIR, 'index.mjs');
let dynamo: DynamoDbLocal;
let idp: IdentityProvider;
beforeAll(async () => {
  [dynamo, idp] = await startTogether(startDynamoDbLocal(), new IdentityProvider().start());
}, 60_000);
afterAll(() => stopAll(dynamo, idp));

function bundleFiles(dir = BUNDLE_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? bundleFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

it('is minified ES modules (an entry exporting http, and its chunks) with the DynamoDB client inside, SSM left to the runtime and no SQLite addon; and the files of /docs and of the calendar page', async () => {
  const all = bundleFiles();
  const size = all.reduce((sum, file) => sum + statSync(file).size, 0);
  process.stderr.write(`lambda bundle: ${(size / 1024).toFixed(0)} KiB in ${all.length} files\n`);
  const docs = join(BUNDLE_DIR, 'docs');
  expect(all.filter((f) => f.startsWith(`${docs}/`)).sort()).toEqual([join(docs, 'swagger-ui-bundle.js'), join(docs, 'swagger-ui.css')]);
  // The page as build-web.mjs writes it: index.html, the manifest, and each asset raw, gzip and brotli.
  const web = join(BUNDLE_DIR, 'web');
  const manifest = JSON.parse(readFileSync(join(web, 'manifest.json'), 'utf8')) as { script: string; style: string };
  const assets = [manifest.script, manifest.style].flatMap((name) => ['', '.br', '.gz'].map((ending) => join(web, 'assets', `${name}${ending}`)));
  expect(all.filter((f) => f.startsWith(`${web}/`)).sort()).toEqual([...assets, join(web, 'index.html'), join(web, 'manifest.json')].sort());
  const files = all.filter((f) => !f.startsWith(`${docs}/`) && !f.startsWith(`${web}/`));
  expect(files).toContain(BUNDLE);
  const outside: string[] = [];
  let sdkImports = 0;
  for (const file of files) {
    expect(file).toMatch(/\.mjs$/);
    const code = readFileSync(file, 'utf8');
    // Booleans, so that a failure names the file instead of printing a megabyte of it.
    expect({ file, addon: code.includes('better_sqlite3.node') }).toEqual({ file, addon: false });
    const specifiers = [
      ...[...code.matchAll(/(?:^|[;}])\s*import\s*(?:[\w$*{},\s]+from\s*)?["']([^"']+)["']/g)].map((m) => m[1] as string),
      ...[...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] as string),
    ];
    for (const name of specifiers) {
      if (name.startsWith('./') || name.startsWith('../')) {
        expect(files).toContain(join(dirname(file), name));
      } else if (name === '@aws-sdk/client-ssm') { // any other SDK package (DynamoDB) must be inside
        sdkImports += 1;
      } else if (!builtinModules.includes(name.replace(/^node:/, ''))) {
        outside.push(`${file}: ${name}`);
      }
    }
  }
  expect(outside).toEqual([]);
  expect(sdkImports).toBeGreaterThan(0);
  const module = (await import(`${process.cwd()}/${BUNDLE}`)) as { http: unknown };
  expect(typeof module.http).toBe('function');
});

it('a fresh Node 22 process (the Lambda runtime) loads the bundle and answers its first request (cold start), creating missing tables', async () => {
  const host = await lambdaHost({
    STORAGE: 'dynamodb', AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: dynamo.endpoint, DYNAMODB_CALENDAR: `cold-${process.pid}`, SCHEDULE_TRACKING_TABLE: `cold-t-${process.pid}`,
    AUTH_JWKS_URI: idp.jwksUri, AUTH_ISSUER: 'https://photonranch.test.auth0.example/', LOG_LEVEL: 'silent',
  });
  try {
    const res = await fetch(`${host.url}/siteevents`, { method: 'POST', body: JSON.stringify({ site: 'saf', start: '2030-01-01T00:00:00Z', end: '2030-01-02T00:00:00Z' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
    // The host ran on the Lambda runtime's Node, not on the one running jest.
    expect(/listening \S+ \(node (v[\d.]+)\)/.exec(host.output())?.[1]).toBe(`v${lambdaNodeVersion}`);
    await new Promise((r) => setTimeout(r, 50));
    const figures = /cold-start load ([\d.]+) ms, first request ([\d.]+) ms/.exec(host.output());
    expect(figures).not.toBeNull();
    process.stderr.write(`lambda cold start: load ${figures![1]} ms + first request ${figures![2]} ms (includes creating the tables on DynamoDB Local)\n`);
  } finally {
    host.stop();
  }
}, 60_000);

/** Starts the bundle's host under the Lambda runtime's Node and waits for its URL. */
async function lambdaHost(env: Record<string, string>): Promise<{ url: string; output: () => string; stop: () => void }> {
  const child = spawn(lambdaNode(), ['test/support/lambda-host.mjs'], {
    env: { ...process.env, NODE_OPTIONS: '', LAMBDA_PAYLOAD: 'v2', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const watched = watchChild(child);
  const url = (await watched.waitFor(/listening (\S+)/))[1] as string;
  return { url, output: watched.output, stop: () => child.kill('SIGKILL') };
}

it('configured as on AWS (no DYNAMODB_ENDPOINT), the bundled SDK finds its endpoint and credentials in the environment', async () => {
  // DynamoDB Local keeps one database per access key: the tables exist only for the key "local",
  // so a request that finds them was signed with the environment's key.
  const names = await freshTables(dynamo.endpoint);
  const awsLike = (accessKeyId: string): Record<string, string> => ({
    STORAGE: 'dynamodb', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session',
    AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    DYNAMODB_ENDPOINT: '', DYNAMODB_CALENDAR: names.calendar, SCHEDULE_TRACKING_TABLE: names.scheduleTracking,
    AUTH_JWKS_URI: idp.jwksUri, AUTH_ISSUER: 'https://photonranch.test.auth0.example/', LOG_LEVEL: 'silent',
  });
  const event = { event_id: 'aws-like-1', site: 'saf', start: '2031-03-01T01:00:00Z', end: '2031-03-01T02:00:00Z' };
  const post = (url: string, path: string, body: unknown, token?: string) => fetch(`${url}${path}`, {
    method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });

  const host = await lambdaHost(awsLike('local'));
  try {
    const created = await post(host.url, '/newevent', event, idp.token({ sub: 'google-oauth2|aws-like' }));
    expect(created.status).toBe(200);
    const listed = await post(host.url, '/siteevents', { site: 'saf', start: '2031-03-01T00:00:00Z', end: '2031-03-02T00:00:00Z' });
    expect(((await listed.json()) as Array<{ event_id: string }>).map((e) => e.event_id)).toEqual(['aws-like-1']);
  } finally {
    host.stop();
  }
  // The event is where the test's own client, with the key "local", finds it.
  const { raw, doc } = createDynamoDbClients({ region: 'us-east-1', endpoint: dynamo.endpoint });
  try {
    expect((await new DynamoDbReservationStore(doc, { tableName: names.calendar }).get('aws-like-1'))?.creator_id).toBe('google-oauth2|aws-like');
  } finally {
    raw.destroy();
  }

  // Control: under another key the same tables are not there, so the environment's key is the one used.
  const other = await lambdaHost(awsLike('another-key'));
  try {
    const listed = await post(other.url, '/siteevents', { site: 'saf', start: '2031-03-01T00:00:00Z', end: '2031-03-02T00:00:00Z' });
    expect(listed.status).toBeGreaterThanOrEqual(500);
  } finally {
    other.stop();
  }
}, 60_000);

it("the bundle's change feed shows anyone each event as it is now, and its cursors are sealed under one secret every instance shares", async () => {
  const names = await freshTables(dynamo.endpoint);
  const env = {
    STORAGE: 'dynamodb', AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: dynamo.endpoint, DYNAMODB_CALENDAR: names.calendar,
    SCHEDULE_TRACKING_TABLE: names.scheduleTracking, AUTH_JWKS_URI: idp.jwksUri, AUTH_ISSUER: 'https://photonranch.test.auth0.example/', LOG_LEVEL: 'silent',
  };
  const post = async (url: string, path: string, body: unknown, sub?: string) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(sub ? { authorization: `Bearer ${idp.token({ sub })}` } : {}) },
    });
    return { status: res.status, text: await res.text() };
  };
  // Two instances of the function: the second has never seen the first's cursors.
  const [one, two] = await Promise.all([lambdaHost(env), lambdaHost(env)]);
  try {
    const alice = 'google-oauth2|alice';
    const kept = { event_id: 'pub-kept', site: 'pub', start: '2031-04-01T01:00:00Z', end: '2031-04-01T02:00:00Z', title: 'kept', reservation_note: 'door code 4711' };
    const gone = { event_id: 'pub-gone', site: 'pub', start: '2031-04-01T03:00:00Z', end: '2031-04-01T04:00:00Z', title: 'gone', reservation_note: 'key under the mat' };
    for (const event of [kept, gone]) expect((await post(one.url, '/newevent', event, alice)).status).toBe(200);
    expect((await post(one.url, '/modifyevent', { originalEvent: { event_id: kept.event_id }, modifiedEvent: { title: 'kept, renamed', reservation_note: '' } }, alice)).status).toBe(200);
    expect((await post(one.url, '/delete', { event_id: gone.event_id }, alice)).status).toBe(200);

    const first = await post(one.url, '/changes', { site: 'pub', limit: 2 });
    expect(first.status).toBe(200);
    const page = JSON.parse(first.text) as { changes: Array<{ event_id: string; action: string; event: { title: string } | null }>; next: string };
    expect(page.changes.map((c) => [c.event_id, c.action, c.event?.title ?? null])).toEqual([['pub-kept', 'created', 'kept, renamed'], ['pub-gone', 'created', null]]);
    expect(page.next).toMatch(/^c2\.[A-Za-z0-9_-]{54}$/);
    const rest = await post(two.url, '/changes', { site: 'pub', since: page.next });
    expect(rest.status).toBe(200);
    expect((JSON.parse(rest.text) as typeof page).changes.map((c) => [c.event_id, c.action, c.event?.title ?? null]))
      .toEqual([['pub-kept', 'modified', 'kept, renamed'], ['pub-gone', 'deleted', null]]);
    for (const removed of ['door code 4711', 'key under the mat', '"kept"', '"gone"']) expect(first.text + rest.text).not.toContain(removed);
    // The readable cursor of before, made up to be handed out in 2286: refused.
    const forged = await post(two.url, '/changes', { site: 'pub', since: 'c1.pub.0.9999999999' });
    expect([forged.status, forged.text]).toEqual([400, expect.stringContaining('Invalid since')]);
  } finally {
    one.stop();
    two.stop();
  }
});
