import { InvalidInputError } from './errors.js';
import type { Interval } from './interval.js';
import { formatUtcTime, MAX_EPOCH_SECONDS, parseUtcTime, toEpochSeconds } from './time.js';

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

/**
 * The dates availability answers for: a year back and two years ahead. A month's nights cost the
 * ephemeris about 40 ms to compute, once; without a bound, anyone could ask for month after month
 * of years nobody books and keep a process computing. Within it, a site has about 1 100 nights, so
 * the ephemeris's cache (20 000 nights) holds every night of 18 sites and each is computed once.
 */
const AVAILABILITY_PAST_DAYS = 366;
const AVAILABILITY_FUTURE_DAYS = 731;

/**
 * The range availability answers for on the UTC day of `nowMillis`: the server refuses a window
 * outside it, and the calendar page asks for no nights outside it.
 */
export function availabilityRange(nowMillis: number): Interval {
  const today = Math.floor(nowMillis / 86_400_000) * 86_400;
  return { start: formatUtcTime(today - AVAILABILITY_PAST_DAYS * 86_400), end: formatUtcTime(today + AVAILABILITY_FUTURE_DAYS * 86_400) };
}

const DAY = 86_400;

/**
 * The whole UTC days a window touches: `[start's midnight, the midnight at or after end)`. Every
 * window within the same days gives the same one, so a question asked of another service in whole
 * days is asked (and kept) once for all of them, however a client chose or spelled its window.
 */
export function wholeUtcDays(window: Interval): Interval {
  const start = toEpochSeconds(window.start);
  const end = toEpochSeconds(window.end);
  return { start: formatUtcTime(Math.floor(start / DAY) * DAY), end: formatUtcTime(Math.min(MAX_EPOCH_SECONDS, Math.ceil(end / DAY) * DAY)) };
}
