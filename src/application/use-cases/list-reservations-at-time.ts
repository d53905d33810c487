import { inject, injectable } from 'inversify';
import { parseSiteCode, type Reservation } from '../../domain/reservation.js';
import { parseUtcTime } from '../../domain/time.js';
import { ReservationStoreToken, type ReservationStore } from '../ports/reservation-store.port.js';

export interface AtTimeInput {
  readonly site: string;
  readonly time: string;
}

/** POST /get-event-at-time: the site's events active at `time`. */
@injectable()
export class ListReservationsAtTime {
  constructor(@inject(ReservationStoreToken) private readonly store: ReservationStore) {}

  execute({ site, time }: AtTimeInput): Promise<Reservation[]> {
    return this.store.findActiveAt(parseSiteCode(site), parseUtcTime(time, 'time'));
  }
}
