/**
 * `npm run bench [-- --events 200000 --duration 5 --connections 10 --skip-scaling --skip-dynamodb]`
 * Measures, side by side in one run: HTTP routes against node:http and Koa ceilings, scaling with the
 * calendar's size, store-level rates, the Lambda bundle, and the LCO import. Prints a table and
 * writes bench/results/latest.json.
 */
import autocannon from 'autocannon';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
// @ts-expect-error plain JavaScript helper shared with the tests
import { ensureLambdaNode, LAMBDA_NODE_VERSION } from '../scripts/lambda-node.mjs';
import { openSqliteDatabase } from '../src/adapters/sqlite/database.js';
import { SqliteReservationStore } from '../src/adapters/sqlite/sqlite-reservation-store.js';
import { createDynamoDbClients } from '../src/adapters/dynamodb/client.js';
import { DynamoDbReservationStore } from '../src/adapters/dynamodb/dynamodb-reservation-store.js';
import type { ReservationStore } from '../src/application/ports/reservation-store.port.js';
import { formatUtcTime } from '../src/domain/time.js';
import { freshTables, startDynamoDbLocal } from '../test/support/dynamodb-local.js';
import { anObservation } from '../test/support/lco-fixture.js';
import { ProjectsStandIn } from '../test/support/projects-stand-in.js';
import { SiteProxyStandIn } from '../test/support/site-proxy-stand-in.js';
import { tempDir } from '../test/support/temp-dir.js';
import { seedCalendar, siteName } from './seed.js';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    // Every route (ceilings included) is measured this many times, the rounds interleaved, and the
    // table gives medians: on a shared machine, a slow minute then hits one round of each row instead
    // of a few rows of the only round.
    rounds: { type: 'string', default: '3' },
    'skip-scaling': { type: 'boolean', default: false },
    'skip-dynamodb': { type: 'boolean', default: false },
    'import-observations': { type: 'string', default: '2000' },
    // A comma-separated subset of http,scaling,store,lambda,import, for iterating on one part; such a
    // run writes bench/results/partial.json and leaves latest.json (the README's figures) alone.
    only: { type: 'string' },
  },
});
const SECTIONS = ['http', 'scaling', 'store', 'lambda', 'import'] as const;
const only = args.only?.split(',').map((s) => s.trim()) ?? [...SECTIONS];
const unknownSection = only.find((s) => !(SECTIONS as readonly string[]).includes(s));
if (unknownSection) throw new Error(`--only: unknown section ${unknownSection}; the sections are ${SECTIONS.join(', ')}`);
const runs = (section: (typeof SECTIONS)[number]): boolean => only.includes(section);
const EVENTS = Number(args.events);
const COLD_STARTS = 9;
const ROUNDS = Number(args.rounds);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const FROM = Date.UTC(2025, 0, 1) / 1000;
const MID = FROM + 365 * 86_400;
const ISSUER = 'photonranch-bench';
const dir = tempDir('calendar-bench-');
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  dir.remove();
});

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Starts a server process and waits for the URL it prints. With logFile, its standard output (the
 * access log) goes to that file, as it would go to a file or journald in production; read through a
 * pipe, it would cost the load generator, which shares the machine, a wake-up per request.
 */
async function spawnListening(args: string[], env: Record<string, string> = {}, logFile?: string, node = process.execPath): Promise<{ url: string; child: ChildProcess }> {
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
  return { url, child };
}

interface Measured { rps: number; p50: number; p99: number; non2xx: number; errors: number; statuses: Record<string, number> }

/** One second of the same load first (JIT warm-up, page cache), then the measured run. */
async function load(url: string, options: Partial<autocannon.Options> & { path?: string }): Promise<Measured> {
  const settings = { url: `${url}${options.path ?? '/'}`, connections: CONNECTIONS, ...options } as autocannon.Options;
  await autocannon({ ...settings, duration: 1 });
  const result = await autocannon({ ...settings, duration: DURATION });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats as unknown as Record<string, { count: number }>).map(([code, s]) => [code, s.count]));
  return { rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors, statuses };
}

