/** The Lambda bundle as deployed: one ES module, no native addon, and what a cold start costs. */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { IdentityProvider } from '../support/identity-provider.js';

const BUNDLE = 'dist/lambda/index.mjs';
let dynamo: DynamoDbLocal;
let idp: IdentityProvider;
beforeAll(async () => {
  [dynamo, idp] = await Promise.all([startDynamoDbLocal(), new IdentityProvider().start()]);
}, 60_000);
afterAll(async () => {
  await dynamo.stop();
  await idp.stop();
});

it('is one minified ES module exporting http, with the AWS SDK left to the runtime and no SQLite addon', async () => {
  const code = readFileSync(BUNDLE, 'utf8');
  const size = statSync(BUNDLE).size;
  process.stderr.write(`lambda bundle: ${(size / 1024).toFixed(0)} KiB\n`);
  expect(code).not.toMatch(/from\s*["']better-sqlite3["']/);
  expect(code).not.toContain('better_sqlite3.node');
  expect(code).toMatch(/from\s*["']@aws-sdk\/lib-dynamodb["']/);
  const imports = [...code.matchAll(/(?:^|[;}])\s*import\s*(?:[\w$*{},\s]+from\s*)?["']([^"']+)["']/g)].map((m) => m[1] as string);
  const outside = imports.filter((name) => !name.startsWith('@aws-sdk/') && !builtinModules.includes(name.replace(/^node:/, '')));
  expect(imports.length).toBeGreaterThan(0);
  expect(outside).toEqual([]);
  const module = (await import(`${process.cwd()}/${BUNDLE}`)) as { http: unknown };
  expect(typeof module.http).toBe('function');
});

it('a fresh process loads the bundle and answers its first request (cold start), creating missing tables', async () => {
  const child = spawn(process.execPath, ['test/support/lambda-host.mjs'], {
    env: {
      ...process.env, NODE_OPTIONS: '', LAMBDA_PAYLOAD: 'v2', STORAGE: 'dynamodb', AWS_REGION: 'us-east-1',
      DYNAMODB_ENDPOINT: dynamo.endpoint, DYNAMODB_CALENDAR: `cold-${process.pid}`, SCHEDULE_TRACKING_TABLE: `cold-t-${process.pid}`,
      AUTH_JWKS_URI: idp.jwksUri, AUTH_ISSUER: 'https://photonranch.test.auth0.example/', LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /listening (\S+)/.exec(output);
        if (m) {
          clearInterval(timer);
          resolve(m[1] as string);
        }
      }, 20);
      child.once('exit', () => reject(new Error(output)));
    });
    const res = await fetch(`${url}/siteevents`, { method: 'POST', body: JSON.stringify({ site: 'saf', start: '2030-01-01T00:00:00Z', end: '2030-01-02T00:00:00Z' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
    await new Promise((r) => setTimeout(r, 50));
    const figures = /cold-start load ([\d.]+) ms, first request ([\d.]+) ms/.exec(output);
    expect(figures).not.toBeNull();
    process.stderr.write(`lambda cold start: load ${figures![1]} ms + first request ${figures![2]} ms (includes creating the tables on DynamoDB Local)\n`);
  } finally {
    child.kill('SIGKILL');
  }
}, 60_000);
