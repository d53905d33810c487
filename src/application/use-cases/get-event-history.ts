import { assertMayManage, type Actor } from '../../domain/actor.js';
import { ReservationNotFoundError } from '../../domain/errors.js';
import { historyOwner, type HistoryEntry } from '../../domain/history.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';

/**
 * POST /event-history: every change of an event, oldest first, to its owner or an admin. The owner
 * is whoever first created the id (historyOwner), whatever later entries say, so the history of a
 * deleted event stays theirs.
 */
export class GetEventHistory {
  constructor(private readonly store: ReservationStore) {}

  async execute({ actor, eventId }: { actor: Actor; eventId: string }): Promise<HistoryEntry[]> {
    const entries = await this.store.history(eventId);
    const owner = historyOwner(entries);
    if (!owner) throw new ReservationNotFoundError(eventId);
    assertMayManage(actor, owner);
    return entries;
  }
}
