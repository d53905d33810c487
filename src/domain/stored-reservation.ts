/**
 * Reading what storage holds. Older writers (the previous service) stored times such as
 * `2022-06-20T16:15Z` and may have left fields out; this service's own writes are already canonical.
 */
import { normaliseProjectId, type RawRecord, type Reservation } from './reservation.js';
import { parseUtcTime } from './time.js';

function storedTime(value: unknown): string {
  if (typeof value !== 'string') return '';
  try {
    return parseUtcTime(value, 'time');
  } catch {
    return value;
  }
}

const text = (value: unknown, fallback = ''): string =>
  typeof value === 'string' ? value : value === undefined || value === null ? fallback : String(value);

/** A stored version, or 1 for an event written before versions existed. */
export function storedVersion(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : 1;
}

/**
 * A reservation as read from storage that older writers filled (the previous service stored times
 * such as `2022-06-20T16:15Z`, and may lack fields): times canonical where they parse, and every
 * field the frontend calls string methods on present as a string.
 */
export function reservationFromStored(item: RawRecord): Reservation {
  const site = text(item.site);
  const creator = text(item.creator);
  const reservation: Reservation = {
    ...item,
    event_id: text(item.event_id),
    start: storedTime(item.start),
    end: storedTime(item.end),
    creator,
    creator_id: text(item.creator_id),
    site,
    // Always the site (older writers could store another value; see buildReservation).
    resourceId: site,
    title: text(item.title, creator) || creator,
    reservation_type: text(item.reservation_type, 'realtime') || 'realtime',
    origin: text(item.origin, 'PTR') || 'PTR',
    project_id: normaliseProjectId(typeof item.project_id === 'string' ? item.project_id : undefined),
    reservation_note: text(item.reservation_note),
    last_modified: text(item.last_modified),
    // Events stored before versions existed are at version 1.
    version: storedVersion(item.version),
  };
  return reservation;
}
