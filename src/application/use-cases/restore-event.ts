import { assertMayManage, assertMayUseOrigin, authorOf, type Actor } from '../../domain/actor.js';
import { ReservationExistsError, ReservationNotFoundError } from '../../domain/errors.js';
import { historyOwner, isRemoval } from '../../domain/history.js';
import type { Reservation } from '../../domain/reservation.js';
import { utcTimeFromMillis } from '../../domain/time.js';
import { planRestore } from '../../domain/write-plan.js';
import { commitPlanned } from '../commit-planned.js';
import type { FairShare } from '../fair-share.js';
import type { Clock } from '../ports/clock.port.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';

interface RestoreEventInput {
  readonly actor: Actor;
  readonly eventId: string;
  /** The version to bring back (default: the one it had when deleted). */
  readonly version?: number;
}

/**
 * POST /restore-event: recreates a deleted event as it stood at one of its versions, under the
 * conflict rule like any create, as a new version (one past the last) with action `restored`. To
 * the event's owner (whoever first created the id: historyOwner) or an admin; an LCO observation
 * only to an admin (the import brings back its own: planImport), as for a create.
 */
export class RestoreEvent {
  constructor(
    private readonly store: ReservationStore,
    private readonly clock: Clock,
    /** BOOKING_RULES; none: no rules. */
    private readonly fairShare?: FairShare,
  ) {}

  async execute({ actor, eventId, version }: RestoreEventInput): Promise<Reservation> {
    // Bounded reads of the entries it needs (the first, the last, the one asked for), never the whole history.
    const owner = historyOwner(await this.store.history(eventId, { limit: 1 }));
    const [latest] = await this.store.history(eventId, { newest: true, limit: 1 });
    if (!owner || !latest) throw new ReservationNotFoundError(eventId);
    assertMayManage(actor, owner);
    if (!isRemoval(latest.action)) throw new ReservationExistsError(eventId);
    // Two entries at most share a version (a removal written before it had one of its own).
    const wanted = version === undefined ? latest
      : (await this.store.history(eventId, { afterVersion: version - 1, limit: 2 })).find((entry) => entry.version === version && !isRemoval(entry.action));
    if (!wanted) throw new ReservationNotFoundError(`${eventId} at version ${version}`);
    assertMayUseOrigin(actor, wanted.event.origin);
    const nowMs = this.clock.now();
    const now = utcTimeFromMillis(nowMs);
    const judge = this.fairShare?.judge(actor, nowMs);
    const restored = { ...wanted.event, last_modified: now };
    const plan = await commitPlanned(this.store, eventId, (state) => planRestore(state, restored, { by: authorOf(actor), at: now }, judge));
    return plan.after!;
  }
}
