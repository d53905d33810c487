/** A week's /siteevents and an at-time query as the calendar grows from 10 000 to 1 000 000 events. */
import { formatUtcTime } from '../../src/domain/time.js';
import { json, MID, type Harness } from '../harness.js';
import { seedCalendar, siteName } from '../seed.js';

export async function scalingSection(h: Harness) {
  const results: Array<Record<string, unknown>> = [];
  for (const events of [10_000, 1_000_000]) {
    const dbPath = `${h.dir}/scale-${events}.db`;
    const t = performance.now();
    // Same density as the main calendar (200 000 events over two years at 20 sites, ~14 a day per
    // site): a bigger calendar is a longer history, so a week's answer stays the same size.
    const days = Math.max(7, Math.round((events / 20) / (200_000 / 20 / 730)));
    const from = MID - Math.floor(days / 2) * 86_400;
    seedCalendar(dbPath, { events, from, days });
    h.log(`seeded ${events} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const url = await h.startCalendar(dbPath);
    const site = siteName(3);
    const week = await h.load(url, { path: '/siteevents', ...json({ site, start: formatUtcTime(MID), end: formatUtcTime(MID + 7 * 86_400) }) });
    const at = await h.load(url, { path: '/get-event-at-time', ...json({ site, time: formatUtcTime(MID) }) });
    results.push({ events, siteevents_p50: week.p50, siteevents_p99: week.p99, siteevents_rps: week.rps, at_time_p50: at.p50, at_time_p99: at.p99, at_time_rps: at.rps });
    h.log(`${events} events: /siteevents p50 ${week.p50} ms p99 ${week.p99} ms; /get-event-at-time p50 ${at.p50} ms p99 ${at.p99} ms`);
  }
  return results;
}
