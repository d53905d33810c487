/**
 * What recording metrics costs a request: the same calendar served twice, METRICS=off and the
 * default (every request counted and timed), loaded in interleaved rounds on one route.
 */
import { formatUtcTime } from '../../src/domain/time.js';
import { FROM, json, median, MID, type Harness } from '../harness.js';
import { seedCalendar, siteName } from '../seed.js';

export async function metricsSection(h: Harness) {
  const dbPath = `${h.dir}/metrics.db`;
  seedCalendar(dbPath, { events: Math.min(h.settings.events, 20_000), from: FROM });
  const [off, on] = await Promise.all([h.startCalendar(dbPath, { METRICS: 'off' }), h.startCalendar(dbPath)]);
  const request = { path: '/get-event-at-time', ...json({ site: siteName(5), time: formatUtcTime(MID) }) };
  const rounds: Array<{ off: number; on: number }> = [];
  for (let round = 1; round <= h.settings.rounds; round++) {
    const a = await h.load(off, request);
    const b = await h.load(on, request);
    rounds.push({ off: a.rps, on: b.rps });
    h.log(`metrics round ${round}: METRICS=off ${a.rps} req/s, recording ${b.rps} req/s`);
  }
  const ratio = Math.round(median(rounds.map((r) => r.on / r.off)) * 100) / 100;
  h.log(`metrics: /get-event-at-time req/s recording / with METRICS=off, median of the rounds' ratios: ${ratio}`);
  return { route: '/get-event-at-time', rps_off: median(rounds.map((r) => r.off)), rps_on: median(rounds.map((r) => r.on)), ratio, rounds };
}
