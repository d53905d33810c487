import { inject, injectable } from 'inversify';
import { activeAtWindow } from '../../domain/interval.js';
import { parseSiteCode, type Reservation } from '../../domain/reservation.js';
import { parseUtcTime } from '../../domain/time.js';
import { JsonText } from '../json-text.js';
import { ReservationStoreToken, type ReservationStore } from '../ports/reservation-store.port.js';
import { ListLimitsToken, withinListLimit, type ListLimits } from '../settings.js';

export interface AtTimeInput {
  readonly site: string;
  readonly time: string;
}

const TOO_MANY = 'no more can be listed in one answer';

/** POST /get-event-at-time: the site's events active at `time`. */
@injectable()
export class ListReservationsAtTime {
  constructor(
    @inject(ReservationStoreToken) private readonly store: ReservationStore,
    @inject(ListLimitsToken) private readonly limits: ListLimits,
  ) {}

  async execute({ site, time }: AtTimeInput): Promise<Reservation[]> {
    const found = await this.store.findActiveAt(parseSiteCode(site), parseUtcTime(time, 'time'), this.limits.maxEvents + 1);
    return withinListLimit(found, this.limits, TOO_MANY);
  }

  /** The same list, serialised for the HTTP answer. */
  async asJson({ site, time }: AtTimeInput): Promise<JsonText> {
    const window = activeAtWindow(parseUtcTime(time, 'time'));
    const texts = await this.store.findOverlappingJson(parseSiteCode(site), window, this.limits.maxEvents + 1);
    return JsonText.array(withinListLimit(texts, this.limits, TOO_MANY));
  }
}
