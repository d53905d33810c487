/**
 * What an iCalendar feed says about each event, independent of how it is written out: the feed's
 * window, and per event the entry a calendar app shows. Text is made safe for iCalendar here
 * (control characters out, lone surrogates mended); escaping and line folding are the writer's.
 */
import { NO_PROJECT, type Reservation } from './reservation.js';
import { epochSecondsOf, formatUtcTime } from './time.js';
import type { Interval } from './interval.js';

const DAY = 86_400;

/**
 * The calendar feed's window: from UTC midnight `pastDays` ago to UTC midnight `futureDays` ahead. Its edges
 * move once a day, at midnight, so a feed whose events did not change stays byte for byte the same
 * all day (and its ETag with it).
 */
export function calendarFeedWindow(nowSeconds: number, pastDays: number, futureDays: number): Interval {
  const midnight = Math.floor(nowSeconds / DAY) * DAY;
  return { start: formatUtcTime(midnight - pastDays * DAY), end: formatUtcTime(midnight + futureDays * DAY) };
}

/** The last time the window moved (today's UTC midnight): a calendar feed's content may change then too. */
export function windowMovedAt(nowSeconds: number): string {
  return formatUtcTime(Math.floor(nowSeconds / DAY) * DAY);
}

type CalendarFeedCategory = 'realtime' | 'project' | 'LCO';

export interface CalendarEntry {
  /** The event_id as calendarId writes it; the writer makes it `<id>@<domain>`. */
  readonly id: string;
  readonly start: string;
  readonly end: string;
  /** When the event was last changed (its last_modified): both DTSTAMP and LAST-MODIFIED. */
  readonly modified: string;
  /** The event's version: a client keeps an old copy unless a change raises it. */
  readonly sequence: number;
  readonly summary: string;
  readonly description: string;
  readonly categories: readonly CalendarFeedCategory[];
}

/**
 * Text as iCalendar allows it: no control character but tab and newline (a CR LF or lone CR becomes
 * a newline), and no lone UTF-16 surrogate (which no UTF-8 encoder can write).
 */
export function calendarText(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  return text
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

// A control character, `%`, or a lone UTF-16 surrogate (a pair is one character, and stays).
// eslint-disable-next-line no-control-regex
const NOT_IN_ID = /[%\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * An event id as iCalendar text can carry it, one to one, so that a UID names one event and says
 * nothing else: each control character, lone surrogate and `%` is written `%XX` (`%uXXXX` for a
 * surrogate), in uppercase hexadecimal. `%` itself being written so, no two ids are written alike,
 * and the id reads back from its UID. A new id (EVENT_ID) without `%` is written as it is; only
 * data stored before ids were checked can hold the others.
 */
export function calendarId(eventId: string): string {
  return eventId.replace(NOT_IN_ID, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff ? `%u${code.toString(16).toUpperCase()}` : `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
  });
}

/**
 * The calendar feed's entry of an event, its note included when it has one: a site's public feed gives it
 * the event's publicView (no note), the owner's own feed the event itself.
 */
export function calendarEntry(event: Reservation): CalendarEntry {
  const categories: CalendarFeedCategory[] = [];
  if (event.reservation_type === 'realtime' || event.reservation_type === 'project') categories.push(event.reservation_type);
  const lco = event.origin.toUpperCase() === 'LCO';
  if (lco) categories.push('LCO');
  const lines = [
    `Type: ${event.reservation_type || 'unspecified'}`,
    `Booked by: ${event.creator || event.creator_id}`,
    ...(event.project_id && event.project_id !== NO_PROJECT ? [`Project: ${event.project_id}`] : []),
    `Origin: ${lco ? 'LCO (imported from the LCO scheduler)' : event.origin}`,
    `Site: ${event.site}`,
    ...(event.reservation_note ? ['', event.reservation_note] : []),
  ];
  return {
    id: calendarId(event.event_id),
    start: event.start,
    end: event.end,
    // An event stored before last_modified was kept canonical falls back to its start.
    modified: canonicalOr(event.last_modified, event.start),
    sequence: event.version,
    summary: calendarText(event.title || event.creator || event.event_id),
    description: calendarText(lines.join('\n')),
    categories,
  };
}

function canonicalOr(text: unknown, fallback: string): string {
  const seconds = typeof text === 'string' ? epochSecondsOf(text) : undefined;
  return seconds === undefined ? fallback : formatUtcTime(seconds);
}

/** The latest of canonical UTC times (undefined for none); they compare as text. */
export function latestTime(times: Iterable<string | undefined>): string | undefined {
  let latest: string | undefined;
  for (const t of times) if (t !== undefined && (latest === undefined || t > latest)) latest = t;
  return latest;
}
