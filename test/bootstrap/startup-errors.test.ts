/**
 * The server, started as `npm start` starts it, refuses to start with one line that names the fix
 * when what it needs is missing: a free port, a writable database folder, a DynamoDB that answers
 * and accepts the credentials. No "listening" first, and no stack trace.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../support/temp-dir.js';

const dir = tempDir('startup-');
afterAll(() => dir.remove());

/** main.ts in its own process until it exits; stdout holds the log, stderr the failure. */
function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bootstrap/main.ts'], {
    env: { ...base, NODE_OPTIONS: '', PORT: '0', IMPORT_ENABLED: 'false', SQLITE_PATH: join(dir.path, 'calendar.db'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => child.once('exit', (code) => {
    clearTimeout(timer);
    resolve({ code, stdout, stderr });
  }));
}

async function listening(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const portOf = (server: Server): number => (server.address() as { port: number }).port;

/** The failure line: the last on stderr (Node may print its own warnings above it). */
function failure(result: { code: number | null; stdout: string; stderr: string }): string {
  expect(result.code).toBe(1);
  expect(result.stdout).not.toContain('calendar API listening');
  expect(result.stderr).not.toMatch(/^\s+at /m);
  const line = result.stderr.trim().split('\n').at(-1) ?? '';
  expect(line).toMatch(/^calendar API failed to start: /);
  return line;
}

it('a port in use names PORT', async () => {
  const taken = await listening();
  try {
    const line = failure(await start({ PORT: String(portOf(taken)), HOST: '127.0.0.1' }));
    expect(line).toContain(`Port ${portOf(taken)} is already in use on 127.0.0.1`);
    expect(line).toContain('set PORT to another port');
  } finally {
    await new Promise((resolve) => taken.close(resolve));
  }
}, 40_000);

it('a database folder that cannot be made names SQLITE_PATH', async () => {
  const file = join(dir.path, 'a-file');
  writeFileSync(file, 'not a folder');
  const line = failure(await start({ SQLITE_PATH: join(file, 'calendar.db') }));
  expect(line).toContain(`The database ${join(file, 'calendar.db')} cannot be created or opened (EEXIST)`);
  expect(line).toContain('set SQLITE_PATH');
}, 40_000);

it('an unreachable DynamoDB endpoint names DYNAMODB_ENDPOINT', async () => {
  const closed = await listening();
  const port = portOf(closed);
  await new Promise((resolve) => closed.close(resolve));
  const endpoint = `http://127.0.0.1:${port}`;
  const line = failure(await start({ STORAGE: 'dynamodb', DYNAMODB_ENDPOINT: endpoint, AWS_REGION: 'us-east-1' }));
  expect(line).toContain(`DynamoDB at DYNAMODB_ENDPOINT=${endpoint} does not answer (ECONNREFUSED)`);
  expect(line).toContain('npm run dynamodb-local');
}, 40_000);

it('STORAGE=dynamodb with no credentials names the variables, instead of serving 500s', async () => {
  const home = join(dir.path, 'home');
  const line = failure(await start({
    STORAGE: 'dynamodb', AWS_REGION: 'us-east-1', HOME: home,
    // No credentials anywhere: no profile files, and no instance metadata service (off the machine).
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'), AWS_CONFIG_FILE: join(home, 'none'), AWS_EC2_METADATA_DISABLED: 'true',
  }));
  expect(line).toContain('STORAGE=dynamodb found no AWS credentials');
  expect(line).toMatch(/AWS_PROFILE.*AWS_ACCESS_KEY_ID.*DYNAMODB_ENDPOINT/);
}, 40_000);
