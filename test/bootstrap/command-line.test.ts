/**
 * Every npm command explains itself, as a newcomer runs it: `--help` prints the usage and exits 0, a
 * wrong option prints the reason and the usage and exits 2, and no answer is a stack trace.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../support/temp-dir.js';

const dir = tempDir('command-line-');
afterAll(() => dir.remove());

function npmRun(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
    env: { ...process.env, NODE_OPTIONS: '', SQLITE_PATH: join(dir.path, 'calendar.db'), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

const STACK_FRAME = /^\s+at /m;
const COMMANDS = [
  ['token', 'Usage: npm run --silent token -- --sub'],
  ['import', 'Usage: npm run import -- [<subsite>]'],
  ['migrate', 'Usage: npm run migrate -- [--storage dynamodb|sqlite]'],
  ['bench', 'Usage: npm run bench -- [options]'],
  ['bench:profile', 'Usage: npm run bench:profile -- [options]'],
  ['openapi', 'Usage: npm run --silent openapi -- [--out <file>]'],
  ['docs:config', 'Usage: npm run --silent docs:config -- [--write]'],
] as const;

describe.each(COMMANDS)('npm run %s', (script, synopsis) => {
  it('--help prints the usage and exits 0', async () => {
    const { code, stdout, stderr } = await npmRun(script, ['--help']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(synopsis);
    expect(stdout).toMatch(/-h, --help\s+this text/);
  }, 30_000);

  it('an unknown option prints the reason and the usage, exits 2, and shows no stack trace', async () => {
    const { code, stdout, stderr } = await npmRun(script, ['--frobnicate']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Unknown option '--frobnicate'/);
    expect(stderr).toContain(synopsis);
    expect(stderr).not.toMatch(STACK_FRAME);
  }, 30_000);
});

it('a bad value is a usage error too (exit 2), before any work starts', async () => {
  const bench = await npmRun('bench', ['--events', 'many']);
  expect(bench.code).toBe(2);
  expect(bench.stderr).toMatch(/^--events must be a whole number of at least 1, not many\./);
  const token = await npmRun('token', ['--name', 'Alice']);
  expect(token.code).toBe(2);
  expect(token.stderr).toMatch(/^Missing --sub/);
  const migrate = await npmRun('migrate', ['--storage', 'memory']);
  expect(migrate.code).toBe(2);
  expect(migrate.stderr).toMatch(/^--storage must be dynamodb or sqlite, not memory\./);
}, 60_000);

describe('npm run import', () => {
  it('names the known subsites on a typo, without the server\'s local-auth warning', async () => {
    const { code, stdout, stderr } = await npmRun('import', ['mrc9']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe('No LCO-scheduled PTR site is called mrc9. The known ones are mrc1, mrc2, aro1, eco1, eco2.');
  }, 30_000);

  it('names the variable to set for a missing site-proxy secret', async () => {
    const { code, stdout, stderr } = await npmRun('import', ['mrc1']);
    expect(code).toBe(0);
    expect(stderr).not.toContain('LOCAL AUTH MODE');
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({
      subsite: 'mrc1', status: 'not_configured', reason: 'no site-proxy secret is configured for mrc (set SITE_PROXY_SECRET_MRC)',
    })]);
  }, 30_000);
});
