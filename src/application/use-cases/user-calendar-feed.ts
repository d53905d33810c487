import type { Actor } from '../../domain/actor.js';
import { calendarEntry, calendarFeedWindow, latestTime, windowMovedAt } from '../../domain/calendar-feed.js';
import { FeedKeyExistsError, CalendarFeedNotFoundError, ForbiddenError, UnauthenticatedError } from '../../domain/errors.js';
import { formatUtcTime } from '../../domain/time.js';
import type { Clock } from '../ports/clock.port.js';
import type { FeedKeyCodec, FeedKeyStore } from '../ports/feed-keys.port.js';
import type { ReservationQueries } from '../ports/reservation-queries.port.js';
import type { CalendarFeedSettings } from '../settings.js';
import type { CalendarFeed } from './site-calendar-feed.js';

/** The longest a key in a calendar feed address may be: ours are 43 characters. Longer ones are not hashed. */
const MAX_KEY_LENGTH = 128;

/**
 * GET /ical/users/{key}.ics: the key owner's reservations at every site around today, notes
 * included. The key is looked up by its digest only; an unknown or retired key is a 404.
 */
export class UserCalendarFeed {
  constructor(
    private readonly store: ReservationQueries,
    private readonly keys: FeedKeyStore,
    private readonly codec: FeedKeyCodec,
    private readonly clock: Clock,
    private readonly settings: CalendarFeedSettings,
  ) {}

  async execute({ key }: { key: string }): Promise<CalendarFeed> {
    const owner = key.length > MAX_KEY_LENGTH ? undefined : await this.keys.owner(this.codec.digest(key));
    if (!owner) throw new CalendarFeedNotFoundError();
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    const window = calendarFeedWindow(nowSeconds, this.settings.pastDays, this.settings.futureDays);
    const events = (await this.store.findByCreatorEndingAfter(owner.sub, window.start, this.settings.maxEvents)).items
      .filter((e) => e.start < window.end);
    const entries = events.map((e) => calendarEntry(e));
    return {
      name: 'My Photon Ranch reservations',
      entries,
      // A delete leaves no trace among the events: this is a floor, and only the ETag is exact.
      lastModified: latestTime([owner.createdAt, windowMovedAt(nowSeconds), ...entries.map((e) => e.modified)])!,
    };
  }
}

/**
 * POST /ical-feed: makes the signed-in user's private calendar feed key and answers it once (only its
 * digest is kept). `rotate` replaces an existing key, which stops working at once.
 */
export class IssueFeedKey {
  constructor(
    private readonly keys: FeedKeyStore,
    private readonly codec: FeedKeyCodec,
    private readonly clock: Clock,
  ) {}

  async execute({ actor, rotate }: { actor: Actor; rotate: boolean }): Promise<{ key: string }> {
    if (actor.kind === 'anonymous') throw new UnauthenticatedError('Sign in to get a private feed address.');
    if (actor.kind !== 'user') throw new ForbiddenError('Only a signed-in user has a private feed.');
    const key = this.codec.newKey();
    const bound = await this.keys.bind(actor.sub, this.codec.digest(key), formatUtcTime(Math.floor(this.clock.now() / 1000)), rotate);
    if (!bound) throw new FeedKeyExistsError();
    return { key };
  }
}
