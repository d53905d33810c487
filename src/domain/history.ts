/**
 * The history of an event: one entry per change, written by the store in the same atomic step as
 * the change itself, so the history never misses a change nor records one that did not happen.
 */
import { ReservationExistsError, ReservationNotFoundError } from './errors.js';
import type { Reservation } from './reservation.js';

export type HistoryAction =
  | 'created' | 'modified' | 'deleted' | 'project-linked' | 'project-unlinked'
  | 'imported' | 'import-updated' | 'import-removed' | 'restored';

export interface HistoryEntry {
  readonly event_id: string;
  /** The event's version after the change; a removal is a version too, one past the one it removed (entryVersion). */
  readonly version: number;
  /** When the change was made (canonical UTC). */
  readonly at: string;
  /** Who made it: a user's sub, `service`, `anonymous` (a project link where the deployment allows it), or `lco-import`. */
  readonly by: string;
  readonly action: HistoryAction;
  /** The event as it stood after the change; before it, for a removal. */
  readonly event: Reservation;
}

/** The author of every change the LCO import makes. */
export const LCO_IMPORT = 'lco-import';

/** Who and when, for the history entry of a write. */
export interface Change {
  readonly by: string;
  readonly at: string;
}

/** Whether the change took the event away (its history entry then holds it as it was before). */
export const isRemoval = (action: HistoryAction): boolean => action === 'deleted' || action === 'import-removed';

export const removalAction = (by: string): HistoryAction => (by === LCO_IMPORT ? 'import-removed' : 'deleted');
export const projectAction = (projectId: string, noProject: string): HistoryAction =>
  (projectId === noProject ? 'project-unlinked' : 'project-linked');

/**
 * The version a change of `event` (as it stands after it; before it, for a removal) is recorded at,
 * in the history and the change feed: the event's own, and for a removal one past it. A removal is a
 * change like any other, so that a reader who keeps the higher version of each event sees it.
 */
export const entryVersion = (event: Pick<Reservation, 'version'>, action: HistoryAction): number =>
  (isRemoval(action) ? event.version + 1 : event.version);

/** The writes that put an event under an id that has no event now: a user's create, a restore, the import. */
export type Arrival = Extract<HistoryAction, 'created' | 'restored' | 'imported'>;

/**
 * The rule that an event id belongs to one event for ever: the version at which an event arrives
 * under an id with no event now, given the last entry of that id's history (undefined: none).
 * - A create takes only an id that was never used: 1. Given a deleted event's id, it would make
 *   that history, and the restore of its versions, look like the new creator's; it is refused,
 *   saying why (ReservationExistsError).
 * - A restore, and the import bringing back an observation it removed (LCO scheduled it again),
 *   go on with the history: one past its last version, so no version is ever used twice.
 * The write's plan applies this to the state it read (write-plan.ts); the store commits the plan only
 * while that state is still the stored one, in the write's atomic step.
 */
export function arrivalVersion(eventId: string, last: Pick<HistoryEntry, 'version'> | undefined, arrival: Arrival): number {
  if (last === undefined) {
    if (arrival === 'restored') throw new ReservationNotFoundError(eventId);
    return 1;
  }
  if (arrival === 'created') throw new ReservationExistsError(eventId, { deleted: true });
  return last.version + 1;
}

/**
 * Whose an event's history is: the creator of its first entry, the one the id was first given to.
 * Never a later entry's, so no later write can hand the history (or the restore of its versions)
 * to someone else.
 */
export const historyOwner = (entries: readonly HistoryEntry[]): Reservation | undefined => entries[0]?.event;

/** The entry of a change to `event` (as it stands after it; before it, for a removal). */
export function historyEntry(event: Reservation, action: HistoryAction, change: Partial<Change>): HistoryEntry {
  return {
    event_id: event.event_id,
    version: entryVersion(event, action),
    at: change.at ?? event.last_modified,
    by: change.by ?? event.creator_id,
    action,
    event,
  };
}
