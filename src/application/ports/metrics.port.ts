import { token } from '../token.js';

/** What the use cases report for operators (counters and timings); a no-op where nobody scrapes. */
export interface Metrics {
  /** One subsite's import finished: `imported`, `skipped`, `not_configured` or `failed`. */
  importFinished(subsite: string, status: string, seconds: number): void;
}

export const NO_METRICS: Metrics = { importFinished: () => undefined };

export const MetricsToken = token<Metrics>('Metrics');
