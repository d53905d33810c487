/**
 * The routes under load, each beside ceilings measured in the same rounds: node:http, bare Koa, and
 * Koa with @koa/router reading the body (the stack the calendar's routes stand on), which also sends
 * answers of each read route's size. Every row has two figures: its rate at saturation, and the
 * server's CPU time per request at a fixed offered rate. The calendar runs the shipped defaults;
 * the one row with another setting says so.
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
  const [calendar, normalCalendar, nodeCeiling, koaCeiling, routerCeiling] = await Promise.all([
    h.startCalendar(dbPath),
    h.startCalendar(`${h.dir}/bench-normal.db`, { SQLITE_SYNCHRONOUS: 'NORMAL' }),
    h.spawnListening(['bench/ceilings.mjs', 'node']).then((s) => s.url),
    h.spawnListening(['bench/ceilings.mjs', 'koa']).then((s) => s.url),
    h.spawnListening(['bench/ceilings.mjs', 'koa-router']).then((s) => s.url),
  ]);
  const site = siteName(5);
  const mid = formatUtcTime(MID);
  const userToken = h.tokenFor('google-oauth2|bench-writer');
  const otherToken = h.tokenFor('google-oauth2|bench-intruder');
  let n = 0;
  const rounds = new Map<string, Array<Measured & { cpuUs: number; bytes?: number; sameSize?: number }>>();
  let sameSize = new Map<number, number>();
  const run = async (name: string, url: string, options: LoadOptions, expected = '200') => {
    // The answer's size, to compare with Koa + @koa/router sending as many bytes (read routes only).
    let bytes: number | undefined;
    if (url === calendar && !options.requests) {
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
  for (let round = 1; round <= ROUNDS; round++) {
    h.log(`round ${round} of ${ROUNDS}`);
    sameSize = new Map();
    await run('ceiling: node:http', nodeCeiling, json({ site }));
    await run('ceiling: bare Koa', koaCeiling, json({ site }));
    await run('ceiling: Koa + @koa/router + body', routerCeiling, json({ site }));
    await run('/siteevents (a week)', calendar, { path: '/siteevents', ...json({ site, start: mid, end: formatUtcTime(MID + 7 * 86_400) }) });
    await run('/get-event-at-time', calendar, { path: '/get-event-at-time', ...json({ site, time: mid }) });
    await run('/does-conflicting-event-exist', calendar, { path: '/does-conflicting-event-exist', ...json({ user_id: 'google-oauth2|user7', site, time: mid }) });
    await run('/is-user-scheduled', calendar, { path: '/is-user-scheduled', ...json({ user_id: 'google-oauth2|user7', site, time: mid }) });
    await run('/user-events-ending-after-time', calendar, { path: '/user-events-ending-after-time', ...json({ user_id: 'google-oauth2|user7', time: formatUtcTime(FROM + 700 * 86_400) }) });
    await run('/newevent (authenticated, unique)', calendar, unique(userToken, 'full'));
    await run('/newevent (authenticated, unique) under SQLITE_SYNCHRONOUS=NORMAL, not the default', normalCalendar, unique(userToken, 'normal'));
    await run('/newevent refused (409)', calendar, {
      path: '/newevent', method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${otherToken}` },
      requests: [{ setupRequest: (req) => {
        n += 1;
        return { ...req, body: JSON.stringify({ event_id: `clash-${n}`, site: 'new1', start: formatUtcTime(FROM + 800 * 86_400 + 3600), end: formatUtcTime(FROM + 800 * 86_400 + 7200) }) };
      } }],
    }, '409');
  }
  // Medians over the rounds; a ratio is the median of the rounds' ratios, each taken within its round.
  const round2 = (x: number): number => Math.round(x * 100) / 100;
  const ceilings = rounds.get('ceiling: node:http')!;
  const routerCeilings = rounds.get('ceiling: Koa + @koa/router + body')!;
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
      rounds: ms.map((m) => ({ rps: m.rps, p50: m.p50, p99: m.p99, cpu_us: m.cpuUs })),
    };
  });
}
