import type { Actor } from '../../domain/actor.js';
import { planEventChange } from '../../domain/event-requests.js';
import { LIMITS, optionalString, requireKeys, type RawRecord, type Reservation, type ReservationRules } from '../../domain/reservation.js';
import { utcTimeFromMillis } from '../../domain/time.js';
import { commitPlanned } from '../commit-planned.js';
import type { FairShare } from '../fair-share.js';
import type { Clock } from '../ports/clock.port.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';
import type { Sky } from '../sky.js';

interface ModifyReservationInput {
  readonly actor: Actor;
  /** Identifies the event: `event_id` (its `start` is only a hint and is not needed). */
  readonly originalEvent: RawRecord;
  /** Change nothing (VersionMismatchError) unless the stored event is at this version. */
  readonly expectedVersion?: number;
  /** The new version; keys it leaves out keep their stored values. */
  readonly modifiedEvent: RawRecord;
}

/**
 * POST /modifyevent: owner-or-admin; `event_id` and `creator_id` stay the original's. Planned on the
 * event as stored (planEventChange) and committed in one atomic step, so a failure never loses it.
 */
export class ModifyReservation {
  constructor(
    private readonly store: ReservationStore,
    private readonly clock: Clock,
    private readonly rules: ReservationRules,
    /** Where sites require bookings inside the night (REQUIRE_NIGHT, SITES); none: no such rule. */
    private readonly sky?: Sky,
    /** BOOKING_RULES; none: no rules. */
    private readonly fairShare?: FairShare,
  ) {}

  async execute({ actor, originalEvent, modifiedEvent, expectedVersion }: ModifyReservationInput): Promise<Reservation> {
    requireKeys(originalEvent, ['event_id']);
    const eventId = optionalString(originalEvent, 'event_id', LIMITS.event_id) ?? '';
    const nowMs = this.clock.now();
    const now = utcTimeFromMillis(nowMs);
    const judge = this.fairShare?.judge(actor, nowMs);
    const change = { eventId, modifiedEvent, ...(expectedVersion === undefined ? {} : { expectedVersion }) };
    const plan = await commitPlanned(this.store, eventId, (state) => {
      const planned = planEventChange(state, change, actor, now, this.rules, judge);
      this.sky?.assertBookable(actor, planned.after!);
      return planned;
    });
    return plan.after!;
  }
}
