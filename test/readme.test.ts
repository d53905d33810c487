/**
 * The README's walk-through, as a newcomer pastes it: the whole block run by bash in this checkout
 * (npm start builds and serves; the block waits for /readyz, makes tokens, runs the curls and stops
 * the server), its output compared line by line with the answers the README documents. Only the port,
 * the log file and the data folder differ, so a server on port 3000 or an existing ./data/ is not
 * touched. Every test that runs `npm start` is in this file: it builds dist/ first, and two builds
 * writing dist/ at once (test files run in parallel) could hand a server a half-written file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { killGroups, spawnGroup, watchChild } from './support/child-output.js';
import { freePort } from './support/free-port.js';
import { tempDir } from './support/temp-dir.js';

const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('## Try it with curl'));
afterEach(killGroups);

const fenced = (language: string): string => {
  const start = section.indexOf(`\`\`\`${language}\n`) + language.length + 4;
  return section.slice(start, section.indexOf('\n```', start));
};

/** Runs the README's block in bash in dir, as a user pastes it; resolves when bash exits. */
async function walkThrough(dir: string, sqlitePath: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const port = await freePort();
  // `wait` after the block: bash returns once the server it started has stopped.
  const script = `${fenced('sh').replaceAll('localhost:3000', `localhost:${port}`).replaceAll('/tmp/calendar.log', join(dir, 'server.log'))}\nwait\n`;
  expect(script).toContain('npm start');
  const bash = spawnGroup('bash', ['-c', script], {
    env: { ...process.env, NODE_OPTIONS: '', PORT: String(port), SQLITE_PATH: sqlitePath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  bash.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  bash.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => bash.once('exit', resolve));
  return { code, stdout, stderr };
}

it('the walk-through, pasted as one block, prints every documented answer, one per line', async () => {
  const dir = tempDir('readme-');
  try {
    const { code, stdout, stderr } = await walkThrough(dir.path, join(dir.path, 'data', 'calendar.db'));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });

    const documented = fenced('text').split('\n');
    const printed = stdout.trimEnd().split('\n');
    expect(printed).toHaveLength(documented.length);
    documented.forEach((line, i) => {
      const pattern = line.split('<now>').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ');
      expect(printed[i]).toMatch(new RegExp(`^${pattern}$`));
    });
    expect(readFileSync(join(dir.path, 'server.log'), 'utf8')).toContain('calendar API stopped');
  } finally {
    dir.remove();
  }
}, 180_000);

it('the walk-through does not wait forever for a server that could not start: it shows why, and ends', async () => {
  const dir = tempDir('readme-broken-');
  try {
    writeFileSync(join(dir.path, 'not-a-folder'), '');
    const { stdout } = await walkThrough(dir.path, join(dir.path, 'not-a-folder', 'calendar.db'));
    expect(stdout).toContain('set SQLITE_PATH');
  } finally {
    dir.remove();
  }
}, 180_000);

// What an operator does: start it as the README says and signal the process `npm start` created.
// npm forwards SIGTERM to its child only; the start script execs node, so that child is the server.
it('SIGTERM to the npm start process stops the server: the port is free and the database closed', async () => {
  const dir = tempDir('npm-start-');
  const sqlitePath = join(dir.path, 'calendar.db');
  const npm = spawnGroup('npm', ['start'], {
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', SQLITE_PATH: sqlitePath, IMPORT_ENABLED: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output: printed, exited, waitFor } = watchChild(npm);
  try {
    const url = new URL((await waitFor(/"url":"(http:\/\/[^"]+)".*calendar API listening/))[1]!);
    expect((await fetch(new URL('/healthz', url))).status).toBe(200);
    expect(existsSync(`${sqlitePath}-wal`)).toBe(true);

    npm.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(printed()).toContain('calendar API stopped');
    expect(existsSync(`${sqlitePath}-wal`)).toBe(false);
    // Nothing listens on the port any more: it can be taken again at once.
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(Number(url.port), '127.0.0.1', resolve);
    });
    await new Promise((resolve) => again.close(resolve));
  } finally {
    dir.remove();
  }
}, 120_000);
