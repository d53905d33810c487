import { assertMayChange, authorOf, type Actor } from '../../domain/actor.js';
import { ReservationNotFoundError } from '../../domain/errors.js';
import type { Reservation } from '../../domain/reservation.js';
import { utcTimeFromMillis } from '../../domain/time.js';
import type { Clock } from '../ports/clock.port.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';

export interface DeleteReservationInput {
  readonly actor: Actor;
  readonly eventId: string;
  /** Delete nothing (VersionMismatchError) unless the stored event is at this version. */
  readonly expectedVersion?: number;
}

/** POST /delete: owner-or-admin; returns the deleted event. */
export class DeleteReservation {
  constructor(
    private readonly store: ReservationStore,
    private readonly clock: Clock,
  ) {}

  async execute({ actor, eventId, expectedVersion }: DeleteReservationInput): Promise<Reservation> {
    const current = await this.store.get(eventId);
    if (!current) throw new ReservationNotFoundError(eventId);
    assertMayChange(actor, current);
    const change = { by: authorOf(actor), at: utcTimeFromMillis(this.clock.now()) };
    const deleted = await this.store.delete(eventId, { ...change, ...(expectedVersion === undefined ? {} : { expectedVersion }) });
    if (!deleted) throw new ReservationNotFoundError(eventId);
    return deleted;
  }
}
