import { assertMayChange, assertMayUseOrigin, authorOf, creatorNameFor, type Actor } from '../../domain/actor.js';
import { ReservationNotFoundError } from '../../domain/errors.js';
import {
  buildReservation, LIMITS, optionalString, requireKeys, type RawRecord, type Reservation, type ReservationRules,
} from '../../domain/reservation.js';
import { utcTimeFromMillis } from '../../domain/time.js';
import type { Clock } from '../ports/clock.port.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';
import type { Sky } from '../sky.js';

export interface ModifyReservationInput {
  readonly actor: Actor;
  /** Identifies the event: `event_id` (its `start` is only a hint and is not needed). */
  readonly originalEvent: RawRecord;
  /** Change nothing (VersionMismatchError) unless the stored event is at this version. */
  readonly expectedVersion?: number;
  /** The new version; keys it leaves out keep their stored values. */
  readonly modifiedEvent: RawRecord;
}

/**
 * POST /modifyevent: owner-or-admin; `event_id` and `creator_id` stay the original's. The store
 * replaces the event in one atomic step, so a failure never loses it.
 */
export class ModifyReservation {
  constructor(
    private readonly store: ReservationStore,
    private readonly clock: Clock,
    private readonly rules: ReservationRules,
    /** Where sites require bookings inside the night (REQUIRE_NIGHT, SITES); none: no such rule. */
    private readonly sky?: Sky,
  ) {}

  async execute({ actor, originalEvent, modifiedEvent, expectedVersion }: ModifyReservationInput): Promise<Reservation> {
    requireKeys(originalEvent, ['event_id']);
    const eventId = optionalString(originalEvent, 'event_id', LIMITS.event_id) ?? '';
    const current = await this.store.get(eventId);
    if (!current) throw new ReservationNotFoundError(eventId);
    assertMayChange(actor, current);

    const merged: RawRecord = { ...current, ...modifiedEvent, event_id: current.event_id };
    const creator = creatorNameFor(actor, current.creator_id);
    // The calendar resource follows the site unless the client names one (which must then match).
    if (modifiedEvent.resourceId === undefined) merged.resourceId = undefined;
    const next = buildReservation(
      merged,
      {
        creator_id: current.creator_id,
        last_modified: utcTimeFromMillis(this.clock.now()),
        defaultCreator: current.creator,
        ...(creator === undefined ? {} : { creator }),
      },
      this.rules,
    );
    if (next.origin.toUpperCase() !== current.origin.toUpperCase()) assertMayUseOrigin(actor, next.origin);
    this.sky?.assertBookable(actor, next);
    return this.store.replaceUnlessConflict(next, {
      by: authorOf(actor), at: next.last_modified, ...(expectedVersion === undefined ? {} : { expectedVersion }),
    });
  }
}
