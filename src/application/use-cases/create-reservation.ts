import { assertMayUseOrigin, ownerOfNewEvent, type Actor } from '../../domain/actor.js';
import {
  buildReservation, LIMITS, optionalString, REQUIRED_EVENT_KEYS, requireKeys, type RawRecord, type Reservation,
  type ReservationRules,
} from '../../domain/reservation.js';
import { utcTimeFromMillis } from '../../domain/time.js';
import type { Clock } from '../ports/clock.port.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';

export interface CreateReservationInput {
  readonly actor: Actor;
  readonly event: RawRecord;
}

/** POST /newevent: validates, decides the owner, and books atomically unless it conflicts. */
export class CreateReservation {
  constructor(
    private readonly store: ReservationStore,
    private readonly clock: Clock,
    private readonly rules: ReservationRules,
  ) {}

  async execute({ actor, event }: CreateReservationInput): Promise<Reservation> {
    requireKeys(event, REQUIRED_EVENT_KEYS);
    const owner = ownerOfNewEvent(actor, optionalString(event, 'creator_id', LIMITS.creator_id));
    const reservation = buildReservation(
      event,
      {
        creator_id: owner,
        last_modified: utcTimeFromMillis(this.clock.now()),
        defaultCreator: actor.kind === 'user' && owner === actor.sub ? (actor.name ?? owner) : owner,
      },
      this.rules,
    );
    assertMayUseOrigin(actor, reservation.origin);
    await this.store.createUnlessConflict(reservation);
    return reservation;
  }
}
