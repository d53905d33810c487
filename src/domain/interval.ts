import { addSeconds } from './time.js';

/** Half-open time intervals `[start, end)` over canonical UTC times (string order is time order). */
export interface Interval {
  readonly start: string;
  readonly end: string;
}

/** Two intervals overlap iff each starts before the other ends: back-to-back ones do not. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/** An interval is active at `t` iff `start <= t < end`. */
export function isActiveAt(interval: Interval, t: string): boolean {
  return interval.start <= t && t < interval.end;
}

/**
 * The window whose overlapping intervals are exactly those active at `t`: `[t, t + 1 s)`, since
 * canonical times are whole seconds. Every store answers "active at t" through it.
 */
export function activeAtWindow(t: string): Interval {
  return { start: t, end: addSeconds(t, 1) };
}
