/**
 * The routes under load, each beside ceilings measured in the same rounds: node:http, bare Koa, and
 * Koa with @koa/router reading the body (the stack the calendar's routes stand on), which also sends
 * answers of each read route's size. Every row has two figures: its rate at saturation, and the
 * server's CPU time per request at a fixed offered rate. The calendar runs the shipped defaults;
 * the one row with another setting says so. Each pure read is measured twice: the same request
 * again and again (answered from the read cache after the first), and a new request every time
 * (never). With --baseline, another revision's server runs the same reads and creates on a copy of
 * the calendar, and each row gives its ratio to that revision's.
 */
import { copyFileSync } from 'node:fs';
import { formatUtcTime } from '../../src/domain/time.js';
import { FROM, json, median, MID, type Harness, type LoadOptions, type Measured } from '../harness.js';
import { seedCalendar, siteName } from '../seed.js';

export async function httpSection(h: Harness) {
  const { events, rounds: ROUNDS } = h.settings;
  const dbPath = `${h.dir}/bench.db`;
  const t = performance.now();
  seedCalendar(dbPath, { events, from: FROM });
  h.log(`seeded ${events} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  // A copy of the calendar for the one row under SQLITE_SYNCHRONOUS=NORMAL (not the default).
  copyFileSync(dbPath, `${h.dir}/bench-normal.db`);
  const { baseline } = h.settings;
  if (baseline) copyFileSync(dbPath, `${h.dir}/bench-baseline.db`);
  const baselineRoot = baseline ? h.buildRevision(baseline) : undefined;
  const [calendar, normalCalendar, baselineCalendar, nodeCeiling, koaCeiling, routerCeiling] = await Promise.all([
    h.startCalendar(dbPath),
    h.startCalendar(`${h.dir}/bench-normal.db`, { SQLITE_SYNCHRONOUS: 'NORMAL' }),
    baselineRoot ? h.startCalendar(`${h.dir}/bench-baseline.db`, {}, baselineRoot) : Promise.resolve(undefined),
    h.spawnListening(['bench/ceilings.mjs', 'node']).then((s) => s.url),
    h.spawnListening(['bench/ceilings.mjs', 'koa']).then((s) => s.url),
    h.spawnListening(['bench/ceilings.mjs', 'koa-router']).then((s) => s.url),
  ]);
  const site = siteName(5);
  const userToken = h.tokenFor('google-oauth2|bench-writer');
  const otherToken = h.tokenFor('google-oauth2|bench-intruder');
  let n = 0;
  const rounds = new Map<string, Array<Measured & { cpuUs: number; bytes?: number; sameSize?: number }>>();
  let sameSize = new Map<number, number>();
  const run = async (name: string, url: string, options: LoadOptions, expected = '200') => {
    // The answer's size, to compare with Koa + @koa/router sending as many bytes (read routes only).
    let bytes: number | undefined;
    if ((url === calendar || url === baselineCalendar) && !options.requests) {
      const probe = await fetch(`${url}${options.path}`, { method: 'POST', body: options.body as string, headers: options.headers as Record<string, string> });
      bytes = (await probe.arrayBuffer()).byteLength;
      if (!sameSize.has(bytes)) sameSize.set(bytes, (await h.load(routerCeiling, { path: `/?bytes=${bytes}`, ...json({ site }) })).rps);
    }
    const measured = await h.load(url, options);
    // A route answering something else than it should (a 429, a 500) would make its figures meaningless.
    const unexpected = Object.keys(measured.statuses).filter((code) => code !== expected);
    if (unexpected.length > 0 || measured.errors > 0) {
      throw new Error(`${name}: expected only ${expected}, got ${JSON.stringify(measured.statuses)} and ${measured.errors} errors`);
    }
    const cpuUs = await h.cpuPerRequest(url, options, h.settings.rate);
    if (!rounds.has(name)) rounds.set(name, []);
    rounds.get(name)!.push({ ...measured, cpuUs, ...(bytes === undefined ? {} : { bytes, sameSize: sameSize.get(bytes) }) });
    h.log(`${name}: ${measured.rps} req/s, p50 ${measured.p50} ms, p99 ${measured.p99} ms, non-2xx ${measured.non2xx}; ${cpuUs} µs CPU a request at ${h.settings.rate} req/s` +
      `${bytes === undefined ? '' : `; ${bytes} B answer, Koa + @koa/router sends it at ${sameSize.get(bytes)} req/s`}`);
  };
  const unique = (token: string, target: string): LoadOptions => ({
    path: '/newevent', method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [{ setupRequest: (req) => {
      n += 1;
      const start = FROM + 800 * 86_400 + n * 3600;
      return { ...req, body: JSON.stringify({ event_id: `bench-${target}-${n}`, site: 'new1', start: formatUtcTime(start), end: formatUtcTime(start + 1800) }) };
    } }],
  });
  /** The pure reads: each one's body, for a time `s` seconds after its usual one. */
  const user = 'google-oauth2|user7';
  const reads: Array<[string, string, (s: number) => Record<string, unknown>]> = [
    ['/siteevents (a week)', '/siteevents', (s) => ({ site, start: formatUtcTime(MID + s), end: formatUtcTime(MID + s + 7 * 86_400) })],
    ['/get-event-at-time', '/get-event-at-time', (s) => ({ site, time: formatUtcTime(MID + s) })],
    ['/does-conflicting-event-exist', '/does-conflicting-event-exist', (s) => ({ user_id: user, site, time: formatUtcTime(MID + s) })],
    ['/is-user-scheduled', '/is-user-scheduled', (s) => ({ user_id: user, site, time: formatUtcTime(MID + s) })],
    ['/user-events-ending-after-time', '/user-events-ending-after-time', (s) => ({ user_id: user, time: formatUtcTime(FROM + 700 * 86_400 + s) })],
  ];
  /** A new body for every request (a second later each time): never answered from the read cache. */
  let later = 0;
  const everyTimeNew = (path: string, body: (s: number) => Record<string, unknown>): LoadOptions => ({
    path, method: 'POST', headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => {
      later += 1;
      return { ...req, body: JSON.stringify(body(later)) };
    } }],
  });
  // The booking the refused row runs into: the writer's, where the intruder asks for time.
  const clash = { site: 'new1', start: formatUtcTime(FROM + 800 * 86_400 + 3600), end: formatUtcTime(FROM + 800 * 86_400 + 7200) };
  const blocker = await fetch(`${calendar}/newevent`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${userToken}` }, body: JSON.stringify({ event_id: 'bench-blocker', ...clash }),
  });
  if (blocker.status !== 200) throw new Error(`the refused row's blocking booking: ${blocker.status} ${await blocker.text()}`);
  for (let round = 1; round <= ROUNDS; round++) {
    h.log(`round ${round} of ${ROUNDS}`);
    sameSize = new Map();
    await run('ceiling: node:http', nodeCeiling, json({ site }));
    await run('ceiling: bare Koa', koaCeiling, json({ site }));
    await run('ceiling: Koa + @koa/router + body', routerCeiling, json({ site }));
    for (const [name, path, body] of reads) await run(name, calendar, { path, ...json(body(0)) });
    for (const [name, path, body] of reads) await run(`${name}, a new request each time`, calendar, everyTimeNew(path, body));
    if (baselineCalendar) {
      for (const [name, path, body] of reads) await run(`${name} at ${baseline}`, baselineCalendar, { path, ...json(body(0)) });
      await run(`/newevent (authenticated, unique) at ${baseline}`, baselineCalendar, unique(userToken, 'baseline'));
    }
    await run('/newevent (authenticated, unique)', calendar, unique(userToken, 'full'));
    await run('/newevent (authenticated, unique) under SQLITE_SYNCHRONOUS=NORMAL, not the default', normalCalendar, unique(userToken, 'normal'));
    await run('/newevent refused (409)', calendar, {
      path: '/newevent', method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${otherToken}` },
      requests: [{ setupRequest: (req) => {
        n += 1;
        return { ...req, body: JSON.stringify({ event_id: `clash-${n}`, ...clash }) };
      } }],
    }, '409');
  }
  // Medians over the rounds; a ratio is the median of the rounds' ratios, each taken within its round.
  const round2 = (x: number): number => Math.round(x * 100) / 100;
  const ceilings = rounds.get('ceiling: node:http')!;
  const routerCeilings = rounds.get('ceiling: Koa + @koa/router + body')!;
  // A row's counterpart at the baseline revision: the same name, or the same read asked anew each time.
  const baselineOf = (name: string) => (baseline ? rounds.get(`${name.replace(/, a new request each time$/, '')} at ${baseline}`) : undefined);
  return [...rounds].map(([name, ms]) => {
    const first = ms[0]!;
    const rates = ms.map((m) => m.rps);
    return {
      name, rps: median(rates), rps_min: Math.min(...rates), rps_max: Math.max(...rates),
      p50: median(ms.map((m) => m.p50)), p99: median(ms.map((m) => m.p99)),
      cpu_us: median(ms.map((m) => m.cpuUs)), cpu_us_router_ceiling: median(routerCeilings.map((m) => m.cpuUs)),
      non2xx: ms.reduce((sum, m) => sum + m.non2xx, 0), errors: ms.reduce((sum, m) => sum + m.errors, 0),
      ratio: round2(median(ms.map((m, i) => m.rps / ceilings[i]!.rps))),
      ratio_router: round2(median(ms.map((m, i) => m.rps / routerCeilings[i]!.rps))),
      ...(first.bytes === undefined ? {} : { bytes: first.bytes, ratio_same_size: round2(median(ms.map((m) => m.rps / m.sameSize!))) }),
      ...(baselineOf(name) ? { ratio_baseline: round2(median(ms.map((m, i) => m.rps / baselineOf(name)![i]!.rps))) } : {}),
      rounds: ms.map((m) => ({ rps: m.rps, p50: m.p50, p99: m.p99, cpu_us: m.cpuUs })),
    };
  });
}
