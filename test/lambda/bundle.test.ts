/** The Lambda bundle as deployed: ES modules with no native addon, and what a cold start costs. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { lambdaNode, lambdaNodeVersion } from '../support/lambda-node.js';

const BUNDLE_DIR = 'dist/lambda';
const BUNDLE = join(BUNDLE_DIR, 'index.mjs');
let dynamo: DynamoDbLocal;
let idp: IdentityProvider;
beforeAll(async () => {
  [dynamo, idp] = await Promise.all([startDynamoDbLocal(), new IdentityProvider().start()]);
}, 60_000);
afterAll(async () => {
  await dynamo.stop();
  await idp.stop();
});

function bundleFiles(dir = BUNDLE_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? bundleFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

it('is minified ES modules (an entry exporting http, and its chunks) with the DynamoDB client inside, SSM left to the runtime and no SQLite addon', async () => {
  const files = bundleFiles();
  const size = files.reduce((sum, file) => sum + statSync(file).size, 0);
  process.stderr.write(`lambda bundle: ${(size / 1024).toFixed(0)} KiB in ${files.length} files\n`);
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
  const child = spawn(lambdaNode(), ['test/support/lambda-host.mjs'], {
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
    // The host ran on the Lambda runtime's Node, not on the one running jest.
    expect(/listening \S+ \(node (v[\d.]+)\)/.exec(output)?.[1]).toBe(`v${lambdaNodeVersion}`);
    await new Promise((r) => setTimeout(r, 50));
    const figures = /cold-start load ([\d.]+) ms, first request ([\d.]+) ms/.exec(output);
    expect(figures).not.toBeNull();
    process.stderr.write(`lambda cold start: load ${figures![1]} ms + first request ${figures![2]} ms (includes creating the tables on DynamoDB Local)\n`);
  } finally {
    child.kill('SIGKILL');
  }
}, 60_000);
