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
