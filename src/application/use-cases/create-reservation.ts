import { assertMayUseOrigin, authorOf, creatorNameFor, ownerOfNewEvent, type Actor } from '../../domain/actor.js';
import { ReservationExistsError } from '../../domain/errors.js';
import {
  buildReservation, checkNewEventId, contentFingerprint, LIMITS, optionalString, REQUIRED_EVENT_KEYS, requireKeys, type RawRecord, type Reservation,
  type ReservationRules,
} from '../../domain/reservation.js';
import { utcTimeFromMillis } from '../../domain/time.js';
import { planCreate } from '../../domain/write-plan.js';
import { commitPlanned } from '../commit-planned.js';
import type { FairShare } from '../fair-share.js';
import type { Clock } from '../ports/clock.port.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';
import type { Sky } from '../sky.js';

interface CreateReservationInput {
  readonly actor: Actor;
  readonly event: RawRecord;
}

/** POST /newevent: validates, decides the owner, and books atomically unless it conflicts. */
export class CreateReservation {
  constructor(
    private readonly store: ReservationStore,
    private readonly clock: Clock,
    private readonly rules: ReservationRules,
    /** Where sites require bookings inside the night (REQUIRE_NIGHT, SITES); none: no such rule. */
    private readonly sky?: Sky,
    /** BOOKING_RULES; none: no rules. */
    private readonly fairShare?: FairShare,
  ) {}

  async execute({ actor, event }: CreateReservationInput): Promise<Reservation> {
    requireKeys(event, REQUIRED_EVENT_KEYS);
    const owner = ownerOfNewEvent(actor, optionalString(event, 'creator_id', LIMITS.creator_id));
    const creator = creatorNameFor(actor, owner);
    const nowMs = this.clock.now();
    const reservation = buildReservation(
      event,
      {
        creator_id: owner,
        last_modified: utcTimeFromMillis(nowMs),
        defaultCreator: owner,
        ...(creator === undefined ? {} : { creator }),
      },
      this.rules,
    );
    // Only here: a modify or a lookup may name an event stored before ids were checked.
    checkNewEventId(reservation.event_id);
    assertMayUseOrigin(actor, reservation.origin);
    this.sky?.assertBookable(actor, reservation);
    try {
      const change = { by: authorOf(actor), at: reservation.last_modified };
      const judge = this.fairShare?.judge(actor, nowMs);
      // Planned first on the id unused (the client makes a new one for each create), unread.
      const plan = await commitPlanned(this.store, reservation.event_id, (state) => planCreate(state, reservation, change, judge), { assume: { kind: 'unused' } });
      return plan.after!;
    } catch (error) {
      if (!(error instanceof ReservationExistsError)) throw error;
      // The retry of a create whose answer was lost: the same creator sent the same event again.
      const stored = await this.store.get(reservation.event_id);
      if (stored && stored.creator_id === reservation.creator_id && contentFingerprint(stored) === contentFingerprint(reservation)) return stored;
      throw error;
    }
  }
}
