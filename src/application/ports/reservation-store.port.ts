import type { EventState, WritePlan } from '../../domain/write-plan.js';
import { token } from '../token.js';
import type { EventJournal } from './event-journal.port.js';
import type { ReservationQueries } from './reservation-queries.port.js';
import type { SiteRegistry } from './site-registry.port.js';

/**
 * Where reservations live. Its write side is one method: it commits the plans the domain makes
 * (domain/write-plan.ts), each in one atomic step, so that no two concurrent writes can both book
 * overlapping times, and no change is ever missing from, or recorded without, its history and feed.
 * Its reads are split by job: the calendar's queries, the journal of changes, the site registry.
 */
export interface ReservationStore extends ReservationQueries, EventJournal, SiteRegistry {
  /** What the store holds under the id now, to plan a write on. */
  state(eventId: string): Promise<EventState>;

  /**
   * Commits the plan in one atomic step, or nothing of it:
   * - checks that the stored state is still the one it was planned on (plan.expect), else throws
   *   StaleWriteError, so that the writer plans again on a fresh read;
   * - checks each of its conditions over the site's bookings overlapping the condition's window,
   *   as stored before the write (a condition throws its own domain error);
   * - puts `after` as the event (or removes the event, when null), appends the history entry, and
   *   numbers and appends the feed entries, each site's in commit order.
   * The store chooses how (a transaction body, guard items), never what: it decides nothing the
   * plan does not say.
   */
  commit(plan: WritePlan): Promise<void>;
}

export const ReservationStoreToken = token<ReservationStore>('ReservationStore');
