import { activeAtWindow } from '../../domain/interval.js';
import { parseSiteCode } from '../../domain/reservation.js';
import { parseUtcTime } from '../../domain/time.js';
import type { ReservationQueries } from '../ports/reservation-queries.port.js';
import type { AtTimeInput } from './list-reservations-at-time.js';
import { parseUserId } from './list-user-reservations.js';

/** POST /is-user-scheduled: does one of the events active at `time` at `site` belong to the user? */
export class IsUserScheduled {
  constructor(private readonly store: ReservationQueries) {}

  async execute(input: AtTimeInput & { readonly userId: string }): Promise<boolean> {
    const userId = parseUserId(input.userId);
    // From the store's indexed columns: no stored body is read, however large.
    const creators = await this.store.creatorsOverlapping(parseSiteCode(input.site), activeAtWindow(parseUtcTime(input.time, 'time')));
    return creators.some((creator) => creator === userId);
  }
}
