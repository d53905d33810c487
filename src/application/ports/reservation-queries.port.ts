import type { Interval } from '../../domain/interval.js';
import type { Reservation } from '../../domain/reservation.js';
import type { ReservationList } from '../reservation-list.js';

import { token } from '../token.js';

/**
 * The reservations as they stand: the calendar's queries. Each answers at most `limit` reservations
 * (all when it is absent): the first ones in its order, so a caller that asks for one more than it
 * will answer knows when there are too many. A store that keeps reservations as JSON text answers
 * with `ReservationList.fromJson`, so that a list sent as JSON is joined, not parsed and serialised
 * again.
 */
export interface ReservationQueries {
  get(eventId: string): Promise<Reservation | undefined>;

  /**
   * The site's reservations overlapping `[window.start, window.end)`, ordered by start. "Active at t"
   * is the window `activeAtWindow(t)`.
   */
  findOverlapping(site: string, window: Interval, limit?: number): Promise<ReservationList>;

  /**
   * The creators of the site's reservations overlapping the window, one entry per reservation, read
   * from the store's indexed columns without reading or parsing the stored bodies.
   */
  creatorsOverlapping(site: string, window: Interval): Promise<string[]>;

  /**
   * The times of the site's reservations overlapping the window, ordered by start (at most `limit`),
   * read like creatorsOverlapping from the indexed columns: free time needs nothing else, and for a
   * busy month parsing the bodies cost more than the rest of the answer.
   */
  busyOverlapping(site: string, window: Interval, limit?: number): Promise<Interval[]>;

  /** A creator's reservations with `end > time`, ordered by start. */
  findByCreatorEndingAfter(creatorId: string, time: string, limit?: number): Promise<ReservationList>;
}

export const ReservationQueriesToken = token<ReservationQueries>('ReservationQueries');
