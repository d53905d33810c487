import { inject, injectable } from 'inversify';
import { parseSiteCode, type Reservation } from '../../domain/reservation.js';
import { addSeconds, parseUtcTime } from '../../domain/time.js';
import { JsonText } from '../json-text.js';
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

  /** The same list, serialised for the HTTP answer. Active at t means overlapping [t, t + 1 s). */
  async asJson({ site, time }: AtTimeInput): Promise<JsonText> {
    const at = parseUtcTime(time, 'time');
    return JsonText.array(await this.store.findOverlappingJson(parseSiteCode(site), { start: at, end: addSeconds(at, 1) }));
  }
}
