import { InvalidInputError } from './errors.js';
import type { Interval } from './interval.js';
import { parseUtcTime } from './time.js';

/** A query window `[start, end)` from client values; `start < end` is required. */
export function parseWindow(start: unknown, end: unknown): Interval {
  const window = { start: parseUtcTime(start, 'start'), end: parseUtcTime(end, 'end') };
  if (!(window.start < window.end)) throw new InvalidInputError('Invalid end: must be after start');
  return window;
}
