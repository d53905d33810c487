import { assertMayManage, authorOf, type Actor } from '../../domain/actor.js';
import { ReservationExistsError, ReservationNotFoundError } from '../../domain/errors.js';
import type { Reservation } from '../../domain/reservation.js';
import { utcTimeFromMillis } from '../../domain/time.js';
import type { Clock } from '../ports/clock.port.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';

export interface RestoreEventInput {
  readonly actor: Actor;
  readonly eventId: string;
  /** The version to bring back (default: the one it had when deleted). */
  readonly version?: number;
}

/**
 * POST /restore-event: recreates a deleted event as it stood at one of its versions, under the
 * conflict rule like any create, as a new version (one past the last) with action `restored`. To
 * the owner or an admin.
 */
export class RestoreEvent {
  constructor(
    private readonly store: ReservationStore,
    private readonly clock: Clock,
  ) {}

  async execute({ actor, eventId, version }: RestoreEventInput): Promise<Reservation> {
    const history = await this.store.history(eventId);
    const latest = history.at(-1);
    if (!latest) throw new ReservationNotFoundError(eventId);
    assertMayManage(actor, latest.event);
    if (latest.action !== 'deleted' && latest.action !== 'import-removed') throw new ReservationExistsError(eventId);
    const wanted = version === undefined ? latest : history.find((entry) => entry.version === version && entry.action !== 'deleted');
    if (!wanted) throw new ReservationNotFoundError(`${eventId} at version ${version}`);
    const now = utcTimeFromMillis(this.clock.now());
    return this.store.restoreUnlessConflict({ ...wanted.event, last_modified: now }, latest.version + 1, { by: authorOf(actor), at: now });
  }
}
