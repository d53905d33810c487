/**
 * The write routes over HTTP on both stores, each beside the --baseline revision's server doing the
 * same: creates (POST /newevent, a new event each request) and modifies (POST /modifyevent, the
 * writer moving one of its own events by a few minutes, a new position each request). Creates run a
 * third time on each store against a server with a realistic BOOKING_RULES (RULES below), every
 * create judged by every allowance, and that row gives its ratio to the same store's row without
 * rules, taken within each round. The writers are WRITERS people in turn, so the allowances count
 * a real spread of owners and never refuse (a refusal stops the run). SQLite: a
 * calendar seeded as the HTTP section's (--events), a copy per server; DynamoDB: DynamoDB Local,
 * fresh empty tables per server. Rows are interleaved in rounds, which revision goes first
 * alternating from round to round, and each row gives its ratio to its baseline row, taken within
 * each round. The server's CPU a request is read during the measured load itself, not at a fixed
 * offered rate as in the HTTP section: on DynamoDB Local the database saturates long before the
 * server does.
 */
import { copyFileSync } from 'node:fs';
import { formatUtcTime } from '../../src/domain/time.js';
import { freshTablesEnv, startDynamoDbLocal } from '../../test/support/dynamodb-local.js';
import { FROM, median, type Harness, type LoadOptions, type Measured } from '../harness.js';
import { seedCalendar } from '../seed.js';

/** Events each server holds for the modifies to move: more than ever in flight, so no two requests race on one. */
const MOVED = 200;
/**
 * Far past the seeded calendar. The n-th event of a kind is on the n-th day, at one of SITES sites in
 * turn: the requests in flight at once touch different sites and days, so they never race for a
 * DynamoDB day guard or a site's feed turn, and each row measures the writes, not their contention
 * (which the reliability tests cover).
 */
const CREATES_FROM = FROM + 1000 * 86_400;
const MOVED_FROM = FROM + 1000 * 86_400 + 3 * 3600;
const SITES = 10;
/**
 * Owners the requests take turns as: a run of 5 rounds makes about 70 000 creates a server, so each
 * owner holds a dozen bookings at most, as people do (the held rule counts every one of them).
 */
const WRITERS = 5000;
/** Days the creates cycle through: within RULES' ahead_days; a day comes back at another site and for another owner. */
const CREATE_DAYS = 30_011;
/**
 * Rules as an observatory would set them: every shape rule and every allowance, each one judged on
 * every create. `ahead_days` reaches the bench's far-future days; the allowances are never reached
 * (one writer's bookings are WRITERS days apart).
 */
const RULES = {
  default: {
    shortest_minutes: 15, longest_hours: 4, notice_minutes: 0, ahead_days: 36_500,
    per_night: { hours: 4, bookings: 2 }, per_week: { hours: 12, bookings: 5 }, rolling: { nights: 7, hours: 10, bookings: 4 }, held: { hours: 400 },
  },
};

interface Server { readonly store: 'SQLite' | 'DynamoDB Local'; readonly revision: string; readonly url: string; readonly rules?: boolean }

