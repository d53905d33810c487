import { InvalidInputError } from '../../domain/errors.js';
import { LIMITS } from '../../domain/reservation.js';
import { parseUtcTime } from '../../domain/time.js';
import type { ReservationQueries } from '../ports/reservation-queries.port.js';
import type { ReservationList } from '../reservation-list.js';
import { withinListCap, type ListCaps } from '../settings.js';

interface ListUserReservationsInput {
  readonly userId: string;
  readonly time: string;
}

export function parseUserId(value: string): string {
  if (value.length === 0 || value.length > LIMITS.creator_id) {
    throw new InvalidInputError(`Invalid user_id: expected 1 to ${LIMITS.creator_id} characters`);
  }
  return value;
}

const LATER_TIME = 'ask for a later time';

/** POST /user-events-ending-after-time: a creator's events with `end > time`, ordered by start. */
export class ListUserReservationsEndingAfter {
  constructor(
    private readonly store: ReservationQueries,
    private readonly caps: ListCaps,
  ) {}

  async execute({ userId, time }: ListUserReservationsInput): Promise<ReservationList> {
    const found = await this.store.findByCreatorEndingAfter(parseUserId(userId), parseUtcTime(time, 'time'), this.caps.maxEvents + 1);
    return withinListCap(found, this.caps, LATER_TIME);
  }
}
