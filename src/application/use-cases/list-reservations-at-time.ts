import { activeAtWindow } from '../../domain/interval.js';
import { parseSiteCode } from '../../domain/reservation.js';
import { parseUtcTime } from '../../domain/time.js';
import type { ReservationQueries } from '../ports/reservation-queries.port.js';
import type { ReservationList } from '../reservation-list.js';
import { withinListCap, type ListCaps } from '../settings.js';

export interface AtTimeInput {
  readonly site: string;
  readonly time: string;
}

const TOO_MANY = 'no more can be listed in one answer';

/** POST /get-event-at-time: the site's events active at `time`. */
export class ListReservationsAtTime {
  constructor(
    private readonly store: ReservationQueries,
    private readonly caps: ListCaps,
  ) {}

  async execute({ site, time }: AtTimeInput): Promise<ReservationList> {
    const window = activeAtWindow(parseUtcTime(time, 'time'));
    const found = await this.store.findOverlapping(parseSiteCode(site), window, this.caps.maxEvents + 1);
    return withinListCap(found, this.caps, TOO_MANY);
  }
}
