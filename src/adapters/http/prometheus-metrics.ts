/**
 * The server's metrics in Prometheus text format, with prom-client: request counts and latency per
 * route and status, shed and rate-limited requests, store errors, read-cache hits and misses, and
 * import runs by outcome. Each
 * server has its own registry (several can share a process, as in the tests). Recording is a counter
 * increment or a histogram bucket per request; the text is only rendered when scraped.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Metrics } from '../../application/ports/metrics.port.js';

export interface HttpMetrics extends Metrics {
  /** `route` is the route's pattern (never the raw path, which a stranger chooses), or `unmatched`. */
  requestFinished(method: string, route: string, status: number, seconds: number): void;
  shed(): void;
  rateLimited(limit: string): void;
  /** A request the store could not serve: `STORE_UNAVAILABLE`, or `unexpected` for a 500. */
  storeError(kind: string): void;
  /** A pure read answered from the read cache (hit) or computed (miss). */
  readCache(hit: boolean): void;
  render(): Promise<{ contentType: string; text: string }>;
}

export class PrometheusMetrics implements HttpMetrics {
  private readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'calendar_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'], registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'calendar_http_request_duration_seconds', help: 'Time from a request\'s arrival to its answer, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  private readonly shedCount = new Counter({
    name: 'calendar_http_shed_total', help: 'Requests turned away at once because MAX_IN_FLIGHT were being handled, or UPSTREAM_MAX_IN_FLIGHT waited on the service they needed.', registers: [this.registry],
  });
  private readonly limited = new Counter({
    name: 'calendar_http_rate_limited_total', help: 'Requests refused with 429 by a per-client limit, by limit.',
    labelNames: ['limit'], registers: [this.registry],
  });
  private readonly storeErrors = new Counter({
    name: 'calendar_store_errors_total', help: 'Requests the store could not serve: STORE_UNAVAILABLE (503) or unexpected (500).',
    labelNames: ['kind'], registers: [this.registry],
  });
  private readonly readCacheAnswers = new Counter({
    name: 'calendar_read_cache_total', help: 'Pure reads answered from the read cache (hit) or computed (miss).',
    labelNames: ['result'], registers: [this.registry],
  });
  private readonly readCacheHit = this.readCacheAnswers.labels('hit');
  private readonly readCacheMiss = this.readCacheAnswers.labels('miss');
  private readonly imports = new Counter({
    name: 'calendar_import_runs_total', help: 'LCO imports of one subsite, by outcome.',
    labelNames: ['subsite', 'status'], registers: [this.registry],
  });
  private readonly importSeconds = new Histogram({
    name: 'calendar_import_duration_seconds', help: 'Time one subsite\'s LCO import took.',
    labelNames: ['subsite'], buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120], registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    // The process's own figures (CPU, memory, event-loop lag, handles), prefixed like the rest.
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'calendar_' });
  }

  requestFinished(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.latency.observe(labels, seconds);
  }

  shed(): void {
    this.shedCount.inc();
  }

  rateLimited(limit: string): void {
    this.limited.inc({ limit });
  }

  storeError(kind: string): void {
    this.storeErrors.inc({ kind });
  }

  readCache(hit: boolean): void {
    (hit ? this.readCacheHit : this.readCacheMiss).inc();
  }

  importFinished(subsite: string, status: string, seconds: number): void {
    this.imports.inc({ subsite, status });
    this.importSeconds.observe({ subsite }, seconds);
  }

  async render(): Promise<{ contentType: string; text: string }> {
    // prom-client writes a not-a-number sample (the event-loop lag before its first reading) as
    // "Nan"; the text format spells it "NaN", and strict parsers refuse anything else.
    return { contentType: this.registry.contentType, text: (await this.registry.metrics()).replace(/ Nan$/gm, ' NaN') };
  }
}
