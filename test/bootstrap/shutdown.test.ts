import { existsSync } from 'node:fs';
import { connect } from 'node:net';
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
