import { calendarEntry, calendarFeedWindow, latestTime, windowMovedAt, type CalendarEntry } from '../../domain/calendar-feed.js';
import { publicView } from '../../domain/public-view.js';
import { parseSiteCode, type Reservation } from '../../domain/reservation.js';
import { formatUtcTime } from '../../domain/time.js';
import type { Clock } from '../ports/clock.port.js';
import type { EventJournal } from '../ports/event-journal.port.js';
import type { ReservationQueries } from '../ports/reservation-queries.port.js';
import type { CalendarFeedSettings } from '../settings.js';

export interface CalendarFeed {
  readonly name: string;
  readonly entries: CalendarEntry[];
  /** When the calendar feed's content last changed, at the latest (the Last-Modified of its answer). */
  readonly lastModified: string;
}

/**
 * The events of a calendar feed's window, at most `maxEvents`: one window query. Only when the
 * window holds more than that does a second query read what is ahead of now, so that a crowded
 * site's feed keeps its coming events (the nearest ones) and fills what room is left with past ones.
 */
async function windowEvents(
  read: (window: { start: string; end: string }, limit: number) => Promise<readonly Reservation[]>,
  nowSeconds: number,
  settings: CalendarFeedSettings,
  now: string,
): Promise<readonly Reservation[]> {
  const window = calendarFeedWindow(nowSeconds, settings.pastDays, settings.futureDays);
  const all = await read(window, settings.maxEvents + 1);
  if (all.length <= settings.maxEvents) return all;
  const ahead = await read({ start: now, end: window.end }, settings.maxEvents);
  const seen = new Set(ahead.map((e) => e.event_id));
  const past = all.filter((e) => !seen.has(e.event_id)).slice(0, settings.maxEvents - ahead.length);
  return [...past, ...ahead];
}

/**
 * GET /ical/{site}.ics: the site's reservations and imported LCO observations around today, for
 * anyone. An unknown site is an empty calendar. Its Last-Modified is the site's last change (a
 * delete, or a move away, included), or the window's last move, whichever is later.
 */
export class SiteCalendarFeed {
  constructor(
    private readonly store: ReservationQueries & EventJournal,
    private readonly clock: Clock,
    private readonly settings: CalendarFeedSettings,
  ) {}

  async execute({ site }: { site: string }): Promise<CalendarFeed> {
    const code = parseSiteCode(site);
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    const now = formatUtcTime(nowSeconds);
    const [events, lastChange] = await Promise.all([
      windowEvents(async (window, limit) => (await this.store.findOverlapping(code, window, limit)).items, nowSeconds, this.settings, now),
      this.store.lastChangeAt(code),
    ]);
    const entries = events.map((e) => calendarEntry(publicView(e)));
    return {
      name: code,
      entries,
      lastModified: latestTime([lastChange, windowMovedAt(nowSeconds), ...entries.map((e) => e.modified)])!,
    };
  }
}
