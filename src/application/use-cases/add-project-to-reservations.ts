import type { Actor } from '../../domain/actor.js';
import { normaliseProjectId } from '../../domain/reservation.js';
import type { FairShare } from '../fair-share.js';
import type { Clock } from '../ports/clock.port.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';
import { setProjectOnEvents, type ProjectLinkReport } from './set-project.js';

interface AddProjectInput {
  readonly actor: Actor;
  readonly projectId: string;
  readonly eventIds: readonly string[];
}

/** POST /add-projects-to-events. */
export class AddProjectToReservations {
  constructor(
    private readonly store: ReservationStore,
    private readonly clock: Clock,
    /** BOOKING_RULES; none: no rules. */
    private readonly fairShare?: FairShare,
  ) {}

  execute({ actor, projectId, eventIds }: AddProjectInput): Promise<ProjectLinkReport> {
    return setProjectOnEvents(this.store, this.clock, actor, eventIds, normaliseProjectId(projectId), this.fairShare);
  }
}
