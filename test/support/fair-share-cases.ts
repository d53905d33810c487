/**
 * The write use cases of a store under booking rules, built as the composition root builds them
 * (a FairShare from a BookingRules object, SITES placing `saf` in America/Denver), on a clock the
 * test sets: what the fair-share suites drive every store through.
 */
import { FairShare } from '../../src/application/fair-share.js';
import type { Clock } from '../../src/application/ports/clock.port.js';
import type { ReservationStore } from '../../src/application/ports/reservation-store.port.js';
import { AddProjectToReservations } from '../../src/application/use-cases/add-project-to-reservations.js';
import { CreateReservation } from '../../src/application/use-cases/create-reservation.js';
import { DeleteReservation } from '../../src/application/use-cases/delete-reservation.js';
import { ModifyReservation } from '../../src/application/use-cases/modify-reservation.js';
import { RestoreEvent } from '../../src/application/use-cases/restore-event.js';
import type { Actor } from '../../src/domain/actor.js';
import type { BookingRules } from '../../src/domain/fair-share.js';
import type { SiteLocation } from '../../src/domain/night.js';
import type { Reservation, RawRecord } from '../../src/domain/reservation.js';

/** saf keeps Mountain time (daylight saving from 8 Mar to 1 Nov 2026); a site SITES does not name counts in UTC. */
export const PLACES: Record<string, SiteLocation> = {
  saf: { name: 'Santa Fe', latitude: 35.55, longitude: -105.87, elevation_m: 2170, timezone: 'America/Denver' },
};

/** Long enough for a whole night across a clock change (25 h) and more. */
const RESERVATION_RULES = { maxDurationSeconds: 3 * 86_400 };

export const user = (sub: string, roles: string[] = []): Actor => ({ kind: 'user', sub, isAdmin: false, roles });
export const admin = (sub: string, roles: string[] = []): Actor => ({ kind: 'user', sub, isAdmin: true, roles });

export interface Booked {
  readonly id: string;
  readonly site?: string;
  readonly start: string;
  readonly end: string;
  readonly origin?: 'PTR' | 'LCO';
  readonly creator_id?: string;
}

export function fairShareCases(store: ReservationStore, clock: Clock, rules: BookingRules) {
  const fairShare = new FairShare(rules, { sites: PLACES });
  const creating = new CreateReservation(store, clock, RESERVATION_RULES, undefined, fairShare);
  const modifying = new ModifyReservation(store, clock, RESERVATION_RULES, undefined, fairShare);
  const deleting = new DeleteReservation(store, clock);
  const restoring = new RestoreEvent(store, clock, fairShare);
  const linking = new AddProjectToReservations(store, clock, fairShare);
  return {
    create: (actor: Actor, { id, site = 'saf', ...rest }: Booked): Promise<Reservation> => {
      const event: RawRecord = { event_id: id, site, title: id, reservation_type: 'realtime', project_id: 'none', ...rest };
      return creating.execute({ actor, event });
    },
    modify: (actor: Actor, id: string, modifiedEvent: RawRecord): Promise<Reservation> =>
      modifying.execute({ actor, originalEvent: { event_id: id }, modifiedEvent }),
    remove: (actor: Actor, id: string): Promise<Reservation> => deleting.execute({ actor, eventId: id }),
    restore: (actor: Actor, id: string): Promise<Reservation> => restoring.execute({ actor, eventId: id }),
    link: (actor: Actor, projectId: string, ids: string[]) => linking.execute({ actor, projectId, eventIds: ids }),
  };
}
