import { assertMayManage, type Actor } from '../../domain/actor.js';
import { ReservationNotFoundError } from '../../domain/errors.js';
import type { Reservation } from '../../domain/reservation.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';

export interface DeleteReservationInput {
  readonly actor: Actor;
  readonly eventId: string;
  /** Delete nothing (VersionMismatchError) unless the stored event is at this version. */
  readonly expectedVersion?: number;
}

/** POST /delete: owner-or-admin; returns the deleted event. */
export class DeleteReservation {
  constructor(private readonly store: ReservationStore) {}

  async execute({ actor, eventId, expectedVersion }: DeleteReservationInput): Promise<Reservation> {
    const current = await this.store.get(eventId);
    if (!current) throw new ReservationNotFoundError(eventId);
    assertMayManage(actor, current);
    const deleted = await this.store.delete(eventId, expectedVersion);
    if (!deleted) throw new ReservationNotFoundError(eventId);
    return deleted;
  }
}
