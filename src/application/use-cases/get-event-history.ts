import { assertMayManage, type Actor } from '../../domain/actor.js';
import { ReservationNotFoundError } from '../../domain/errors.js';
import type { HistoryEntry } from '../../domain/history.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';

/**
 * POST /event-history: every change of an event, oldest first, to its owner or an admin. The owner
 * is read from the latest entry, so the history of a deleted event stays theirs.
 */
export class GetEventHistory {
  constructor(private readonly store: ReservationStore) {}

  async execute({ actor, eventId }: { actor: Actor; eventId: string }): Promise<HistoryEntry[]> {
    const entries = await this.store.history(eventId);
    const latest = entries.at(-1);
    if (!latest) throw new ReservationNotFoundError(eventId);
    assertMayManage(actor, latest.event);
    return entries;
  }
}