function tokenFor(privateKey: import('node:crypto').KeyObject, sub: string): string {
  return jwt.sign({ name: sub, 'https://photonranch.org/user_metadata': { roles: [] } }, privateKey, {
    algorithm: 'RS256', subject: sub, audience: 'master', issuer: ISSUER, expiresIn: 3600, keyid: 'bench',
  });
}

async function startCalendar(dbPath: string, publicPem: string, env: Record<string, string> = {}): Promise<string> {
  const { url } = await spawnListening(['--enable-source-maps', 'dist/bootstrap/main.js'], {
    PORT: '0', SQLITE_PATH: dbPath, AUTH_PUBLIC_KEY: publicPem, AUTH_ISSUER: ISSUER, IMPORT_ENABLED: 'false', LOG_LEVEL: 'info', SQLITE_SYNCHRONOUS: 'NORMAL',
    RATE_LIMIT_PER_MINUTE: '0', // the benchmark measures the routes, not the per-client limit
    ...env,
  }, join(dir.path, `calendar-${children.length}.log`));
  return url;
}

const json = (body: unknown) => ({ method: 'POST' as const, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

async function httpSection(publicPem: string, privateKey: import('node:crypto').KeyObject) {
  const dbPath = join(dir.path, 'bench.db');
  let t = performance.now();
  seedCalendar(dbPath, { events: EVENTS, from: FROM });
  log(`seeded ${EVENTS} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const [calendar, nodeCeiling, koaCeiling] = await Promise.all([
    startCalendar(dbPath, publicPem),
    spawnListening(['bench/ceilings.mjs', 'node']).then((s) => s.url),
    spawnListening(['bench/ceilings.mjs', 'koa']).then((s) => s.url),
  ]);
  const site = siteName(5);
  const mid = formatUtcTime(MID);
  const userToken = tokenFor(privateKey, 'google-oauth2|bench-writer');
  const otherToken = tokenFor(privateKey, 'google-oauth2|bench-intruder');
  let n = 0;
  const rounds = new Map<string, Array<Measured & { bytes?: number; sameSize?: number }>>();
  let sameSize = new Map<number, number>();
  const run = async (name: string, url: string, options: Partial<autocannon.Options> & { path?: string }, expected = '200') => {
    // The answer's size, to compare with node:http sending as many bytes (read routes only).
    let bytes: number | undefined;
    if (url === calendar && !options.requests) {
      const probe = await fetch(`${url}${options.path}`, { method: 'POST', body: options.body as string, headers: options.headers as Record<string, string> });
      bytes = (await probe.arrayBuffer()).byteLength;
      if (!sameSize.has(bytes)) sameSize.set(bytes, (await load(nodeCeiling, { path: `/?bytes=${bytes}`, ...json({ site }) })).rps);
    }
    const measured = await load(url, options);
    // A route answering something else than it should (a 429, a 500) would make its figures meaningless.
    const unexpected = Object.keys(measured.statuses).filter((code) => code !== expected);
    if (unexpected.length > 0 || measured.errors > 0) {
      throw new Error(`${name}: expected only ${expected}, got ${JSON.stringify(measured.statuses)} and ${measured.errors} errors`);
    }
    if (!rounds.has(name)) rounds.set(name, []);
    rounds.get(name)!.push({ ...measured, ...(bytes === undefined ? {} : { bytes, sameSize: sameSize.get(bytes) }) });
    log(`${name}: ${measured.rps} req/s, p50 ${measured.p50} ms, p99 ${measured.p99} ms, non-2xx ${measured.non2xx}${bytes === undefined ? '' : `; ${bytes} B answer, node:http sends it at ${sameSize.get(bytes)} req/s`}`);
  };
  for (let round = 1; round <= ROUNDS; round++) {
    log(`round ${round} of ${ROUNDS}`);
    sameSize = new Map();
    await run('ceiling: node:http', nodeCeiling, json({ site }));
    await run('ceiling: bare Koa', koaCeiling, json({ site }));
    await run('/siteevents (a week)', calendar, { path: '/siteevents', ...json({ site, start: mid, end: formatUtcTime(MID + 7 * 86_400) }) });
    await run('/get-event-at-time', calendar, { path: '/get-event-at-time', ...json({ site, time: mid }) });
    await run('/does-conflicting-event-exist', calendar, { path: '/does-conflicting-event-exist', ...json({ user_id: 'google-oauth2|user7', site, time: mid }) });
    await run('/user-events-ending-after-time', calendar, { path: '/user-events-ending-after-time', ...json({ user_id: 'google-oauth2|user7', time: formatUtcTime(FROM + 700 * 86_400) }) });
    await run('/newevent (authenticated, unique)', calendar, {
      path: '/newevent', method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${userToken}` },
      requests: [{ setupRequest: (req) => {
        n += 1;
        const start = FROM + 800 * 86_400 + n * 3600;
        return { ...req, body: JSON.stringify({ event_id: `bench-${n}`, site: 'new1', start: formatUtcTime(start), end: formatUtcTime(start + 1800) }) };
      } }],
    });
    await run('/newevent refused (409)', calendar, {
      path: '/newevent', method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${otherToken}` },
      requests: [{ setupRequest: (req) => {
        n += 1;
        return { ...req, body: JSON.stringify({ event_id: `clash-${n}`, site: 'new1', start: formatUtcTime(FROM + 800 * 86_400 + 3600), end: formatUtcTime(FROM + 800 * 86_400 + 7200) }) };
      } }],
    }, '409');
  }
  // Medians over the rounds; a ratio is the median of the rounds' ratios, each taken within its round.
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const round2 = (x: number): number => Math.round(x * 100) / 100;
  const ceilings = rounds.get('ceiling: node:http')!;
  return [...rounds].map(([name, ms]) => {
    const first = ms[0]!;
    return {
      name, rps: median(ms.map((m) => m.rps)), p50: median(ms.map((m) => m.p50)), p99: median(ms.map((m) => m.p99)),
      non2xx: ms.reduce((sum, m) => sum + m.non2xx, 0), errors: ms.reduce((sum, m) => sum + m.errors, 0),
      ratio: round2(median(ms.map((m, i) => m.rps / ceilings[i]!.rps))),
      ...(first.bytes === undefined ? {} : { bytes: first.bytes, ratio_same_size: round2(median(ms.map((m) => m.rps / m.sameSize!))) }),
      rounds: ms.map((m) => ({ rps: m.rps, p50: m.p50, p99: m.p99 })),
    };
  });
}

async function scalingSection(publicPem: string) {
  const results: Array<Record<string, unknown>> = [];
  for (const events of [10_000, 1_000_000]) {
    const dbPath = join(dir.path, `scale-${events}.db`);
    const t = performance.now();
    // Same density as the main calendar (200 000 events over two years at 20 sites, ~14 a day per
    // site): a bigger calendar is a longer history, so a week's answer stays the same size.
    const days = Math.max(7, Math.round((events / 20) / (200_000 / 20 / 730)));
    const from = MID - Math.floor(days / 2) * 86_400;
    seedCalendar(dbPath, { events, from, days });
    log(`seeded ${events} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const url = await startCalendar(dbPath, publicPem);
    const site = siteName(3);
    const week = await load(url, { path: '/siteevents', ...json({ site, start: formatUtcTime(MID), end: formatUtcTime(MID + 7 * 86_400) }) });
    const at = await load(url, { path: '/get-event-at-time', ...json({ site, time: formatUtcTime(MID) }) });
    results.push({ events, siteevents_p50: week.p50, siteevents_p99: week.p99, siteevents_rps: week.rps, at_time_p50: at.p50, at_time_p99: at.p99, at_time_rps: at.rps });
    log(`${events} events: /siteevents p50 ${week.p50} ms p99 ${week.p99} ms; /get-event-at-time p50 ${at.p50} ms p99 ${at.p99} ms`);
  }
  return results;
}

async function storeRates(name: string, store: ReservationStore, seconds = 2) {
  let created = 0;
  const base = FROM + 900 * 86_400;
  let deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    const start = base + created * 3600;
    await store.createUnlessConflict({
      event_id: `rate-${name}-${created}`, start: formatUtcTime(start), end: formatUtcTime(start + 1800), creator: 'b', creator_id: 'b',
      site: 'rate', resourceId: 'rate', title: 'b', reservation_type: 'realtime', origin: 'PTR', project_id: 'none', reservation_note: '', last_modified: formatUtcTime(base),
    });
    created += 1;
  }
  let queries = 0;
  deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    // A week as the routes answer it: listed, then serialised.
    (await store.findOverlapping('rate', { start: formatUtcTime(base + (queries % 50) * 3600), end: formatUtcTime(base + (queries % 50) * 3600 + 7 * 86_400) })).toJson();
    queries += 1;
  }
  const row = { store: name, creates_per_s: Math.round(created / seconds), week_queries_per_s: Math.round(queries / seconds) };
  log(`${name}: ${row.creates_per_s} atomic creates/s, ${row.week_queries_per_s} week queries/s`);
  return row;
}

