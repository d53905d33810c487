/**
 * The history of an event: one entry per change, written by the store in the same atomic step as
 * the change itself, so the history never misses a change nor records one that did not happen.
 */
import type { Reservation } from './reservation.js';

export type HistoryAction =
  | 'created' | 'modified' | 'deleted' | 'project-linked' | 'project-unlinked'
  | 'imported' | 'import-updated' | 'import-removed' | 'restored';

export interface HistoryEntry {
  readonly event_id: string;
  /** The event's version after the change (for a delete: the version it had when deleted). */
  readonly version: number;
  /** When the change was made (canonical UTC). */
  readonly at: string;
  /** Who made it: a user's sub, `service`, or `lco-import`. */
  readonly by: string;
  readonly action: HistoryAction;
  /** The event as it stood after the change; before it, for a delete. */
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

/** The entry of a change to `event` (as it stands after it; before it, for a removal). */
export function historyEntry(event: Reservation, action: HistoryAction, change: Partial<Change>): HistoryEntry {
  return {
    event_id: event.event_id,
    version: event.version,
    at: change.at ?? event.last_modified,
    by: change.by ?? event.creator_id,
    action,
    event,
  };
}
