import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { killSpawnedServers, spawnServer } from '../support/child-server.js';
import { tempDir } from '../support/temp-dir.js';

afterEach(killSpawnedServers);

it('SIGTERM finishes the request in flight, then closes the database and exits 0', async () => {
  const dir = tempDir('shutdown-');
  try {
    const sqlitePath = join(dir.path, 'calendar.db');
    const server = await spawnServer({ SQLITE_PATH: sqlitePath });
    const { hostname, port } = new URL(server.url);
    const body = JSON.stringify({ site: 'saf', time: '2030-01-01T00:00:00Z' });

    // Send the headers and half the body, signal the server, then send the rest.
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(`POST /get-event-at-time HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(`${sqlitePath}-wal`)).toBe(true);
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    socket.end(body.slice(10));
    await closed;

    expect(response).toMatch(/^HTTP\/1.1 200 OK/);
    expect(response.endsWith('[]')).toBe(true);
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('calendar API stopped');
    // The last connection closed cleanly: SQLite checkpointed and removed the WAL file.
    expect(existsSync(`${sqlitePath}-wal`)).toBe(false);
  } finally {
    dir.remove();
  }
}, 60_000);

// What an operator does: start it as the README says and signal the process `npm start` created.
// npm forwards SIGTERM to its child only; the start script execs node, so that child is the server.
it('SIGTERM to the npm start process stops the server: the port is free and the database closed', async () => {
  const dir = tempDir('npm-start-');
  const sqlitePath = join(dir.path, 'calendar.db');
  const npm = spawn('npm', ['start'], {
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', SQLITE_PATH: sqlitePath, IMPORT_ENABLED: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<URL>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /"url":"(http:\/\/[^"]+)".*calendar API listening/.exec(output);
        if (match) {
          clearInterval(timer);
          resolve(new URL(match[1]!));
        }
      }, 100);
      void exited.then(() => reject(new Error(`npm start exited:\n${output}`)));
    });
    expect((await fetch(new URL('/healthz', url))).status).toBe(200);
    expect(existsSync(`${sqlitePath}-wal`)).toBe(true);

    npm.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('calendar API stopped');
    expect(existsSync(`${sqlitePath}-wal`)).toBe(false);
    // Nothing listens on the port any more: it can be taken again at once.
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(Number(url.port), '127.0.0.1', resolve);
    });
    await new Promise((resolve) => again.close(resolve));
  } finally {
    if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
    dir.remove();
  }
}, 120_000);
