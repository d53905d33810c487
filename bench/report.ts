/** The run's figures as Markdown tables on standard output (the JSON file has every sample). */
import type { httpSection } from './sections/http.js';
import type { importSection } from './sections/import.js';
import { COLD_STARTS, type lambdaSection } from './sections/lambda.js';
import type { metricsSection } from './sections/metrics.js';
import type { scalingSection } from './sections/scaling.js';
import type { historySection } from './sections/history.js';
import type { icalSection } from './sections/ical.js';
import type { skySection } from './sections/sky.js';
import type { storeSection } from './sections/store.js';
import type { writesSection } from './sections/writes.js';

export interface BenchResults {
  http: Awaited<ReturnType<typeof httpSection>>;
  writes: Awaited<ReturnType<typeof writesSection>>;
  scaling: Awaited<ReturnType<typeof scalingSection>>;
  store: Awaited<ReturnType<typeof storeSection>>;
  history: Awaited<ReturnType<typeof historySection>>;
  lambda: Awaited<ReturnType<typeof lambdaSection>> | undefined;
  import: Array<Awaited<ReturnType<typeof importSection>>>;
  metrics: Awaited<ReturnType<typeof metricsSection>> | undefined;
  ical: Awaited<ReturnType<typeof icalSection>> | undefined;
  sky: Awaited<ReturnType<typeof skySection>> | undefined;
}

export function printTables(results: BenchResults): void {
  if (results.http.length) {
    console.log('\n| route | req/s (rounds\' range) | p50 ms | p99 ms | server CPU µs a request, fixed rate | × node:http | × Koa + @koa/router | answer bytes | × Koa + @koa/router, same bytes | × baseline | non-2xx |' +
      '\n|---|---|---|---|---|---|---|---|---|---|---|');
  }
  for (const r of results.http) {
    console.log(`| ${r.name} | ${r.rps} (${r.rps_min}–${r.rps_max}) | ${r.p50} | ${r.p99} | ${r.cpu_us} | ${r.ratio} | ${r.ratio_router} | ${r.bytes ?? ''} | ${r.ratio_same_size ?? ''} | ${r.ratio_baseline ?? ''} | ${r.non2xx} |`);
  }
  const ceilingRounds = results.http[0]?.rounds.map((r) => r.rps) ?? [];
  if (ceilingRounds.length > 1 && Math.max(...ceilingRounds) > 1.25 * Math.min(...ceilingRounds)) {
    console.log(`\nUnsteady machine: the node:http ceiling measured ${ceilingRounds.join(', ')} req/s in its rounds; trust the ratios, not the absolute figures, and compare with another run.`);
  }
  if (results.writes.length) {
    console.log('\n| write, store | req/s (rounds\' range) | p50 ms | p99 ms | server CPU µs a request, under the load | × baseline | baseline p50 ms | × without rules | non-2xx |\n|---|---|---|---|---|---|---|---|---|');
  }
  for (const r of results.writes) {
    console.log(`| ${r.name} | ${r.rps} (${r.rps_min}–${r.rps_max}) | ${r.p50} | ${r.p99} | ${r.cpu_us} | ${r.ratio_baseline ?? ''} | ${r.p50_baseline ?? ''} | ${r.ratio_without_rules ?? ''} | ${r.non2xx} |`);
  }
  if (results.scaling.length) {
    console.log('\n| events | /siteevents p50 | p99 | /get-event-at-time p50 | p99 |\n|---|---|---|---|---|');
    for (const s of results.scaling) console.log(`| ${s.events} | ${s.siteevents_p50} | ${s.siteevents_p99} | ${s.at_time_p50} | ${s.at_time_p99} |`);
  }
  if (results.history.length) console.log('\n| store | creates, with / without history | modifies, with / without history |\n|---|---|---|');
  for (const r of results.history) console.log(`| ${r.store} | ${r.creates_ratio} | ${r.modifies_ratio} |`);
  if (results.store.length) console.log('\n| store | atomic creates/s | week queries/s |\n|---|---|---|');
  for (const s of results.store) console.log(`| ${s.store} | ${s.creates_per_s} | ${s.week_queries_per_s} |`);
  for (const i of results.import) {
    console.log(`\nLCO import (projects service latency ${i.projects_latency_ms} ms): ${i.observations} observations in ${i.seconds} s = ${i.observations_per_s} obs/s; unchanged re-run ${i.unchanged_rerun_seconds} s with ${i.unchanged_rerun_writes} writes`);
  }
  if (results.metrics) {
    console.log(`\nMetrics: ${results.metrics.route} at ${results.metrics.rps_on} req/s recording against ${results.metrics.rps_off} with METRICS=off (median ratio ${results.metrics.ratio})`);
  }
  if (results.ical) {
    const i = results.ical;
    console.log('\n| site feed, a busy month | events | bytes | gzipped | ms to make | µs an event | ms, unchanged (cached) | ms, after one change | same events as list JSON: bytes, ms |\n|---|---|---|---|---|---|---|---|---|');
    console.log(`| /ical/{site}.ics | ${i.events} | ${i.feed_bytes} | ${i.feed_gzip_bytes} | ${i.feed_ms} | ${i.feed_us_per_event} | ${i.cached_ms} | ${i.after_change_ms} | ${i.json_bytes}, ${i.json_ms} |`);
    const a = i.attacks;
    console.log(`\nAn honest /siteevents reader: p50 ${a.honest_alone.p50_ms} ms alone; ${a.host_rotation.p50_ms} ms (${a.host_rotation.p50_ratio}×) while 2 connections ask for the feed ` +
      `under a new Host each time; ${a.edit_between_fetches.p50_ms} ms (${a.edit_between_fetches.p50_ratio}×) while 2 users edit an event before every fetch. ` +
      `Server CPU a request: ${a.cpu_us.feed_new_host} µs for the feed under a new Host, ${a.cpu_us.honest_week} µs for a week of /siteevents`);
    console.log(`\nUnknown feed key refused in ${i.refusal.random_us} µs (random) and ${i.refusal.near_miss_us} µs (all but the last character right): ratio ${i.refusal.ratio}; the key check ${i.refusal.lookup_known_us} µs for a real key, ${i.refusal.lookup_unknown_us} µs for a near miss`);
  }
  if (results.sky) {
    const s = results.sky;
    console.log('\n| /availability, a month at a busy site | nights | events | free pieces | ms, nights known | ms, nights computed | /siteevents, same window, ms | known ÷ /siteevents |\n|---|---|---|---|---|---|---|---|');
    console.log(`| SQLite | ${s.nights} | ${s.events} | ${s.free_pieces} | ${s.warm_ms} | ${s.cold_ms} | ${s.siteevents_ms} | ${s.warm_vs_siteevents} |`);
  }
  if (results.lambda) {
    console.log(`\nLambda bundle ${results.lambda.bundle_kib} KiB (entry ${results.lambda.entry_kib} KiB); cold start on the Lambda runtime's Node (load + first request, median of ${COLD_STARTS}) ${results.lambda.cold_start_ms_median ?? '-'} ms`);
  }
}
