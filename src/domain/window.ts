import { InvalidInputError } from './errors.js';
import type { Interval } from './interval.js';
import { parseUtcTime, toEpochSeconds } from './time.js';

/**
 * A query window `[start, end)` from client values; `start < end` is required, and the window may
 * span at most `maxSeconds` when given.
 */
export function parseWindow(start: unknown, end: unknown, maxSeconds?: number): Interval {
  const window = { start: parseUtcTime(start, 'start'), end: parseUtcTime(end, 'end') };
  if (!(window.start < window.end)) throw new InvalidInputError('Invalid end: must be after start');
  if (maxSeconds !== undefined && toEpochSeconds(window.end) - toEpochSeconds(window.start) > maxSeconds) {
    throw new InvalidInputError(`Invalid end: a window may span at most ${formatSpan(maxSeconds)}; ask for a shorter one`);
  }
  return window;
}

function formatSpan(seconds: number): string {
  return seconds % 86_400 === 0 ? `${seconds / 86_400} days` : `${seconds} seconds`;
}
