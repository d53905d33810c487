/**
 * What every benchmark section shares: the settings of the run, a temporary folder, server processes
 * killed when the run ends, the load generator, and tokens for the calendar's signed-in routes.
 */
import autocannon from 'autocannon';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { closeSync, openSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { tempDir } from '../test/support/temp-dir.js';

export interface BenchSettings {
  /** Events seeded into the main calendar. */
  readonly events: number;
  /** Seconds each measured load lasts. */
  readonly duration: number;
  readonly connections: number;
  readonly rounds: number;
  readonly importObservations: number;
  readonly skipDynamoDb: boolean;
  /** Requests a second offered to a server while its CPU time per request is measured. */
  readonly rate: number;
  /** A git revision whose server the HTTP section also measures, beside this one's (--baseline). */
  readonly baseline?: string;
}

/** The seeded calendar's first day, and the middle of its two years, as epoch seconds. */
export const FROM = Date.UTC(2025, 0, 1) / 1000;
export const MID = FROM + 365 * 86_400;
export const ISSUER = 'photonranch-bench';

export interface Measured {
  rps: number; p50: number; p99: number; non2xx: number; errors: number; statuses: Record<string, number>;
  /** The server's CPU time (from /proc) per request during the measured load, in µs, when it is a server of this run. */
  serverCpuUs?: number;
}
export type LoadOptions = Partial<autocannon.Options> & { path?: string };

export interface Harness {
  readonly settings: BenchSettings;
  /** The run's temporary folder, removed at exit. */
  readonly dir: string;
  readonly publicPem: string;
  log(line: string): void;
  spawnListening(args: string[], env?: Record<string, string>, logFile?: string, node?: string): Promise<{ url: string; child: ChildProcess }>;
  /**
   * The calendar server on a SQLite file, signed in with the run's key; returns its URL. `root` is
   * the checkout whose build runs (this one by default; see buildRevision).
   */
  startCalendar(dbPath: string, env?: Record<string, string>, root?: string): Promise<string>;
  /**
   * Another revision of the calendar, checked out beside this one (a git worktree sharing this
   * node_modules) and built, once a run; returns its folder, for startCalendar. Removed when the
   * run ends.
   */
  buildRevision(revision: string): string;
  load(url: string, options: LoadOptions): Promise<Measured>;
  /**
   * The server's CPU time (user and system, from /proc) per request, in µs, while it is offered
   * `rate` requests a second: what a request costs the server, whatever the load generator beside it
   * takes of the machine (at saturation the two share the cores, and the figure is theirs together).
   */
  cpuPerRequest(url: string, options: LoadOptions, rate: number): Promise<number>;
  tokenFor(sub: string): string;
}

/** The kernel's clock ticks a second, the unit of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** A process's CPU time so far (user + system), in µs: fields 14 and 15 of /proc/<pid>/stat. */
function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After "pid (name) " the fields start at the 3rd (the name may hold spaces); utime is the 14th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
}

