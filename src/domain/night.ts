/**
 * Nights at a telescope: what the sky does between one solar noon and the next, and the parts of it
 * dark enough to observe. The ephemeris (a port) computes the events; the rules about them live
 * here: which part of a night is dark at a given darkness, which time is free of bookings, and
 * whether a booking lies inside a night.
 */
import { InvalidInputError } from './errors.js';
import { mergeTouching, type Interval } from './interval.js';
import { formatUtcTime, toEpochSeconds } from './time.js';

/** A configured site (SITES): where it is, and its zone for people's clocks. */
export interface SiteLocation {
  readonly name: string;
  /** Degrees north. */
  readonly latitude: number;
  /** Degrees east. */
  readonly longitude: number;
  readonly elevation_m: number;
  /** An IANA time zone, such as America/Phoenix. */
  readonly timezone: string;
  /** Bookings must lie inside the night (overrides REQUIRE_NIGHT for this site). */
  readonly require_night?: boolean;
  /** The darkness a booking must lie in when the night is required (overrides NIGHT_DARKNESS). */
  readonly darkness?: Exclude<Darkness, 'any'>;
}

/** The darkness a required night can mean; `any` (below) only cuts nothing. */
export const NIGHT_DARKNESS_LEVELS = ['astronomical', 'nautical', 'civil'] as const;
export const DARKNESS_LEVELS = [...NIGHT_DARKNESS_LEVELS, 'any'] as const;
export type Darkness = (typeof DARKNESS_LEVELS)[number];

/** The Sun's centre below the horizon at each darkness, in degrees (geometric, as almanacs define twilight). */
export const DEPRESSION: Readonly<Record<Exclude<Darkness, 'any'>, number>> = { civil: -6, nautical: -12, astronomical: -18 };

/** What the sky does in one night, in canonical UTC; an event that does not happen that night is null. */
export interface NightEvents {
  readonly sunset: string | null;
  readonly civil_dusk: string | null;
  readonly nautical_dusk: string | null;
  readonly astronomical_dusk: string | null;
  readonly astronomical_dawn: string | null;
  readonly nautical_dawn: string | null;
  readonly civil_dawn: string | null;
  readonly sunrise: string | null;
  readonly moonrise: string | null;
  readonly moonset: string | null;
  /** The Moon's illuminated fraction at the night's middle, 0 to 1. */
  readonly moon_illumination: number;
}

export interface Night extends NightEvents {
  /** From one solar noon (upper transit of the Sun) to the next. */
  readonly span: Interval;
  /** The Sun's geometric altitude, in degrees, at the span's start (the day's highest) and at its middle (about the lowest). */
  readonly noonAltitude: number;
  readonly midnightAltitude: number;
}

const DUSK = { civil: 'civil_dusk', nautical: 'nautical_dusk', astronomical: 'astronomical_dusk' } as const;
const DAWN = { civil: 'civil_dawn', nautical: 'nautical_dawn', astronomical: 'astronomical_dawn' } as const;

/**
 * The dark part of a night at a darkness: from dusk to dawn. The whole night when even noon is that
 * dark (polar night), none when even midnight is not (polar day, or a white night), and the night's
 * edge where the dusk or dawn falls outside it. `any` is the whole night.
 */
export function darkInterval(night: Night, darkness: Darkness): Interval | null {
  if (darkness === 'any') return night.span;
  const depression = DEPRESSION[darkness];
  if (night.noonAltitude < depression) return night.span;
  if (night.midnightAltitude >= depression) return null;
  const start = night[DUSK[darkness]] ?? night.span.start;
  const end = night[DAWN[darkness]] ?? night.span.end;
  return start < end ? { start, end } : null;
}

/**
 * The dark parts of nights at a darkness, in order (nights with none left out). Parts that meet
 * (a polar night is dark from noon to noon, and two nights' noons, computed apart, can differ by
 * a second) are one part: free time is never cut at a noon nobody can see.
 */
export function darkParts(nights: readonly Night[], darkness: Darkness): Interval[] {
  return mergeTouching(nights.map((night) => darkInterval(night, darkness)).filter((d): d is Interval => d !== null));
}

/**
 * The free time of a window: the window cut to each dark part, minus every booked interval, in
 * pieces of at least `minMinutes` (and never empty). Ordered by start; pieces never overlap.
 * `parts` are in order and apart (darkParts gives them so). The bookings are first merged into
 * busy spans that are apart, so one pass over them serves every part: linear after the sort,
 * where a pass per part cost a month at a busy site a few milliseconds.
 */
export function freeIntervals(parts: readonly Interval[], window: Interval, booked: readonly Interval[], minMinutes: number): Interval[] {
  const busy = mergeTouching([...booked].sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0)));
  const free: Interval[] = [];
  let next = 0;
  for (const dark of parts) {
    let cursor = dark.start > window.start ? dark.start : window.start;
    const stop = dark.end < window.end ? dark.end : window.end;
    if (cursor >= stop) continue;
    // Spans that end by the cursor are behind every later part too.
    while (next < busy.length && busy[next]!.end <= cursor) next++;
    for (let i = next; i < busy.length && busy[i]!.start < stop; i++) {
      const b = busy[i]!;
      if (b.start > cursor) free.push({ start: cursor, end: b.start });
      if (b.end > cursor) cursor = b.end;
    }
    if (cursor < stop) free.push({ start: cursor, end: stop });
  }
  if (minMinutes <= 0) return free;
  const minSeconds = minMinutes * 60;
  return free.filter((piece) => toEpochSeconds(piece.end) - toEpochSeconds(piece.start) >= minSeconds);
}

/**
 * Refuses a booking that does not lie inside one night's dark part at the darkness, naming that
 * night's bounds (or saying there is none).
 */
export function assertInsideNight(site: string, booking: Interval, nights: readonly Night[], darkness: Exclude<Darkness, 'any'>): void {
  const darks = darkParts(nights, darkness);
  if (darks.some((d) => d.start <= booking.start && booking.end <= d.end)) return;
  const near = darks.find((d) => d.end > booking.start) ?? darks.at(-1);
  throw new InvalidInputError(near
    ? `Bookings at ${site} must lie inside the night (${darkness} darkness): the nearest night there runs from ${near.start} to ${near.end}.`
    : `Bookings at ${site} must lie inside the night (${darkness} darkness), and there is no ${darkness} darkness there around ${booking.start}.`);
}

/** The local-mean-time dates (YYYY-MM-DD) whose nights can overlap the window at a longitude. */
export function nightDates(window: Interval, longitude: number): string[] {
  const offset = Math.round((longitude / 15) * 3600);
  const first = Math.floor((toEpochSeconds(window.start) + offset) / 86_400) - 1;
  const last = Math.floor((toEpochSeconds(window.end) + offset) / 86_400);
  const dates: string[] = [];
  for (let day = first; day <= last; day++) dates.push(formatUtcTime(day * 86_400).slice(0, 10));
  return dates;
}
