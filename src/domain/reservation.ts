/**
 * The calendar event (reservation) record and its validation. Known keys are type-checked and
 * normalised; unknown keys the frontend sends (`rendering`, ...) are kept as they are.
 */
import { EventTooLargeError, InvalidInputError, VersionMismatchError } from './errors.js';
import { parseUtcTime, toEpochSeconds } from './time.js';

export interface Reservation {
  event_id: string;
  start: string;
  end: string;
  creator: string;
  creator_id: string;
  site: string;
  resourceId: string;
  title: string;
  reservation_type: string;
  origin: string;
  project_id: string;
  project_priority?: string;
  reservation_note: string;
  last_modified: string;
  /**
   * 1 when created, one more on every change (a restore goes on from the id's last version: arrivalVersion).
   * The write's plan sets it (write-plan.ts) and the store commits it in the same atomic step as the
   * change it counts; what a client sends as `version` is never stored.
   */
  version: number;
  [extra: string]: unknown;
}

export const NO_PROJECT = 'none';
/**
 * What a new event's id may be: an identifier, printable ASCII without spaces (the frontend sends
 * UUIDs). Ids stored before the rule may hold anything; they are still read, changed and looked up
 * (every writer of an output encodes them), only new ones are held to it.
 */
export const EVENT_ID = /^[!-~]{1,128}$/;
export const EVENT_ID_EXPECTED = 'expected 1 to 128 printable ASCII characters without spaces, such as a UUID';
export const SITE_CODE = /^[a-z0-9]{1,16}$/;
export const SITE_CODE_EXPECTED = 'expected a site code of 1 to 16 lowercase letters and digits';

/** Length caps of the known string fields. */
export const LIMITS = {
  event_id: 128,
  creator: 256,
  creator_id: 256,
  title: 256,
  resourceId: 64,
  reservation_type: 32,
  project_id: 512,
  project_priority: 64,
  reservation_note: 4096,
  extraKeys: 64,
  extraDepth: 8,
  /**
   * A stored event as JSON, extras included, in bytes. The frontend's events are about 1 KB; the cap
   * keeps every list answer bounded by (events in it) x 16 KB, whatever the callers store.
   */
  eventBytes: 16 * 1024,
} as const;

const KNOWN_KEYS = new Set([
  'event_id', 'start', 'end', 'creator', 'creator_id', 'site', 'resourceId', 'title',
  'reservation_type', 'origin', 'project_id', 'project_priority', 'reservation_note', 'last_modified', 'version',
]);
/** Keys that must never become own properties of a stored object. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type RawRecord = Record<string, unknown>;

/** The keys /newevent cannot do without. */
export const REQUIRED_EVENT_KEYS = ['event_id', 'site', 'start', 'end'] as const;

/** `"none"`, `"none#"`, `""` and a missing value all mean "no project", stored as `"none"`. */
export function normaliseProjectId(value: string | undefined | null): string {
  if (value === undefined || value === null) return NO_PROJECT;
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'none' || trimmed.toLowerCase() === 'none#') return NO_PROJECT;
  return trimmed;
}

export function hasProject(reservation: Pick<Reservation, 'project_id'>): boolean {
  return normaliseProjectId(reservation.project_id) !== NO_PROJECT;
}

/** The one test of "this event came from the LCO scheduler" (stored origins may be any case). */
export function isLcoOrigin(origin: string): boolean {
  return origin.toUpperCase() === 'LCO';
}

/** The origin as the stores index it: exactly `LCO` or `PTR`. */
export function canonicalOrigin(origin: string): 'LCO' | 'PTR' {
  return isLcoOrigin(origin) ? 'LCO' : 'PTR';
}

export function parseSiteCode(value: unknown, field = 'site'): string {
  if (typeof value !== 'string' || !SITE_CODE.test(value)) {
    throw new InvalidInputError(`Invalid ${field}: ${SITE_CODE_EXPECTED}`);
  }
  return value;
}

/** A string field, or undefined when absent or null; any other type is a 400 naming the key. */
export function optionalString(raw: RawRecord, key: string, maxLength: number): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidInputError(`Invalid ${key}: expected a string`);
  if (value.length > maxLength) {
    throw new InvalidInputError(`Invalid ${key}: longer than ${maxLength} characters`);
  }
  return value;
}

export function requireKeys(raw: RawRecord, keys: readonly string[]): void {
  for (const key of keys) {
    if (raw[key] === undefined || raw[key] === null) {
      throw new InvalidInputError(`Error: missing required key ${key}`);
    }
  }
}

function jsonDepth(value: unknown, limit: number): number {
  if (value === null || typeof value !== 'object') return 0;
  if (limit <= 0) return 1;
  let deepest = 0;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, jsonDepth(child, limit - 1));
    if (deepest >= limit) break;
  }
  return deepest + 1;
}

