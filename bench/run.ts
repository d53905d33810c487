/**
 * `npm run bench [-- --events 200000 --duration 5 --connections 10 --skip-scaling --skip-dynamodb]`
 * Measures, side by side in one run: HTTP routes against node:http and Koa ceilings, the write routes
 * on SQLite and DynamoDB Local, scaling with the calendar's size, store-level rates, the Lambda
 * bundle, and the LCO import (one module each in bench/sections/). Prints a table and writes
 * bench/results/latest.json.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { exitWithUsage, integerOption, parseCommandLine } from '../src/bootstrap/command-line.js';
import { createHarness } from './harness.js';
import { printTables } from './report.js';
import { historySection } from './sections/history.js';
import { icalSection } from './sections/ical.js';
import { skySection } from './sections/sky.js';
import { httpSection } from './sections/http.js';
import { importSection } from './sections/import.js';
import { lambdaSection } from './sections/lambda.js';
import { metricsSection } from './sections/metrics.js';
import { scalingSection } from './sections/scaling.js';
import { storeSection } from './sections/store.js';
import { writesSection } from './sections/writes.js';

const USAGE = `
Measures the calendar side by side in one run (ratios hold on a noisy machine): the HTTP routes
against node:http and bare Koa ceilings, creates and modifies on SQLite and DynamoDB Local, scaling
with the calendar's size, store-level rates, the Lambda bundle and its cold start, and the LCO
import. Prints tables; writes bench/results/latest.json (or partial.json with --only).

Usage: npm run bench -- [options]

  --events <n>               events seeded into the main calendar (default 200000)
  --duration <s>             seconds each route is loaded per round (default 5)
  --connections <n>          concurrent connections of the load (default 10)
  --rounds <n>               rounds, interleaved; the tables give medians (default 3)
  --rate <n>                 requests a second offered while each server's CPU time per request is
                             measured (default 500; below every route's saturation here)
  --import-observations <n>  observations in the import section (default 2000)
  --baseline <revision>      also measure this git revision's server (built in a worktree) on a copy
                             of the HTTP section's calendar: rows named "at <revision>", and each
                             row's ratio to its baseline row; the writes section measures its
                             creates and modifies beside this revision's, on both stores
  --only <sections>          a comma-separated subset of http,writes,scaling,store,history,ical,sky,lambda,import,metrics
  --skip-scaling             leave out the 10 000 / 1 000 000 event calendars
  --skip-dynamodb            leave out DynamoDB Local (store rates and cold starts)
  -h, --help                 this text
`;

const { values: args } = parseCommandLine({
  usage: USAGE,
  options: {
    events: { type: 'string', default: '200000' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    // Every route (ceilings included) is measured this many times, the rounds interleaved, and the
    // table gives medians: on a shared machine, a slow minute then hits one round of each row instead
    // of a few rows of the only round.
    rounds: { type: 'string', default: '3' },
    // The second figure of every HTTP row: server CPU per request at this offered rate. At
    // saturation the load generator shares the two cores with the server, so req/s is theirs together.
    rate: { type: 'string', default: '500' },
    'skip-scaling': { type: 'boolean', default: false },
    'skip-dynamodb': { type: 'boolean', default: false },
    'import-observations': { type: 'string', default: '2000' },
    baseline: { type: 'string' },
    // A comma-separated subset of the sections (SECTIONS below), for iterating on one part; such a
    // run writes bench/results/partial.json and leaves latest.json (the README's figures) alone.
    only: { type: 'string' },
  },
});
const SECTIONS = ['http', 'writes', 'scaling', 'store', 'history', 'ical', 'sky', 'lambda', 'import', 'metrics'] as const;
const only = args.only?.split(',').map((s) => s.trim()) ?? [...SECTIONS];
const unknownSection = only.find((s) => !(SECTIONS as readonly string[]).includes(s));
if (unknownSection) exitWithUsage(USAGE, `--only: unknown section ${unknownSection}; the sections are ${SECTIONS.join(', ')}.`);
const runs = (section: (typeof SECTIONS)[number]): boolean => only.includes(section);

async function main(): Promise<void> {
  const settings = {
    events: integerOption(USAGE, 'events', args.events), duration: integerOption(USAGE, 'duration', args.duration),
    connections: integerOption(USAGE, 'connections', args.connections), rounds: integerOption(USAGE, 'rounds', args.rounds),
    importObservations: integerOption(USAGE, 'import-observations', args['import-observations']), skipDynamoDb: args['skip-dynamodb'],
    rate: integerOption(USAGE, 'rate', args.rate),
    ...(args.baseline ? { baseline: args.baseline } : {}),
  };
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const h = createHarness(settings, { publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string, privateKey });
  const results = {
    when: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length },
    settings: { events: settings.events, duration_s: settings.duration, connections: settings.connections, rounds: settings.rounds, cpu_rate: settings.rate },
    http: runs('http') ? await httpSection(h) : [],
    writes: runs('writes') ? await writesSection(h) : [],
    scaling: runs('scaling') && !args['skip-scaling'] ? await scalingSection(h) : [],
    store: runs('store') ? await storeSection(h) : [],
    history: runs('history') ? await historySection(h) : [],
    lambda: runs('lambda') ? await lambdaSection(h) : undefined,
    import: runs('import') ? [await importSection(h), await importSection(h, 20)] : [],
    metrics: runs('metrics') ? await metricsSection(h) : undefined,
    ical: runs('ical') ? await icalSection(h) : undefined,
    sky: runs('sky') ? await skySection(h) : undefined,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/${args.only ? 'partial' : 'latest'}.json`, `${JSON.stringify(results, null, 2)}\n`);
  printTables(results);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
