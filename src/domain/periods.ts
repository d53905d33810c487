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

const dateMs = (date: NightDate): number => Date.parse(`${date}T00:00:00Z`);
const dateOf = (ms: number): NightDate => new Date(ms).toISOString().slice(0, 10);

export function addNights(date: NightDate, nights: number): NightDate {
  return dateOf(dateMs(date) + nights * DAY_MS);
}

/** Whole nights from `a` to `b`. */
export function nightsBetween(a: NightDate, b: NightDate): number {
  return Math.round((dateMs(b) - dateMs(a)) / DAY_MS);
}

const noons = new Map<string, number>();

/** 12:00 on `date` in the zone, as an instant. Noon is never skipped or repeated by a clock change. */
export function localNoon(zone: string, date: NightDate): number {
  const key = `${zone} ${date}`;
  const cached = noons.get(key);
  if (cached !== undefined) return cached;
  const wall = dateMs(date) + DAY_MS / 2;
  let instant = wall - zoneOffset(zone, wall);
  instant = wall - zoneOffset(zone, instant);
  // Bounded: a long-lived server asks about a few thousand nights at most.
  if (noons.size > 50_000) noons.clear();
  noons.set(key, instant);
  return instant;
}

/** The night an instant falls in: its local date, or the day before when it is before noon. */
export function nightOf(zone: string, ms: number): NightDate {
  const local = localAsUtc(zone, ms);
  const date = dateOf(local);
  return new Date(local).getUTCHours() < 12 ? addNights(date, -1) : date;
}

/** From the night's noon to the next night's. */
export function nightSpan(zone: string, date: NightDate): Span {
  return { start: localNoon(zone, date), end: localNoon(zone, addNights(date, 1)) };
}

/** The nights a span touches (its end excluded), in order. */
export function nightsTouched(zone: string, span: Span): NightDate[] {
  const first = nightOf(zone, span.start);
  const last = nightOf(zone, Math.max(span.start, span.end - 1));
  const nights: NightDate[] = [];
  for (let date = first; date <= last; date = addNights(date, 1)) nights.push(date);
  return nights;
}

/** The Monday whose week (seven nights, Monday's to Sunday's) holds the night. */
export function weekOf(date: NightDate): NightDate {
  const weekday = new Date(dateMs(date)).getUTCDay();
  return addNights(date, -((weekday + 6) % 7));
}

/** N nights from `first`, as one span. */
export function nightsSpan(zone: string, first: NightDate, nights: number): Span {
  return { start: localNoon(zone, first), end: localNoon(zone, addNights(first, nights)) };
}

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
