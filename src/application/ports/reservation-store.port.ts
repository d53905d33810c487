import type { FeedPage } from '../../domain/feed.js';
import type { Change, HistoryEntry } from '../../domain/history.js';
import type { Interval } from '../../domain/interval.js';
import type { Reservation } from '../../domain/reservation.js';
import type { ReservationList } from '../reservation-list.js';
import { token } from '../token.js';

/**
 * A bounded part of an event's history (see ReservationStore.history): at most `limit` entries,
 * oldest first from just after version `afterVersion` (default: from the first), or with `newest`
 * the last `limit` entries, newest first. Each store reads only those entries (an index range, a
 * key-conditioned Query), however long the history, so no one read costs the whole of it.
 */
export interface HistoryRange {
  readonly limit: number;
  readonly afterVersion?: number;
  readonly newest?: boolean;
}

/** A write's precondition, and who made the change when (see ReservationStore). */
export interface WriteOptions extends Partial<Change> {
  readonly expectedVersion?: number;
}

/**
 * Where reservations live. Every implementation applies the domain's conflict rule inside one
 * atomic step with the write, so that concurrent requests can never both book overlapping times.
 */
export interface ReservationStore {
  /*
   * Every write sets the stored event's `version` in the same atomic step: 1 on create, one more
   * than the stored one on every change, whatever `version` the argument carries; a delete is a
   * version too (its history and feed entries are one past the version deleted: entryVersion). An
   * event id belongs to one event for ever: a write that puts an event under an id with no event
   * now applies arrivalVersion (domain/history.ts) to the id's history in that same step. A write given an
   * `expectedVersion` changes nothing, and throws VersionMismatchError, when the stored version is
   * another one. Every write also appends its history entry (see history()) in that same step; the
   * `change` says who made it and when (by default, for tools and tests: the event's creator, at its
   * last_modified).
   */

  /**
   * Stores a new reservation (version 1) unless it conflicts, and returns it as stored. Throws
   * ReservationExistsError when the event_id is taken, by a live event or a deleted one (its
   * history keeps it), ReservationConflictError (naming the conflicting ids) when it overlaps, at
   * its site, an event of a different creator.
   */
  createUnlessConflict(reservation: Reservation, change?: Partial<Change>): Promise<Reservation>;

  /**
   * Recreates a deleted event, as the version one past its history's last, under the same conflict
   * rule as createUnlessConflict; its history entry is `restored`. Throws ReservationExistsError
   * when the event exists, ReservationNotFoundError when the id has no history.
   */
  restoreUnlessConflict(reservation: Reservation, change?: Partial<Change>): Promise<Reservation>;

  /**
   * Replaces the stored reservation with the same event_id, in one atomic step, unless the new
   * times conflict (the event itself is ignored); returns it as stored. Throws
   * ReservationNotFoundError when it is gone.
   */
  replaceUnlessConflict(reservation: Reservation, options?: WriteOptions): Promise<Reservation>;

  /**
   * Creates or replaces an event imported from the LCO scheduler, without the conflict check: LCO's
   * schedule is authoritative for its own observations. It still blocks users' bookings after. An
   * observation the import removed and LCO scheduled again comes back under its id, its history
   * going on (arrivalVersion).
   */
  putImported(reservation: Reservation): Promise<void>;

  /** Deletes and returns the reservation, or undefined when there is none. */
  delete(eventId: string, options?: WriteOptions): Promise<Reservation | undefined>;

  get(eventId: string): Promise<Reservation | undefined>;

  /** Sets project_id (times do not move, so no conflict check); undefined when the event is gone. */
  setProject(eventId: string, projectId: string, lastModified: string, by?: string): Promise<Reservation | undefined>;

  /**
   * The event's history entries, oldest first; [] for an id never stored. With a range, only that
   * part of it (HistoryRange), read without the rest: what the routes use, since an event edited
   * for months has a history no one answer may carry. Without one, every entry (tools and tests).
   */
  history(eventId: string, range?: HistoryRange): Promise<HistoryEntry[]>;

  /*
   * Every write also appends, in its same atomic step, the change's entries to the change feed of
   * the event's site (and, when it moved the event, of the site it left): see domain/feed.ts. Each
   * site's entries are numbered in commit order.
   */

  /**
   * The site's feed entries with seq above `afterSeq`, oldest first, at most `limit`; only entries
   * whose every predecessor in the feed is committed and visible, so a reader that goes on from the
   * last seq it got never skips one.
   */
  changes(site: string, afterSeq: number, limit: number): Promise<FeedPage>;

  /** Every site that has had events, in order (a listing: it may lag a write by moments on DynamoDB). */
  sitesWithEvents(): Promise<string[]>;

  /** When the site's feed last had an entry (a change at the site, or away from it); undefined for none. */
  lastChangeAt(site: string): Promise<string | undefined>;

  /**
   * The retention purge: removes the history, and the feed entries, of every event deleted before
   * `before` and not restored since. A feed's purged seq (FeedPage.purgedThrough) is advanced before
   * any of its entries goes. The event's id and last version are kept, so the id stays used
   * (arrivalVersion). Returns how many events' histories were removed.
   */
  purgeHistory(before: string): Promise<number>;

  /*
   * The queries below answer at most `limit` reservations (all when it is absent): the first ones in
   * their order, so a caller that asks for one more than it will answer knows when there are too many.
   * A store that keeps reservations as JSON text answers with `ReservationList.fromJson`, so that a
   * list sent as JSON is joined, not parsed and serialised again.
   */

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

export const ReservationStoreToken = token<ReservationStore>('ReservationStore');