async function storeSection(skipDynamo: boolean) {
  const rows = [];
  for (const synchronous of ['NORMAL', 'FULL'] as const) {
    const db = openSqliteDatabase(join(dir.path, `store-${synchronous}.db`), { synchronous });
    rows.push(await storeRates(`sqlite (synchronous ${synchronous})`, new SqliteReservationStore(db)));
    db.close();
  }
  if (!skipDynamo) {
    const dynamo = await startDynamoDbLocal();
    const names = await freshTables(dynamo.endpoint);
    const { raw, doc } = createDynamoDbClients({ region: 'us-east-1', endpoint: dynamo.endpoint });
    rows.push(await storeRates('dynamodb local', new DynamoDbReservationStore(doc, { tableName: names.calendar })));
    raw.destroy();
    await dynamo.stop();
  }
  return rows;
}

/** The deployment package: every file under dir. */
function directoryBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true })
    .reduce((sum, e) => sum + (e.isDirectory() ? directoryBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
}

async function lambdaSection(skipDynamo: boolean) {
  execFileSync(process.execPath, ['scripts/build-lambda.mjs'], { stdio: 'ignore' });
  const bytes = directoryBytes('dist/lambda');
  const entry = statSync('dist/lambda/index.mjs').size;
  const result: Record<string, unknown> = { bundle_bytes: bytes, bundle_kib: Math.round(bytes / 1024), entry_kib: Math.round(entry / 1024) };
  if (!skipDynamo) {
    const dynamo = await startDynamoDbLocal();
    const names = await freshTables(dynamo.endpoint);
    // First the Lambda runtime's Node major version (nodejs22.x), the headline figure; then this
    // machine's, for comparison with earlier runs.
    const runtimes = [{ version: `v${LAMBDA_NODE_VERSION as string}`, node: (ensureLambdaNode as () => string)() }, { version: process.version, node: process.execPath }];
    const byNode: Record<string, Record<string, unknown>> = {};
    for (const runtime of runtimes) {
      const samples: Array<{ load: number; first: number; first_cpu: number }> = [];
      // Run 0 is thrown away: it also pays DynamoDB Local's own JVM warm-up, which the real DynamoDB
      // never charges a cold Lambda.
      for (let i = 0; i <= COLD_STARTS; i++) {
        const { url, child } = await spawnListening(['test/support/lambda-host.mjs'], {
          LAMBDA_PAYLOAD: 'v2', STORAGE: 'dynamodb', AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: dynamo.endpoint, DYNAMODB_CALENDAR: names.calendar,
          SCHEDULE_TRACKING_TABLE: names.scheduleTracking, AUTH_JWKS_URI: 'http://127.0.0.1:9/jwks', AUTH_ISSUER: ISSUER, LOG_LEVEL: 'silent',
        }, undefined, runtime.node);
        let out = '';
        child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
        await fetch(`${url}/siteevents`, { method: 'POST', body: JSON.stringify({ site: 'saf', start: '2030-01-01T00:00:00Z', end: '2030-01-02T00:00:00Z' }) });
        await new Promise((r) => setTimeout(r, 50));
        const m = /load ([\d.]+) ms, first request ([\d.]+) ms \(cpu ([\d.]+) ms\)/.exec(out);
        if (!m) throw new Error(`lambda host printed no cold-start figures: ${out}`);
        if (i > 0) samples.push({ load: Number(m[1]), first: Number(m[2]), first_cpu: Number(m[3]) });
        child.kill('SIGKILL');
      }
      const median = (values: number[]): number => Math.round(values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0);
      const figures = {
        cold_start_ms_median: median(samples.map((s) => s.load + s.first)),
        load_ms_median: median(samples.map((s) => s.load)),
        first_request_ms_median: median(samples.map((s) => s.first)),
        first_request_cpu_ms_median: median(samples.map((s) => s.first_cpu)),
        samples,
      };
      byNode[runtime.version] = figures;
      log(`lambda on node ${runtime.version}: cold start (load + first request, median of ${COLD_STARTS}) ${figures.cold_start_ms_median} ms`
        + ` (medians: load ${figures.load_ms_median} ms, first request ${figures.first_request_ms_median} ms of which CPU ${figures.first_request_cpu_ms_median} ms)`);
    }
    result.cold_start_ms_median = byNode[runtimes[0]!.version]!.cold_start_ms_median;
    result.cold_start_by_node = byNode;
    await dynamo.stop();
  }
  log(`lambda: bundle ${result.bundle_kib} KiB (entry ${result.entry_kib} KiB)`);
  return result;
}

/**
 * The whole LCO import over HTTP: site-proxy stand-in (pages of 100), projects stand-in, SQLite. With
 * `projectsLatencyMs`, the projects service answers that much later, as a remote one would.
 */
async function importSection(publicPem: string, projectsLatencyMs = 0) {
  const count = Number(args['import-observations']);
  const [proxy, projects] = await Promise.all([new SiteProxyStandIn().start(), new ProjectsStandIn().start()]);
  try {
    projects.delayMs = projectsLatencyMs;
    proxy.maxPageSize = 100;
    proxy.secrets.set('mrc', 'bench-secret');
    const from = Date.now() + 3600_000;
    const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    proxy.observations.set('mrc', Array.from({ length: count }, (_, i) => anObservation({
      id: 900_000 + i, name: `Bench ${i}`, site: 'mrc', telescope: '0m31', state: 'PENDING',
      start: iso(from + i * 600_000), end: iso(from + i * 600_000 + 300_000),
    })));
    proxy.lastScheduled.set('mrc', '2026-01-01T00:00:00Z');
    const url = await startCalendar(join(dir.path, `import-${projectsLatencyMs}.db`), publicPem, {
      LCO_SITE_PROXY_URL: proxy.urlTemplate, SITE_PROXY_SECRET_MRC: 'bench-secret', PROJECTS_API_URL: projects.url,
    });
    const timed = async (): Promise<{ seconds: number; report: { added: unknown[]; unchanged: number; writes: number } }> => {
      const started = performance.now();
      const response = await fetch(`${url}/import-schedules/mrc1`);
      const [report] = (await response.json()) as Array<{ added: unknown[]; unchanged: number; writes: number }>;
      return { seconds: (performance.now() - started) / 1000, report: report! };
    };
    const first = await timed();
    if (first.report.added.length !== count) throw new Error(`import added ${first.report.added.length} of ${count}`);
    proxy.lastScheduled.set('mrc', '2026-01-01T00:05:00Z');
    const again = await timed();
    const result = {
      projects_latency_ms: projectsLatencyMs, observations: count, seconds: Math.round(first.seconds * 100) / 100, observations_per_s: Math.round(count / first.seconds),
      unchanged_rerun_seconds: Math.round(again.seconds * 100) / 100, unchanged_rerun_writes: again.report.writes,
    };
    log(`import (projects service latency ${projectsLatencyMs} ms): ${count} observations in ${result.seconds} s = ${result.observations_per_s} obs/s; unchanged re-run ${result.unchanged_rerun_seconds} s, ${result.unchanged_rerun_writes} writes`);
    return result;
  } finally {
    await Promise.all([proxy.stop(), projects.stop()]);
  }
}

async function main(): Promise<void> {
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const results = {
    when: new Date().toISOString(),
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
    settings: { events: EVENTS, duration_s: DURATION, connections: CONNECTIONS, rounds: ROUNDS },
    http: runs('http') ? await httpSection(publicPem, privateKey) : [],
    scaling: runs('scaling') && !args['skip-scaling'] ? await scalingSection(publicPem) : [],
    store: runs('store') ? await storeSection(args['skip-dynamodb']) : [],
    lambda: runs('lambda') ? await lambdaSection(args['skip-dynamodb']) : undefined,
    import: runs('import') ? [await importSection(publicPem), await importSection(publicPem, 20)] : [],
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/${args.only ? 'partial' : 'latest'}.json`, `${JSON.stringify(results, null, 2)}\n`);
  if (results.http.length) console.log('\n| route | req/s | p50 ms | p99 ms | × node:http | answer bytes | × node:http, same bytes | non-2xx |\n|---|---|---|---|---|---|---|---|');
  for (const r of results.http) {
    console.log(`| ${r.name} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.ratio} | ${r.bytes ?? ''} | ${r.ratio_same_size ?? ''} | ${r.non2xx} |`);
  }
  const ceilingRounds = results.http[0]?.rounds.map((r) => r.rps) ?? [];
  if (ceilingRounds.length > 1 && Math.max(...ceilingRounds) > 1.25 * Math.min(...ceilingRounds)) {
    console.log(`\nUnsteady machine: the node:http ceiling measured ${ceilingRounds.join(', ')} req/s in its rounds; trust the ratios, not the absolute figures, and compare with another run.`);
  }
  if (results.scaling.length) {
    console.log('\n| events | /siteevents p50 | p99 | /get-event-at-time p50 | p99 |\n|---|---|---|---|---|');
    for (const s of results.scaling) console.log(`| ${s.events} | ${s.siteevents_p50} | ${s.siteevents_p99} | ${s.at_time_p50} | ${s.at_time_p99} |`);
  }
  if (results.store.length) console.log('\n| store | atomic creates/s | week queries/s |\n|---|---|---|');
  for (const s of results.store) console.log(`| ${s.store} | ${s.creates_per_s} | ${s.week_queries_per_s} |`);
  for (const i of results.import) {
    console.log(`\nLCO import (projects service latency ${i.projects_latency_ms} ms): ${i.observations} observations in ${i.seconds} s = ${i.observations_per_s} obs/s; unchanged re-run ${i.unchanged_rerun_seconds} s with ${i.unchanged_rerun_writes} writes`);
  }
  if (results.lambda) {
    console.log(`\nLambda bundle ${results.lambda.bundle_kib} KiB (entry ${results.lambda.entry_kib} KiB); cold start on the Lambda runtime's Node (load + first request, median of ${COLD_STARTS}) ${results.lambda.cold_start_ms_median ?? '-'} ms`);
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
