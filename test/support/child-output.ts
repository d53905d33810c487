import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface WatchedChild {
  /** Everything the child has written so far, stdout and stderr interleaved. */
  readonly output: () => string;
  /** The child's exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** Resolves with the first match of pattern in the output; rejects if the child exits first. */
  readonly waitFor: (pattern: RegExp) => Promise<RegExpExecArray>;
}

/**
 * Collects a spawned child's output and waits on it by event, never by a polling timer: a timer left
 * running after the child died keeps jest's process alive, and the whole run then hangs instead of
 * reporting the failure.
 */
export function watchChild(child: ChildProcess): WatchedChild {
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const check of waiters) check();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(output);
        if (match) {
          waiters.delete(check);
          resolve(match);
        }
      };
      waiters.add(check);
      check();
      void exited.then((code) => {
        if (!waiters.delete(check)) return;
        reject(new Error(`the process exited (${code ?? child.signalCode}) before printing ${pattern}:\n${output}`));
      });
    });
  return { output: () => output, exited, waitFor };
}

const groups = new Set<ChildProcess>();

/**
 * Spawns a command as the leader of its own process group, for commands that start others (npm runs
 * a script that runs node, bash puts a server in the background). killGroups() in an afterEach then
 * ends all of them, also after a test timed out: a timed-out test never reaches its own finally, and
 * a server left behind keeps jest from exiting.
 */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  groups.add(child);
  return child;
}

/** SIGKILLs every group spawnGroup started in this test file, and forgets them. */
export function killGroups(): void {
  for (const child of groups) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // ESRCH: every process of the group has already exited.
    }
  }
  groups.clear();
}
