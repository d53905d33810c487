/**
 * Canonical UTC times. Every time is stored and returned as `YYYY-MM-DDTHH:mm:ssZ`, so that string
 * order is time order (the storage indexes rely on it). Calendar arithmetic is done by hand on whole
 * seconds, which keeps this module pure and free of `Date`'s two-digit-year and local-zone quirks.
 */
import { InvalidInputError } from './errors.js';

/** What a client may send as a time: ISO 8601 with a zone, seconds and fraction optional. */
export const ISO_8601_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):?(\d{2}))$/;
/** How every time is stored and returned. */
export const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const SECONDS_PER_DAY = 86_400;
/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range a four-digit year can spell. */
export const MIN_EPOCH_SECONDS = daysFromCivil(0, 1, 1) * SECONDS_PER_DAY;
export const MAX_EPOCH_SECONDS = daysFromCivil(9999, 12, 31) * SECONDS_PER_DAY + SECONDS_PER_DAY - 1;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(days: number): [year: number, month: number, day: number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return [year, month, day];
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Seconds since the epoch of an ISO 8601 time with a zone, or undefined when the text is not one
 * (no zone, impossible date, out of range). Fractional seconds are truncated.
 */
export function epochSecondsOf(text: string): number | undefined {
  const m = ISO_8601_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number, number, number, number, number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetSeconds = 0;
  if (m[7] !== undefined) {
    const offsetHours = Number(m[8]);
    const offsetMinutes = Number(m[9]);
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    offsetSeconds = (m[7] === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  }
  const epoch =
    daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offsetSeconds;
  if (epoch < MIN_EPOCH_SECONDS || epoch > MAX_EPOCH_SECONDS) return undefined;
  return epoch;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** The canonical form of a whole number of seconds since the epoch. */
export function formatUtcTime(epochSeconds: number): string {
  if (!Number.isInteger(epochSeconds) || epochSeconds < MIN_EPOCH_SECONDS || epochSeconds > MAX_EPOCH_SECONDS) {
    throw new RangeError(`time out of range: ${epochSeconds}`);
  }
  const days = Math.floor(epochSeconds / SECONDS_PER_DAY);
  const secondOfDay = epochSeconds - days * SECONDS_PER_DAY;
  const [year, month, day] = civilFromDays(days);
  const hh = Math.floor(secondOfDay / 3600);
  const mm = Math.floor((secondOfDay % 3600) / 60);
  const ss = secondOfDay % 60;
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}T${pad2(hh)}:${pad2(mm)}:${pad2(ss)}Z`;
}

export const TIME_EXPECTED = 'expected an ISO 8601 UTC time with a zone, like 2025-06-20T03:00:00Z';

/** Canonical form of a client-supplied time; throws InvalidInputError naming `field` otherwise. */
export function parseUtcTime(value: unknown, field: string): string {
  if (typeof value === 'string') {
    const epoch = epochSecondsOf(value);
    if (epoch !== undefined) {
      return CANONICAL_TIME.test(value) ? value : formatUtcTime(epoch);
    }
  }
  throw new InvalidInputError(`Invalid ${field}: ${TIME_EXPECTED}`);
}

/** Seconds since the epoch of a canonical (already validated) time. */
export function toEpochSeconds(canonical: string): number {
  const epoch = epochSecondsOf(canonical);
  if (epoch === undefined) throw new RangeError(`not a canonical UTC time: ${canonical}`);
  return epoch;
}

/** `canonical` moved by `seconds`, clamped to the representable range. */
export function addSeconds(canonical: string, seconds: number): string {
  const moved = toEpochSeconds(canonical) + seconds;
  return formatUtcTime(Math.min(MAX_EPOCH_SECONDS, Math.max(MIN_EPOCH_SECONDS, moved)));
}

/** The current time as a canonical string, from a clock reading in milliseconds. */
export function utcTimeFromMillis(millis: number): string {
  return formatUtcTime(Math.floor(millis / 1000));
}
