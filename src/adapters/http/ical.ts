/**
 * iCalendar (RFC 5545) feeds, written by ical-generator: it escapes text (commas, semicolons,
 * backslashes, newlines), folds lines at 75 octets without splitting a UTF-8 character, and writes
 * CRLF line ends. Every time is written in UTC (no floating times). What is said about each event
 * comes from the domain (calendar-feed.ts); this module only writes it out, and answers the
 * conditional requests calendar apps poll with.
 */
import { createHash } from 'node:crypto';
import ical, { ICalCalendarMethod } from 'ical-generator';
import type { CalendarFeed } from '../../application/use-cases/site-calendar-feed.js';
import { RawAnswer } from './raw-answer.js';

/** How often a client should poll: the LCO import's period. Also the answers' cache lifetime. */
export const FEED_REFRESH_SECONDS = 300;

export interface FeedOptions {
  /** UIDs are `<event_id>@<domain>`. */
  readonly domain: string;
  readonly description: string;
  /** `public` for a site's feed, `private` for a user's (a shared cache must not keep it). */
  readonly cache: 'public' | 'private';
}

export function renderCalendar(feed: CalendarFeed, options: FeedOptions): string {
  const calendar = ical({
    prodId: { company: 'Photon Ranch', product: 'Telescope Calendar', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    name: feed.name,
    description: options.description,
    ttl: FEED_REFRESH_SECONDS,
  });
  for (const entry of feed.entries) {
    calendar.createEvent({
      id: `${entry.id}@${options.domain}`,
      start: new Date(entry.start),
      end: new Date(entry.end),
      stamp: new Date(entry.modified),
      lastModified: new Date(entry.modified),
      sequence: entry.sequence,
      summary: entry.summary,
      description: entry.description,
      categories: entry.categories.map((name) => ({ name })),
    });
  }
  // RFC 5545 ends every content line with CRLF, the last one too.
  return `${calendar.toString()}\r\n`;
}

/** The request's conditional headers, as RFC 9110 reads them. */
export interface Conditions {
  readonly ifNoneMatch?: string;
  readonly ifModifiedSince?: string;
}

interface Rendered {
  readonly body: string;
  readonly etag: string;
}

/**
 * Rendered feeds, by a digest of everything a rendering depends on (the entries, the name, the
 * options): the same inputs always give the same bytes, so a hit is exact, never stale. Writing a
 * feed costs about a quarter of a millisecond an event (ical-generator makes a TextEncoder for
 * every character it folds), against under 10 µs an event to read and digest it (`npm run bench --
 * --only ical`), so a feed is rendered once per change of its content, not once per poll. Bounded
 * in entries and in bytes; the least recently used goes first.
 */
export class FeedCache {
  private readonly entries = new Map<string, Rendered>();
  private bytes = 0;

  constructor(private readonly maxEntries = 64, private readonly maxBytes = 32 * 1024 * 1024) {}

  render(feed: CalendarFeed, options: FeedOptions): Rendered {
    const key = createHash('sha256').update(JSON.stringify([feed.name, feed.entries, options.domain, options.description])).digest('base64url');
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const body = renderCalendar(feed, options);
    const rendered = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` };
    this.entries.set(key, rendered);
    this.bytes += body.length;
    for (const [oldest, value] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= value.body.length;
    }
    return rendered;
  }
}

/**
 * The feed as an answer: 200 with the calendar, or 304 with no body when the client's copy is
 * current. If-None-Match decides when sent (it is exact); otherwise If-Modified-Since, against the
 * feed's Last-Modified, unless `exactLastModified` is false (then only the ETag can say "unchanged").
 */
export function feedAnswer(
  feed: CalendarFeed, options: FeedOptions, conditions: Conditions, exactLastModified: boolean, cache = new FeedCache(1),
): RawAnswer {
  const { body, etag } = cache.render(feed, options);
  const lastModified = new Date(feed.lastModified).toUTCString();
  const headers = {
    ETag: etag,
    'Last-Modified': lastModified,
    'Cache-Control': `${options.cache}, max-age=${FEED_REFRESH_SECONDS}`,
  };
  if (notModified(etag, feed.lastModified, conditions, exactLastModified)) return new RawAnswer(304, '', 'text/calendar; charset=utf-8', headers);
  return new RawAnswer(200, body, 'text/calendar; charset=utf-8', headers);
}

function notModified(etag: string, lastModified: string, conditions: Conditions, exactLastModified: boolean): boolean {
  if (conditions.ifNoneMatch !== undefined) {
    const tags = conditions.ifNoneMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
    return tags.includes('*') || tags.includes(etag);
  }
  if (conditions.ifModifiedSince !== undefined && exactLastModified) {
    const since = Date.parse(conditions.ifModifiedSince);
    // HTTP dates have whole seconds; the feed's time is canonical UTC, whole seconds too.
    return !Number.isNaN(since) && Date.parse(lastModified) <= since;
  }
  return false;
}
