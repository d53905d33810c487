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

/**
 * Intervals ordered by start, with those that overlap or meet joined into one: the time they cover
 * together, as spans that are apart.
 */
export function mergeTouching(ordered: Iterable<Interval>): Interval[] {
  const merged: Interval[] = [];
  for (const next of ordered) {
    const last = merged.at(-1);
    if (last && next.start <= last.end) {
      if (next.end > last.end) merged[merged.length - 1] = { start: last.start, end: next.end };
    } else merged.push(next);
  }
  return merged;
}
