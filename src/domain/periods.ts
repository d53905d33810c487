/**
 * The periods time allowances are counted in, on a site's own clock: a night runs from noon to the
 * next noon in the site's time zone (a booking at 23:00 and one at 02:00 are the same night's), a
 * week is the seven nights dated Monday to Sunday, and a rolling window is N consecutive nights.
 * Noon on the clock, not the Sun's transit (which /availability's nights follow): people count
 * their nights by the clock, and the two differ by daylight only. Across a change to or from
 * daylight saving time a night lasts 23 or 25 hours, as the clock says.
 *
 * Zone offsets come from the runtime's own time zone database (Intl), which the domain may use as
 * it uses arithmetic: it is part of the language, not a package.
 */

/** A night, named by the local date of the noon it starts at: `YYYY-MM-DD`. */
export type NightDate = string;

export interface Span {
  /** Epoch milliseconds; `end` excluded. */
  readonly start: number;
  readonly end: number;
}

const DAY_MS = 86_400_000;
/** Zones whose offsets are fixed, so no formatter is needed. */
const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** The zone's local time at `ms` as if it were UTC: its offset is the difference. */
function localAsUtc(zone: string, ms: number): number {
  if (UTC_ZONES.has(zone)) return ms;
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(ms)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The zone's offset from UTC at the instant `ms`, in milliseconds (east positive). */
export function zoneOffset(zone: string, ms: number): number {
  return localAsUtc(zone, Math.floor(ms / 1000) * 1000) - Math.floor(ms / 1000) * 1000;
}

/** Days since 1970-01-01 of a date, and back: the periods' arithmetic is on these whole numbers. */
export const dayNumber = (date: NightDate): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
export const dateOfDay = (day: number): NightDate => new Date(day * DAY_MS).toISOString().slice(0, 10);

export function addNights(date: NightDate, nights: number): NightDate {
  return dateOfDay(dayNumber(date) + nights);
}

/** Whole nights from `a` to `b`. */
export function nightsBetween(a: NightDate, b: NightDate): number {
  return dayNumber(b) - dayNumber(a);
}

const noons = new Map<string, number>();

/**
 * 12:00 on day `day` (dayNumber) in the zone, as an instant; kept, so that after the first time a
 * night's edges cost a lookup, not a trip through the zone database. Noon is never skipped or
 * repeated by a clock change.
 */
export function noonOfDay(zone: string, day: number): number {
  const key = `${zone}|${day}`;
  const cached = noons.get(key);
  if (cached !== undefined) return cached;
  const wall = day * DAY_MS + DAY_MS / 2;
  let instant = wall - zoneOffset(zone, wall);
  instant = wall - zoneOffset(zone, instant);
  // Bounded: a long-lived server asks about a few thousand nights at most.
  if (noons.size > 50_000) noons.clear();
  noons.set(key, instant);
  return instant;
}

/** 12:00 on `date` in the zone, as an instant. */
export const localNoon = (zone: string, date: NightDate): number => noonOfDay(zone, dayNumber(date));

/**
 * The night an instant falls in, as a day number: the last day whose local noon is not after it.
 * Zone offsets lie within a day of UTC, so that day is within two of the instant's UTC date.
 */
export function nightNumber(zone: string, ms: number): number {
  let day = Math.floor(ms / DAY_MS) + 2;
  while (noonOfDay(zone, day) > ms) day -= 1;
  return day;
}

/** The night an instant falls in: its local date, or the day before when it is before noon. */
export const nightOf = (zone: string, ms: number): NightDate => dateOfDay(nightNumber(zone, ms));

/** From the night's noon to the next night's. */
export function nightSpan(zone: string, date: NightDate): Span {
  return nightsSpanOf(zone, dayNumber(date), 1);
}

/** N nights from night `first` (a day number), as one span. */
export function nightsSpanOf(zone: string, first: number, nights: number): Span {
  return { start: noonOfDay(zone, first), end: noonOfDay(zone, first + nights) };
}

/** The first and last nights a span touches (its end excluded), as day numbers. */
export function nightRange(zone: string, span: Span): [first: number, last: number] {
  return [nightNumber(zone, span.start), nightNumber(zone, Math.max(span.start, span.end - 1))];
}

/** The nights a span touches (its end excluded), in order. */
export function nightsTouched(zone: string, span: Span): NightDate[] {
  const [first, last] = nightRange(zone, span);
  const nights: NightDate[] = [];
  for (let day = first; day <= last; day++) nights.push(dateOfDay(day));
  return nights;
}

/** The Monday (a day number) whose week, seven nights from Monday's to Sunday's, holds night `day`. */
export function weekStart(day: number): number {
  // Day 0, 1970-01-01, was a Thursday: Monday is 3 days on from it, modulo 7.
  return day - (((day - 4) % 7) + 7) % 7;
}

/** The Monday whose week holds the night. */
export const weekOf = (date: NightDate): NightDate => dateOfDay(weekStart(dayNumber(date)));

/** N nights from `first`, as one span. */
export const nightsSpan = (zone: string, first: NightDate, nights: number): Span => nightsSpanOf(zone, dayNumber(first), nights);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A night's date as people write it: `14 Dec 2026`. */
export function dayLabel(date: NightDate): string {
  const [year, month, day] = date.split('-').map(Number);
  return `${day} ${MONTHS[month! - 1]} ${year}`;
}

/** The milliseconds of `span` inside `period`. */
export function overlapMs(span: Span, period: Span): number {
  return Math.max(0, Math.min(span.end, period.end) - Math.max(span.start, period.start));
}
