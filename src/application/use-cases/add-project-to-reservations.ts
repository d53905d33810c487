import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/actor.js';
import { normaliseProjectId } from '../../domain/reservation.js';
import { ClockToken, type Clock } from '../ports/clock.port.js';
import { ReservationStoreToken, type ReservationStore } from '../ports/reservation-store.port.js';
import { setProjectOnEvents, type ProjectLinkReport } from './set-project.js';

export interface AddProjectInput {
  readonly actor: Actor;
  readonly projectId: string;
  readonly eventIds: readonly string[];
}

/** POST /add-projects-to-events. */
@injectable()
export class AddProjectToReservations {
  constructor(
    @inject(ReservationStoreToken) private readonly store: ReservationStore,
    @inject(ClockToken) private readonly clock: Clock,
  ) {}

  execute({ actor, projectId, eventIds }: AddProjectInput): Promise<ProjectLinkReport> {
    return setProjectOnEvents(this.store, this.clock, actor, eventIds, normaliseProjectId(projectId));
  }
}