export async function writesSection(h: Harness) {
  const { events, rounds: ROUNDS, baseline } = h.settings;
  const revisions = [{ name: 'current', root: '.' }, ...(baseline ? [{ name: baseline, root: h.buildRevision(baseline) }] : [])];
  const dbPath = `${h.dir}/writes.db`;
  seedCalendar(dbPath, { events, from: FROM });
  const dynamo = h.settings.skipDynamoDb ? undefined : await startDynamoDbLocal();
  const servers: Server[] = [];
  const variants = [...revisions.map((revision) => ({ ...revision, rules: false })), { name: 'current', root: '.', rules: true }];
  for (const [i, { name, root, rules }] of variants.entries()) {
    const env: Record<string, string> = rules ? { BOOKING_RULES: JSON.stringify(RULES) } : {};
    copyFileSync(dbPath, `${dbPath}-${i}`);
    servers.push({ store: 'SQLite', revision: name, rules, url: await h.startCalendar(`${dbPath}-${i}`, env, root) });
    if (dynamo) {
      servers.push({
        store: 'DynamoDB Local', revision: name, rules,
        url: await h.startCalendar(`${h.dir}/unused-${i}.db`, { ...await freshTablesEnv(dynamo.endpoint), ...env }, root),
      });
    }
  }
  const writer = `Bearer ${h.tokenFor('google-oauth2|bench-writer')}`;
  const writers = Array.from({ length: WRITERS }, (_, i) => `Bearer ${h.tokenFor(`google-oauth2|bench-writer-${i}`)}`);
  const post = (path: string, body: (n: number) => unknown, by: (n: number) => string = () => writer): LoadOptions => {
    let n = 0;
    return {
      path, method: 'POST', headers: { 'content-type': 'application/json', authorization: writer },
      requests: [{
        setupRequest: (req) => {
          n += 1;
          return { ...req, headers: { ...req.headers, authorization: by(n) }, body: JSON.stringify(body(n)) };
        },
      }],
    };
  };
  const place = (kind: string, from: number, i: number, minutes = 0, siteOf = i) => ({
    site: `${kind}${siteOf % SITES}`, start: formatUtcTime(from + i * 86_400 + minutes * 60), end: formatUtcTime(from + i * 86_400 + minutes * 60 + 1800),
  });
  // Each server's loads, numbering their requests on from one round to the next.
  const loads = new Map(servers.map((server, s) => {
    const creates = post('/newevent', (n) => ({ event_id: `bench-create-${s}-${n}`, ...place('new', CREATES_FROM, n % CREATE_DAYS, 0, n) }), (n) => writers[n % WRITERS]!);
    // Request n moves event n mod MOVED to 1 to 20 minutes past its time, never where it is already.
    const modifies = post('/modifyevent', (n) => {
      const { start, end } = place('mod', MOVED_FROM, n % MOVED, (Math.floor(n / MOVED) % 20) + 1);
      return { originalEvent: { event_id: `bench-moved-${n % MOVED}` }, modifiedEvent: { start, end } };
    });
    return [server, { creates, modifies }];
  }));
  for (const server of servers) {
    for (let i = 0; i < MOVED; i += 10) {
      await Promise.all(Array.from({ length: 10 }, async (_, j) => {
        const answer = await fetch(`${server.url}/newevent`, {
          method: 'POST', headers: { 'content-type': 'application/json', authorization: writer },
          body: JSON.stringify({ event_id: `bench-moved-${i + j}`, ...place('mod', MOVED_FROM, i + j) }),
        });
        if (answer.status !== 200) throw new Error(`${server.store} at ${server.revision}: creating the events to move: ${answer.status} ${await answer.text()}`);
      }));
    }
  }
  const rowName = (operation: string, server: Server) =>
    `${operation}${server.rules ? ' with rules' : ''}, ${server.store}${server.revision === 'current' ? '' : ` at ${server.revision}`}`;
  const rounds = new Map<string, Measured[]>();
  const run = async (operation: 'creates' | 'modifies', server: Server) => {
    const name = rowName(operation === 'creates' ? '/newevent' : '/modifyevent', server);
    const options = loads.get(server)![operation];
    const measured = await h.load(server.url, options);
    // A write refused or failed (a 409, a 503 of a stale plan) would make the figures meaningless.
    if (Object.keys(measured.statuses).some((code) => code !== '200') || measured.errors > 0) {
      throw new Error(`${name}: expected only 200, got ${JSON.stringify(measured.statuses)} and ${measured.errors} errors`);
    }
    rounds.set(name, [...(rounds.get(name) ?? []), measured]);
    h.log(`${name}: ${measured.rps} req/s, p50 ${measured.p50} ms, p99 ${measured.p99} ms, non-2xx ${measured.non2xx}; ${measured.serverCpuUs} µs server CPU a request`);
  };
  for (let round = 1; round <= ROUNDS; round++) {
    h.log(`writes: round ${round} of ${ROUNDS}`);
    // Which revision goes first alternates, so that warming up (and the files growing) favours neither.
    const ordered = round % 2 === 1 ? servers : [...servers].reverse();
    for (const store of ['SQLite', 'DynamoDB Local']) {
      for (const operation of ['creates', 'modifies'] as const) {
        // Modifies are measured without rules only: a modify is judged as a create is.
        for (const server of ordered.filter((s) => s.store === store && (operation === 'creates' || !s.rules))) await run(operation, server);
      }
    }
  }
  await dynamo?.stop();
  const round2 = (x: number): number => Math.round(x * 100) / 100;
  return [...rounds].map(([name, ms]) => {
    const rates = ms.map((m) => m.rps);
    const baselineRounds = baseline && !name.endsWith(` at ${baseline}`) && !name.includes(' with rules') ? rounds.get(`${name} at ${baseline}`) : undefined;
    // The same store's creates without rules, this revision: what the rules cost.
    const unruled = name.includes(' with rules') ? rounds.get(name.replace(' with rules', '')) : undefined;
    return {
      name, rps: median(rates), rps_min: Math.min(...rates), rps_max: Math.max(...rates),
      p50: median(ms.map((m) => m.p50)), p99: median(ms.map((m) => m.p99)), cpu_us: median(ms.map((m) => m.serverCpuUs ?? 0)),
      non2xx: ms.reduce((sum, m) => sum + m.non2xx, 0), errors: ms.reduce((sum, m) => sum + m.errors, 0),
      ...(baselineRounds ? {
        ratio_baseline: round2(median(ms.map((m, i) => m.rps / baselineRounds[i]!.rps))),
        p50_baseline: median(baselineRounds.map((m) => m.p50)),
      } : {}),
      ...(unruled ? { ratio_without_rules: round2(median(ms.map((m, i) => m.rps / unruled[i]!.rps))) } : {}),
      rounds: ms.map((m) => ({ rps: m.rps, p50: m.p50, p99: m.p99, cpu_us: m.serverCpuUs })),
    };
  });
}
