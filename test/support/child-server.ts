import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { watchChild } from './child-output.js';
import { tempDir } from './temp-dir.js';

export interface ChildServer {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** `src/bootstrap/main.ts` in its own process (as `npm start` runs it), once it logs that it listens. */
export async function spawnServer(env: Record<string, string>): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bootstrap/main.ts'], {
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const watched = watchChild(child);
  const started = watched.waitFor(/"url":"(http:\/\/[^"]+)".*calendar API listening/);
  let timer: NodeJS.Timeout | undefined;
  const url = await Promise.race([
    started.then((match) => match[1] as string),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`server did not start within 20 s:\n${watched.output()}`)), 20_000);
    }),
  ]).finally(() => clearTimeout(timer)).catch((error: unknown) => {
    child.kill('SIGKILL'); // a child that never got ready must not outlive the test
    throw error;
  });
  const server = { child, url, output: watched.output, exited: watched.exited };
  spawned.add(server);
  return server;
}

const spawned = new Set<ChildServer>();

/** Kills every server spawned by this test file that is still running; use in afterEach. */
export async function killSpawnedServers(): Promise<void> {
  for (const server of spawned) {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    await server.exited;
  }
  spawned.clear();
}

/**
 * Runs `body` with the environment of server processes sharing one fresh SQLite file; after it,
 * kills the servers spawned and removes the file.
 */
export async function onSqliteFile<T>(prefix: string, body: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const dir = tempDir(prefix);
  try {
    return await body({ SQLITE_PATH: join(dir.path, 'c.db') });
  } finally {
    await killSpawnedServers();
    dir.remove();
  }
}
