import { inject, injectable } from 'inversify';
import type { Actor } from '../../domain/actor.js';
import { NO_PROJECT } from '../../domain/reservation.js';
import { ClockToken, type Clock } from '../ports/clock.port.js';
import { ReservationStoreToken, type ReservationStore } from '../ports/reservation-store.port.js';
import { setProjectOnEvents, type ProjectLinkReport } from './set-project.js';

export interface RemoveProjectInput {
  readonly actor: Actor;
  readonly eventIds: readonly string[];
}

/** POST /remove-project-from-events: sets project_id back to "none". */
@injectable()
export class RemoveProjectFromReservations {
  constructor(
    @inject(ReservationStoreToken) private readonly store: ReservationStore,
    @inject(ClockToken) private readonly clock: Clock,
  ) {}

  execute({ actor, eventIds }: RemoveProjectInput): Promise<ProjectLinkReport> {
    return setProjectOnEvents(this.store, this.clock, actor, eventIds, NO_PROJECT);
  }
}