/** A JSON POST, as autocannon and fetch take it. */
export const json = (body: unknown) => ({ method: 'POST' as const, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

export function createHarness(settings: BenchSettings, keys: { publicPem: string; privateKey: KeyObject }): Harness {
  const dir = tempDir('calendar-bench-');
  const children: ChildProcess[] = [];
  /** Each server's process, by the URL it listens on. */
  const processes = new Map<string, ChildProcess>();
  const worktrees: string[] = [];
  /** Each revision built, by the name it was asked by: the HTTP and writes sections share one. */
  const built = new Map<string, string>();
  process.on('exit', () => {
    for (const c of children) c.kill('SIGKILL');
    for (const tree of worktrees) execFileSync('git', ['worktree', 'remove', '--force', tree], { stdio: 'ignore' });
    dir.remove();
  });
  const log = (line: string): void => void process.stderr.write(`${line}\n`);

  /**
   * Starts a server process and waits for the URL it prints. With logFile, its standard output (the
   * access log) goes to that file, as it would go to a file or journald in production; read through a
   * pipe, it would cost the load generator, which shares the machine, a wake-up per request.
   */
  const spawnListening: Harness['spawnListening'] = async (args, env = {}, logFile, node = process.execPath) => {
    const logFd = logFile === undefined ? undefined : openSync(logFile, 'w');
    const child = spawn(node, args, { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', logFd ?? 'pipe', 'pipe'] });
    if (logFd !== undefined) closeSync(logFd);
    children.push(child);
    let output = '';
    let poll: NodeJS.Timeout | undefined;
    const url = await new Promise<string>((resolve, reject) => {
      const find = (text: string): void => {
        const m = /(?:listening |"url":")(http:\/\/[\d.:]+)/.exec(text);
        if (m) resolve(m[1] as string);
      };
      const onData = (chunk: Buffer): void => {
        if (output.length < 100_000) output += chunk.toString();
        find(output);
      };
      child.stdout?.on('data', onData); // keep draining: a full pipe would block the server
      child.stderr?.on('data', onData);
      if (logFile !== undefined) poll = setInterval(() => find(readFileSync(logFile, 'utf8').slice(0, 100_000)), 20);
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}${logFile ? readFileSync(logFile, 'utf8').slice(0, 10_000) : ''}`)));
    }).finally(() => clearInterval(poll));
    processes.set(url, child);
    return { url, child };
  };

  return {
    settings,
    dir: dir.path,
    publicPem: keys.publicPem,
    log,
    spawnListening,
    // The shipped defaults (SQLITE_SYNCHRONOUS=FULL among them); a section that measures another
    // setting passes it in `env` and labels its row.
    startCalendar: async (dbPath, env = {}, root = '.') => {
      const { url } = await spawnListening(['--enable-source-maps', join(root, 'dist/bootstrap/main.js')], {
        PORT: '0', SQLITE_PATH: dbPath, AUTH_PUBLIC_KEY: keys.publicPem, AUTH_ISSUER: ISSUER, IMPORT_ENABLED: 'false', LOG_LEVEL: 'info',
        RATE_LIMIT_PER_MINUTE: '0', // the benchmark measures the routes, not the per-client limit
        ...env,
      }, join(dir.path, `calendar-${children.length}.log`));
      return url;
    },
    buildRevision: (revision) => {
      const known = built.get(revision);
      if (known !== undefined) return known;
      const tree = join(dir.path, `revision-${worktrees.length}`);
      execFileSync('git', ['worktree', 'add', '--detach', tree, revision], { stdio: 'ignore' });
      worktrees.push(tree);
      symlinkSync(join(process.cwd(), 'node_modules'), join(tree, 'node_modules'));
      execFileSync(process.execPath, [join(process.cwd(), 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: tree, stdio: 'inherit' });
      log(`built ${revision} in ${tree}`);
      built.set(revision, tree);
      return tree;
    },
    /** One second of the same load first (JIT warm-up, page cache), then the measured run. */
    load: async (url, options) => {
      const load = { url: `${url}${options.path ?? '/'}`, connections: settings.connections, ...options } as autocannon.Options;
      await autocannon({ ...load, duration: 1 });
      const pid = processes.get(url)?.pid;
      const before = pid === undefined ? 0 : cpuMicros(pid);
      const result = await autocannon({ ...load, duration: settings.duration });
      const statuses = Object.fromEntries(Object.entries(result.statusCodeStats as unknown as Record<string, { count: number }>).map(([code, s]) => [code, s.count]));
      return {
        rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors, statuses,
        ...(pid === undefined || result.requests.total === 0 ? {} : { serverCpuUs: Math.round((cpuMicros(pid) - before) / result.requests.total) }),
      };
    },
    cpuPerRequest: async (url, options, rate) => {
      const pid = processes.get(url)?.pid;
      if (pid === undefined) throw new Error(`no server process of this run listens on ${url}`);
      const load = { url: `${url}${options.path ?? '/'}`, connections: settings.connections, ...options, overallRate: rate, duration: settings.duration } as autocannon.Options;
      const before = cpuMicros(pid);
      const result = await autocannon(load);
      const after = cpuMicros(pid);
      return result.requests.total > 0 ? Math.round((after - before) / result.requests.total) : 0;
    },
    tokenFor: (sub) => jwt.sign({ name: sub, 'https://photonranch.org/user_metadata': { roles: [] } }, keys.privateKey, {
      algorithm: 'RS256', subject: sub, audience: 'master', issuer: ISSUER, expiresIn: 3600, keyid: 'bench',
    }),
  };
}

/** Milliseconds one run of an async step takes. */
export const timed = async (run: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await run();
  return performance.now() - started;
};

/** The middle value (the upper one of an even count). */
export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
