import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Busy-loop child processes, to run a test on a loaded machine: each keeps one core busy until
 * stopped. Stopping kills exactly the children it started.
 */
export function startCpuHog(processes: number): { stop: () => Promise<void> } {
  const children: ChildProcess[] = Array.from({ length: processes }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { env: { ...process.env, NODE_OPTIONS: '' }, stdio: 'ignore' }));
  return {
    stop: async () => {
      await Promise.all(children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }));
    },
  };
}
