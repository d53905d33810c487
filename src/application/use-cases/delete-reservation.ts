import type { Actor } from '../../domain/actor.js';
import { planEventDelete } from '../../domain/event-requests.js';
import type { Reservation } from '../../domain/reservation.js';
import { utcTimeFromMillis } from '../../domain/time.js';
import { commitPlanned } from '../commit-planned.js';
import type { FairShare } from '../fair-share.js';
import type { Clock } from '../ports/clock.port.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';

interface DeleteReservationInput {
  readonly actor: Actor;
  readonly eventId: string;
  /** Delete nothing (VersionMismatchError) unless the stored event is at this version. */
  readonly expectedVersion?: number;
}

/** POST /delete: owner-or-admin, under the booking rules; returns the deleted event. */
export class DeleteReservation {
  constructor(
    private readonly store: ReservationStore,
    private readonly clock: Clock,
    /** BOOKING_RULES (a begun booking under allowances is not deleted); none: no rules. */
    private readonly fairShare?: FairShare,
  ) {}

  async execute({ actor, eventId, expectedVersion }: DeleteReservationInput): Promise<Reservation> {
    const nowMs = this.clock.now();
    const now = utcTimeFromMillis(nowMs);
    const judge = this.fairShare?.judge(actor, nowMs);
    const plan = await commitPlanned(this.store, eventId, (state) => planEventDelete(state, eventId, actor, now, expectedVersion, judge));
    return plan.before!;
  }
}
