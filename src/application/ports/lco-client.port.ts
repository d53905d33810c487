import type { Interval } from '../../domain/interval.js';
import type { LcoObservation } from '../../domain/lco.js';
import { token } from '../token.js';

export interface ScheduleQuery {
  readonly wema: string;
  readonly telescope: string;
  readonly window: Interval;
  readonly states: readonly string[];
}

export interface InvalidObservation {
  readonly id: unknown;
  readonly reason: string;
}

export interface Schedule {
  /** Every valid observation of every page. */
  readonly observations: LcoObservation[];
  /** Entries that failed schema validation: skipped, and reported. */
  readonly invalid: InvalidObservation[];
}

/**
 * The LCO observation portal behind a WEMA's site proxy. Every failure (network, timeout, 4xx, 5xx,
 * malformed JSON, a failed page) throws UpstreamUnavailableError: a caller never sees half a schedule.
 */
export interface LcoClient {
  fetchSchedule(query: ScheduleQuery, secret: string): Promise<Schedule>;
  /** LCO's `last_schedule_time` for the WEMA, or undefined when it has none. */
  lastScheduleTime(wema: string, secret: string): Promise<string | undefined>;
}

export const LcoClientToken = token<LcoClient>('LcoClient');
/**
 * The LCO client of the anonymous read-through route: calls shared, answers kept a short while, a
 * failing site proxy paused (GuardedLcoClient). The import has the plain one, LcoClientToken.
 */
export const ReadThroughLcoClientToken = token<LcoClient>('ReadThroughLcoClient');
