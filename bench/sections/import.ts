/**
 * The whole LCO import over HTTP: site-proxy stand-in (pages of 100), projects stand-in, SQLite. With
 * `projectsLatencyMs`, the projects service answers that much later, as a remote one would.
 */
import { anObservation } from '../../test/support/lco-fixture.js';
import { ProjectsStandIn } from '../../test/support/projects-stand-in.js';
import { SiteProxyStandIn } from '../../test/support/site-proxy-stand-in.js';
import type { Harness } from '../harness.js';

export async function importSection(h: Harness, projectsLatencyMs = 0) {
  const count = h.settings.importObservations;
  const [proxy, projects] = await Promise.all([new SiteProxyStandIn().start(), new ProjectsStandIn().start()]);
  try {
    projects.delayMs = projectsLatencyMs;
    proxy.maxPageSize = 100;
    proxy.secrets.set('mrc', 'bench-secret');
    // The import mirrors the weeks ahead of now: the observations start an hour from now, 10 minutes apart.
    const from = Date.now() + 3600_000;
    const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    proxy.observations.set('mrc', Array.from({ length: count }, (_, i) => anObservation({
      id: 900_000 + i, name: `Bench ${i}`, site: 'mrc', telescope: '0m31', state: 'PENDING',
      start: iso(from + i * 600_000), end: iso(from + i * 600_000 + 300_000),
    })));
    proxy.lastScheduled.set('mrc', '2026-01-01T00:00:00Z');
    const url = await h.startCalendar(`${h.dir}/import-${projectsLatencyMs}.db`, {
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
    h.log(`import (projects service latency ${projectsLatencyMs} ms): ${count} observations in ${result.seconds} s = ${result.observations_per_s} obs/s; unchanged re-run ${result.unchanged_rerun_seconds} s, ${result.unchanged_rerun_writes} writes`);
    return result;
  } finally {
    await Promise.all([proxy.stop(), projects.stop()]);
  }
}
