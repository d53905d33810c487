/**
 * `npm run bench:profile -- --route /siteevents [--events 200000 --duration 8]`
 * Seeds a calendar, runs the server under `--cpu-prof` while autocannon drives one route, and prints
 * the functions with the most self time. The .cpuprofile is kept for Chrome DevTools.
 */
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import jwt from 'jsonwebtoken';
import { exitWithUsage, integerOption, parseCommandLine } from '../src/bootstrap/command-line.js';
import { formatUtcTime } from '../src/domain/time.js';
import { tempDir } from '../test/support/temp-dir.js';
import { seedCalendar, siteName } from './seed.js';

const USAGE = `
Seeds a calendar, runs the server under --cpu-prof while autocannon drives one route, and prints the
functions with the most self time. The .cpuprofile is kept in bench/results/profiles/ for Chrome
DevTools.

Usage: npm run bench:profile -- [options]

  --route <path>       /siteevents, /get-event-at-time, /does-conflicting-event-exist,
                       /user-events-ending-after-time or /newevent (default /siteevents)
  --events <n>         events seeded (default 200000)
  --duration <s>       seconds of load (default 8)
  --connections <n>    concurrent connections (default 10)
  --top <n>            functions listed (default 30)
  -h, --help           this text
`;

const { values: args } = parseCommandLine({
  usage: USAGE,
  options: {
    route: { type: 'string', default: '/siteevents' },
    events: { type: 'string', default: '200000' },
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
    top: { type: 'string', default: '30' },
  },
});
const ROUTES = ['/siteevents', '/get-event-at-time', '/does-conflicting-event-exist', '/user-events-ending-after-time', '/newevent'];
if (!ROUTES.includes(args.route)) exitWithUsage(USAGE, `--route: no load is defined for ${args.route}.`);
const EVENTS = integerOption(USAGE, 'events', args.events);
const DURATION = integerOption(USAGE, 'duration', args.duration);
const CONNECTIONS = integerOption(USAGE, 'connections', args.connections);
const TOP = integerOption(USAGE, 'top', args.top);
const FROM = Date.UTC(2025, 0, 1) / 1000;
const MID = FROM + 365 * 86_400;
const ISSUER = 'photonranch-bench';
const site = siteName(5);

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

function bodyFor(route: string, n: number): string {
  const mid = formatUtcTime(MID);
  switch (route) {
    case '/siteevents': return JSON.stringify({ site, start: mid, end: formatUtcTime(MID + 7 * 86_400) });
    case '/get-event-at-time': return JSON.stringify({ site, time: mid });
    case '/does-conflicting-event-exist': return JSON.stringify({ user_id: 'google-oauth2|user7', site, time: mid });
    case '/user-events-ending-after-time': return JSON.stringify({ user_id: 'google-oauth2|user7', time: formatUtcTime(FROM + 700 * 86_400) });
    case '/newevent': {
      const start = FROM + 800 * 86_400 + n * 3600;
      return JSON.stringify({ event_id: `profile-${n}`, site: 'new1', start: formatUtcTime(start), end: formatUtcTime(start + 1800) });
    }
    default: throw new Error(`no request body for ${route}`);
  }
}

async function main(): Promise<void> {
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  const dir = tempDir('calendar-profile-');
  const dbPath = join(dir.path, 'profile.db');
  seedCalendar(dbPath, { events: EVENTS, from: FROM });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const profileDir = resolve('bench/results/profiles');
  mkdirSync(profileDir, { recursive: true });
  const before = new Set(readdirSync(profileDir));
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, 'dist/bootstrap/main.js'], {
    env: {
      ...process.env, NODE_OPTIONS: '', PORT: '0', SQLITE_PATH: dbPath, AUTH_ISSUER: ISSUER, IMPORT_ENABLED: 'false',
      AUTH_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }) as string, LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: '0', // as in npm run bench, which runs the shipped defaults otherwise
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const url = await new Promise<string>((ok) => child.stdout!.on('data', (c: Buffer) => {
    if (output.length < 10_000) output += c.toString();
    const m = /"url":"(http:\/\/[\d.:]+)"/.exec(output);
    if (m) ok(m[1] as string);
  }));
  const token = jwt.sign({ 'https://photonranch.org/user_metadata': { roles: [] } }, privateKey, {
    algorithm: 'RS256', subject: 'google-oauth2|profiler', audience: 'master', issuer: ISSUER, expiresIn: 3600,
  });
  let n = 0;
  const result = await autocannon({
    url: `${url}${args.route}`, method: 'POST', connections: CONNECTIONS, duration: DURATION,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [{ setupRequest: (req) => ({ ...req, body: bodyFor(args.route!, (n += 1)) }) }],
  });
  console.log(`${args.route}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}`);
  child.kill('SIGTERM');
  await new Promise((ok) => child.once('exit', ok));
  dir.remove();

  const file = readdirSync(profileDir).find((f) => !before.has(f) && f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the server wrote no profile');
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as Profile;
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url: source, lineNumber } = node.callFrame;
    const where = source ? `${source.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + (self.get(node.id) ?? 0));
  }
  console.log(`profile: ${join(profileDir, file)}\nself time, top ${args.top}:`);
  for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
