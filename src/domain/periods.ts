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
  return utcMs(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** Date.UTC, for the years 0 to 99 too (which Date.UTC takes for 1900 to 1999). */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(Date.UTC(2000, month, day, hour, minute, second));
  date.setUTCFullYear(year);
  return date.getTime();
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

/** Noon's instant on the day `day` (dayNumber) in the zone, from the zone database itself (two lookups, nothing kept). */
export function noonFromZone(zone: string, day: number): number {
  const wall = day * DAY_MS + DAY_MS / 2;
  const instant = wall - zoneOffset(zone, wall);
  return wall - zoneOffset(zone, instant);
}

/**
 * Each zone's noon offsets, a year at a time: entry i is how far noon on the year's day i is from
 * 12:00 UTC. One typed array per zone and year holds a year of nights without an object per night
 * (a cache of numbers boxed one by one made the garbage collector the largest cost of judging a
 * booking), and a year is read from the zone database at one noon a week, searching the week of
 * each change for its day: clocks change at most once in a week.
 */
const noonOffsets = new Map<string, Float64Array>();
/** Zone-years kept: 2 000 of them are 6 MB; past that the cache starts again. */
const MAX_ZONE_YEARS = 2_000;

function yearOffsets(zone: string, year: number): Float64Array {
  const key = `${zone}|${year}`;
  let offsets = noonOffsets.get(key);
  if (offsets) return offsets;
  const first = utcMs(year, 0, 1) / DAY_MS;
  const days = utcMs(year + 1, 0, 1) / DAY_MS - first;
  const offsetOf = (i: number): number => (first + i) * DAY_MS + DAY_MS / 2 - noonFromZone(zone, first + i);
  offsets = new Float64Array(days);
  let from = 0;
  let fromOffset = offsetOf(0);
  while (from < days - 1) {
    const to = Math.min(from + 7, days - 1);
    const toOffset = offsetOf(to);
    if (toOffset === fromOffset) {
      offsets.fill(fromOffset, from, to + 1);
    } else {
      // The first day of the week at the new offset.
      let [low, high] = [from, to];
      while (high - low > 1) {
        const mid = (low + high) >> 1;
        if (offsetOf(mid) === fromOffset) low = mid;
        else high = mid;
      }
      offsets.fill(fromOffset, from, high);
      offsets.fill(toOffset, high, to + 1);
    }
    [from, fromOffset] = [to, toOffset];
  }
  if (days === 1) offsets[0] = fromOffset;
  if (noonOffsets.size >= MAX_ZONE_YEARS) noonOffsets.clear();
  noonOffsets.set(key, offsets);
  return offsets;
}

/** The zone-year read last, and its first day: one judgment asks about a few nights of one year. */
let last: { zone: string; first: number; offsets: Float64Array } = { zone: '', first: 0, offsets: new Float64Array(0) };

/** 12:00 on day `day` (dayNumber) in the zone, as an instant. Noon is never skipped or repeated by a clock change. */
export function noonOfDay(zone: string, day: number): number {
  const noonUtc = day * DAY_MS + DAY_MS / 2;
  if (UTC_ZONES.has(zone)) return noonUtc;
  let index = day - last.first;
  if (zone !== last.zone || index < 0 || index >= last.offsets.length) {
    const year = new Date(noonUtc).getUTCFullYear();
    const first = utcMs(year, 0, 1) / DAY_MS;
    last = { zone, first, offsets: yearOffsets(zone, year) };
    index = day - first;
  }
  return noonUtc - last.offsets[index]!;
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
