import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { killSpawnedServers, spawnServer } from '../support/child-server.js';
import { aNewEventBody } from '../support/builders.js';
import { tempDir } from '../support/temp-dir.js';

afterEach(killSpawnedServers);

const run = promisify(execFile);

it('with no AUTH_* set, the server makes its own key, warns, and accepts `npm run token` tokens', async () => {
  const dir = tempDir('local-mode-');
  const env = { SQLITE_PATH: join(dir.path, 'data', 'calendar.db') };
  try {
    const server = await spawnServer(env);
    const token = async (...args: string[]): Promise<string> =>
      (await run(process.execPath, ['--import', 'tsx', 'src/bootstrap/token.ts', ...args], { env: { ...process.env, NODE_OPTIONS: '', ...env } })).stdout.trim();
    const [alice, admin] = [await token('--sub', 'alice', '--name', 'Alice'), await token('--sub', 'root', '--admin')];
    expect(server.output()).toContain('LOCAL AUTH MODE');

    const post = (path: string, body: unknown, auth?: string) =>
      fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: auth ? { authorization: `Bearer ${auth}` } : {} });
    const created = await post('/newevent', aNewEventBody({ event_id: 'local-1', creator: undefined, title: undefined }), alice);
    expect(created.status).toBe(200);
    expect(((await created.json()) as { new_calendar_event: { creator: string; creator_id: string } }).new_calendar_event).toMatchObject({ creator: 'Alice', creator_id: 'alice' });
    expect((await post('/newevent', aNewEventBody(), 'garbage')).status).toBe(401);
    expect((await post('/delete', { event_id: 'local-1' }, admin)).status).toBe(200);
    // The reference tells a local user how to get a token for its "Authorize".
    expect(await (await fetch(`${server.url}/docs`)).text()).toContain('npm run token -- --sub &lt;you&gt;');
    const described = (await (await fetch(`${server.url}/openapi.json`)).json()) as { components: { securitySchemes: { bearer: { description: string } } } };
    expect(described.components.securitySchemes.bearer.description).toContain('local auth mode');

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  } finally {
    dir.remove();
  }
}, 60_000);

it('NODE_ENV=production refuses to start in local mode, naming what is missing', async () => {
  const dir = tempDir('local-prod-');
  try {
    const attempt = run(process.execPath, ['--import', 'tsx', 'src/bootstrap/main.ts'], {
      env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'production', SQLITE_PATH: join(dir.path, 'c.db'), PORT: '0' },
    });
    await expect(attempt).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('AUTH_JWKS_URI or AUTH_PUBLIC_KEY') });
  } finally {
    dir.remove();
  }
}, 30_000);
