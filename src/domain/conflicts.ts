/**
 * The conflict rule: an event may not overlap, at its site, an event of a different creator.
 * The same creator may stack their own events; back-to-back events never conflict.
 */
import { overlaps, type Interval } from './interval.js';
import { addSeconds } from './time.js';
import type { Reservation } from './reservation.js';

export type Booking = Pick<Reservation, 'event_id' | 'site' | 'start' | 'end' | 'creator_id'>;

export function conflictsWith(candidate: Booking, other: Booking): boolean {
  return (
    other.event_id !== candidate.event_id &&
    other.site === candidate.site &&
    other.creator_id !== candidate.creator_id &&
    overlaps(candidate, other)
  );
}

/** The events among `existing` that `candidate` may not coexist with (itself excluded). */
export function findConflicts<T extends Booking>(candidate: Booking, existing: Iterable<T>): T[] {
  const conflicts: T[] = [];
  for (const other of existing) if (conflictsWith(candidate, other)) conflicts.push(other);
  return conflicts;
}

/**
 * The earliest start an event overlapping `window` can have, when no event at the site lasts longer
 * than `maxDurationSeconds`: stores use it to bound an index range scan on `start`.
 */
export function earliestOverlappingStart(window: Interval, maxDurationSeconds: number): string {
  return addSeconds(window.start, -maxDurationSeconds);
}
