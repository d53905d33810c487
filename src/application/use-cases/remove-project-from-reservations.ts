import type { Actor } from '../../domain/actor.js';
import { NO_PROJECT } from '../../domain/reservation.js';
import type { FairShare } from '../fair-share.js';
import type { Clock } from '../ports/clock.port.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';
import { setProjectOnEvents, type ProjectLinkReport } from './set-project.js';

interface RemoveProjectInput {
  readonly actor: Actor;
  readonly eventIds: readonly string[];
}

/** POST /remove-project-from-events: sets project_id back to "none". */
export class RemoveProjectFromReservations {
  constructor(
    private readonly store: ReservationStore,
    private readonly clock: Clock,
    /** BOOKING_RULES; none: no rules. */
    private readonly fairShare?: FairShare,
  ) {}

  execute({ actor, eventIds }: RemoveProjectInput): Promise<ProjectLinkReport> {
    return setProjectOnEvents(this.store, this.clock, actor, eventIds, NO_PROJECT, this.fairShare);
  }
}