/** The unknown keys of a record, kept for storage; bounded so one event cannot grow without limit. */
function extraFields(raw: RawRecord): RawRecord {
  const extras: RawRecord = {};
  let count = 0;
  for (const [key, value] of Object.entries(raw)) {
    if (KNOWN_KEYS.has(key) || UNSAFE_KEYS.has(key) || value === undefined) continue;
    if (++count > LIMITS.extraKeys) {
      throw new InvalidInputError(`Invalid event: more than ${LIMITS.extraKeys} extra keys`);
    }
    if (jsonDepth(value, LIMITS.extraDepth + 1) > LIMITS.extraDepth) {
      throw new InvalidInputError(`Invalid ${key}: nested deeper than ${LIMITS.extraDepth} levels`);
    }
    Object.defineProperty(extras, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return extras;
}

export interface ReservationRules {
  /** Longest reservation accepted, in seconds. */
  readonly maxDurationSeconds: number;
}

/** What the server decides rather than the client: the owner, the time of the write. */
interface ServerFields {
  readonly creator_id: string;
  readonly last_modified: string;
  /** Display name used when the record has none. */
  readonly defaultCreator: string;
  /** The owner's display name from the identity provider (creatorNameFor): it wins over the record's. */
  readonly creator?: string;
}

/**
 * Validates a client record and returns the reservation to store. Throws InvalidInputError with a
 * message naming the offending key.
 */
export function buildReservation(raw: RawRecord, server: ServerFields, rules: ReservationRules): Reservation {
  requireKeys(raw, REQUIRED_EVENT_KEYS);
  const eventId = optionalString(raw, 'event_id', LIMITS.event_id) ?? '';
  if (eventId.length === 0) throw new InvalidInputError('Invalid event_id: must not be empty');
  const site = parseSiteCode(raw.site);
  const start = parseUtcTime(raw.start, 'start');
  const end = parseUtcTime(raw.end, 'end');
  if (!(start < end)) throw new InvalidInputError('Invalid end: must be after start');
  const durationSeconds = toEpochSeconds(end) - toEpochSeconds(start);
  if (durationSeconds > rules.maxDurationSeconds) {
    throw new InvalidInputError(
      `Invalid end: a reservation may last at most ${rules.maxDurationSeconds / 3600} hours`,
    );
  }

  // Type-check every known key, including those the server then overrides.
  optionalString(raw, 'creator_id', LIMITS.creator_id);
  optionalString(raw, 'last_modified', 64);
  const sentCreator = optionalString(raw, 'creator', LIMITS.creator);
  const creator = server.creator ?? sentCreator ?? server.defaultCreator;
  const title = optionalString(raw, 'title', LIMITS.title);
  const resourceId = optionalString(raw, 'resourceId', LIMITS.resourceId);
  const reservationType = optionalString(raw, 'reservation_type', LIMITS.reservation_type);
  const origin = optionalString(raw, 'origin', 8) ?? 'PTR';
  if (origin.toUpperCase() !== 'PTR' && !isLcoOrigin(origin)) {
    throw new InvalidInputError('Invalid origin: expected "PTR" or "LCO"');
  }
  const projectId = optionalString(raw, 'project_id', LIMITS.project_id);
  const projectPriority = optionalString(raw, 'project_priority', LIMITS.project_priority);
  const note = optionalString(raw, 'reservation_note', LIMITS.reservation_note) ?? '';

  // resourceId is the site's calendar resource: one that names another site would put the event on
  // that site's calendar while that site's conflict check never sees it.
  if (resourceId !== undefined && resourceId !== '' && resourceId !== site) {
    throw new InvalidInputError(`Invalid resourceId: "${resourceId}" must be the event's site, "${site}"`);
  }

  const reservation: Reservation = {
    ...extraFields(raw),
    event_id: eventId,
    start,
    end,
    creator,
    creator_id: server.creator_id,
    site,
    resourceId: site,
    title: title === undefined || title === '' ? creator : title,
    reservation_type: reservationType === undefined || reservationType === '' ? 'realtime' : reservationType,
    origin,
    project_id: normaliseProjectId(projectId),
    reservation_note: note,
    last_modified: server.last_modified,
    version: 1,
  };
  if (projectPriority !== undefined) reservation.project_priority = projectPriority;
  const bytes = utf8Length(JSON.stringify(reservation));
  if (bytes > LIMITS.eventBytes) throw new EventTooLargeError(bytes, LIMITS.eventBytes);
  return reservation;
}

/** Throws unless `eventId` may name a new event (EVENT_ID). */
export function checkNewEventId(eventId: string): void {
  if (!EVENT_ID.test(eventId)) throw new InvalidInputError(`Invalid event_id: ${EVENT_ID_EXPECTED}`);
}

/**
 * What an event says, without what each write stamps on it (its time and version): two
 * events with the same fingerprint hold the same content.
 */
export function contentFingerprint(event: Reservation): string {
  const { last_modified: _time, version: _version, ...rest } = event;
  return JSON.stringify(Object.keys(rest).sort().map((k) => [k, rest[k]]));
}

/** Throws when a conditional write finds the event at another version than the one expected. */
export function checkVersion(current: Pick<Reservation, 'event_id' | 'version'>, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && current.version !== expectedVersion) {
    throw new VersionMismatchError(current.event_id, expectedVersion, current.version);
  }
}

/** UTF-8 length of a string, without Buffer (the domain imports nothing from Node). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair is one code point of 4 bytes (a lone surrogate is encoded as U+FFFD, 3).
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}
