/**
 * The conflict rule: an event may not overlap, at its site, an event of a different creator.
 * The same creator may stack their own events; back-to-back events never conflict.
 */
import { overlaps } from './interval.js';
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
 * Every pair of bookings that breaks the conflict rule (same site, different creators, overlapping),
 * found with a sweep over start times: used to report what older data already holds.
 */
export function findConflictingPairs<T extends Booking>(bookings: readonly T[]): Array<[T, T]> {
  const pairs: Array<[T, T]> = [];
  const bySite = new Map<string, T[]>();
  for (const b of bookings) bySite.set(b.site, [...(bySite.get(b.site) ?? []), b]);
  for (const siteBookings of bySite.values()) {
    const sorted = [...siteBookings].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    const open: T[] = [];
    for (const current of sorted) {
      for (let i = open.length - 1; i >= 0; i--) if ((open[i] as T).end <= current.start) open.splice(i, 1);
      for (const other of open) if (conflictsWith(current, other)) pairs.push([other, current]);
      open.push(current);
    }
  }
  return pairs;
}
