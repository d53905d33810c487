/** `npm run dynamodb-local`, as the README tells a user to run it: it serves, and SIGTERM ends it. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClients } from '../../src/adapters/dynamodb/client.js';
import { killGroups, spawnGroup, watchChild } from '../support/child-output.js';
import { freePort } from '../support/free-port.js';

afterEach(killGroups);

it('serves DynamoDB on the port it names, and stops on SIGTERM to npm', async () => {
  const port = await freePort();
  const npm = spawnGroup('npm', ['run', 'dynamodb-local', '--', '--port', String(port), '--in-memory'], {
    env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, exited, waitFor } = watchChild(npm);
  try {
    await waitFor(new RegExp(`DynamoDB Local on http://127\\.0\\.0\\.1:${port}`));
    expect(output()).toContain(`STORAGE=dynamodb DYNAMODB_ENDPOINT=http://127.0.0.1:${port} npm start`);
    const { raw } = createDynamoDbClients({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}` });
    try {
      expect((await raw.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    } finally {
      raw.destroy();
    }
    npm.kill('SIGTERM');
    expect(await exited).toBe(0);
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => again.close(resolve));
  } finally {
    killGroups();
  }
}, 90_000);

it('--help prints the usage and exits 0; a wrong option exits 2', async () => {
  const run = (args: string[]) => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'dynamodb-local', '--', ...args], { env: { ...process.env, NODE_OPTIONS: '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => resolve({ code, out, err }));
  });
  const help = await run(['--help']);
  expect(help.code).toBe(0);
  expect(help.out).toContain('Usage: npm run dynamodb-local -- [--port <n>] [--in-memory]');
  const wrong = await run(['--port', 'eighty']);
  expect(wrong.code).toBe(2);
  expect(wrong.err).toMatch(/^--port must be a port number, not eighty\./);
}, 30_000);
