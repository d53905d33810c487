/**
 * iCalendar (RFC 5545) feeds, written by ical-generator: it escapes text (commas, semicolons,
 * backslashes, newlines), folds lines at 75 octets without splitting a UTF-8 character, and writes
 * CRLF line ends. Every time is written in UTC (no floating times). What is said about each event
 * comes from the domain (calendar-feed.ts); this module only writes it out, and answers the
 * conditional requests calendar apps poll with.
 *
 * ical-generator writes a few properties as it gets them (UID, NAME, X-WR-CALNAME, X-WR-CALDESC):
 * those are given to it escaped here, with its own `escape`, like everything it escapes itself.
 */
import { createHash } from 'node:crypto';
import ical, { escape, foldLines, ICalCalendarMethod, ICalEvent, type ICalCalendar } from 'ical-generator';
import type { StoreVersion } from '../../application/ports/store-version.port.js';
import { calendarText, type CalendarEntry } from '../../domain/calendar-feed.js';
import type { CalendarFeed } from '../../application/use-cases/site-calendar-feed.js';
import { RawAnswer } from './raw-answer.js';

/** How often a client should poll: the LCO import's default period (IMPORT_INTERVAL_SECONDS). Also the answers' cache lifetime. */
const FEED_REFRESH_SECONDS = 300;

/**
 * The UIDs' domain when the deployment names none (ICAL_DOMAIN, or PUBLIC_URL's host name). Never
 * the request's host: a client must not be able to choose what the feed says, nor make it new.
 */
export const DEFAULT_ICAL_DOMAIN = 'calendar.photonranch.org';

export interface CalendarFeedOptions {
  readonly description: string;
  /** `public` for a site's feed, `private` for a user's (a shared cache must not keep it). */
  readonly cache: 'public' | 'private';
}

/** A text value as iCalendar writes it: made safe by the domain, then escaped. */
const text = (value: string): string => escape(calendarText(value), false);

const END = 'END:VCALENDAR';

/** The calendar's lines before its events. */
function calendarHead(name: string, description: string): string {
  const empty = ical({
    prodId: { company: 'Photon Ranch', product: 'Telescope Calendar', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    name: text(name),
    description: text(description),
    ttl: FEED_REFRESH_SECONDS,
  }).toString();
  return empty.slice(0, -END.length);
}

/** The calendar every event is made in: it has no time zone, so every time is written in UTC. */
let scratch: ICalCalendar | undefined;

/**
 * One event's VEVENT, folded: whole lines, so the feed is its head, its events' parts and its end,
 * byte for byte what ical-generator writes for the whole calendar at once.
 */
function renderEvent(entry: CalendarEntry, domain: string): string {
  scratch ??= ical();
  const event = new ICalEvent({
    id: `${escape(entry.id, false)}@${escape(domain, false)}`,
    start: new Date(entry.start),
    end: new Date(entry.end),
    stamp: new Date(entry.modified),
    lastModified: new Date(entry.modified),
    sequence: entry.sequence,
    summary: entry.summary,
    description: entry.description,
    categories: entry.categories.map((name) => ({ name })),
  }, scratch);
  return foldLines(event.toString());
}

/** The whole feed, every event written anew (CalendarFeedCache.render writes only what changed). */
export function renderCalendar(feed: CalendarFeed, options: CalendarFeedOptions, domain: string): string {
  return assemble(feed, options, feed.entries.map((entry) => renderEvent(entry, domain)));
}

// RFC 5545 ends every content line with CRLF, the last one too.
const assemble = (feed: CalendarFeed, options: CalendarFeedOptions, parts: readonly string[]): string =>
  `${calendarHead(feed.name, options.description)}${parts.join('')}${END}\r\n`;

/** The request's conditional headers, as RFC 9110 reads them. */
export interface Conditions {
  readonly ifNoneMatch?: string;
  readonly ifModifiedSince?: string;
}

interface Rendered {
  readonly body: string;
  /** The body encoded, once: what is sent. */
  readonly bytes: Buffer;
  readonly etag: string;
}

/** A map that forgets its least recently used values past a count or a total size. */
class Lru<V extends { readonly size: number }> {
  private readonly values = new Map<string, V>();
  private bytes = 0;

  constructor(private readonly maxEntries: number, private readonly maxBytes: number) {}

  get(key: string): V | undefined {
    const value = this.values.get(key);
    if (value !== undefined) {
      this.values.delete(key);
      this.values.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    const old = this.values.get(key);
    if (old !== undefined) {
      this.values.delete(key);
      this.bytes -= old.size;
    }
    this.values.set(key, value);
    this.bytes += value.size;
    for (const [oldest, dropped] of this.values) {
      if (this.values.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.values.delete(oldest);
      this.bytes -= dropped.size;
    }
  }
}

interface CalendarFeedCacheCaps {
  /** Whole feeds kept, and their total size (each the text's UTF-16 units plus its encoded bytes). */
  readonly feeds?: number;
  readonly feedBytes?: number;
  /** Events' written parts kept, and their total size. */
  readonly events?: number;
  readonly eventBytes?: number;
  /** Feeds kept as last read, by route and parameters (with a StoreVersion), and their total size. */
  readonly latest?: number;
  readonly latestBytes?: number;
}

type Loaded = { readonly feed: CalendarFeed; readonly rendered: Rendered };

/**
 * Writing feeds, and what was written, for one process. Writing an event costs about a quarter of a
 * millisecond (ical-generator makes a TextEncoder for every character it folds), so:
 * - each event's part is kept by its feed's kind and its id, with the entry it was written from
 *   (its version and all it says): a feed after a change writes the changed events only, and puts
 *   the others' parts together;
 * - whole feeds are kept by a digest of everything they depend on (the entries, the name, the
 *   description, the UIDs' domain): the same inputs always give the same bytes, so a hit is exact, never stale;
 * - a feed being read and written is shared by every request for it meanwhile (`load`);
 * - with the store's version (SQLite), a feed read is answered again without reading the store
 *   until anything is committed, by any process, or the UTC day (and so the feed's window) changes:
 *   the cost of a poll is then that of sending the bytes. (A site whose window holds more than
 *   ICAL_MAX_EVENTS events keeps those ahead of now, which moves with the time: its choice is then
 *   made again at the next commit, at the latest the next LCO import.)
 * The UIDs' domain is the deployment's, fixed here: nothing a request sends selects another
 * writing. Bounded in entries and in size; the least recently used go first.
 */
export class CalendarFeedCache {
  /** What has been written: events (parts) and whole feeds. Read by tests and the benchmark. */
  readonly written = { events: 0, feeds: 0 };
  private readonly feeds: Lru<Rendered & { size: number }>;
  private readonly parts: Lru<{ entry: string; text: string; size: number }>;
  private readonly latest: Lru<{ loaded: Loaded; version: number; day: number; size: number }>;
  private readonly inFlight = new Map<string, Promise<Loaded>>();

  constructor(readonly domain: string, caps: CalendarFeedCacheCaps = {}, private readonly storeVersion?: StoreVersion) {
    this.feeds = new Lru(caps.feeds ?? 64, caps.feedBytes ?? 32 * 1024 * 1024);
    this.parts = new Lru(caps.events ?? 50_000, caps.eventBytes ?? 64 * 1024 * 1024);
    this.latest = new Lru(caps.latest ?? 256, caps.latestBytes ?? 32 * 1024 * 1024);
  }

  render(feed: CalendarFeed, options: CalendarFeedOptions): Rendered {
    const entries = feed.entries.map((entry) => JSON.stringify(entry));
    // Entries' JSON has no raw newline: one between them keeps the digest's input unambiguous.
    const digest = createHash('sha256').update(JSON.stringify([feed.name, options.description, this.domain]));
    for (const entry of entries) digest.update('\n').update(entry);
    const key = digest.digest('base64url');
    const hit = this.feeds.get(key);
    if (hit) return hit;
    const body = assemble(feed, options, feed.entries.map((entry, i) => this.part(options.cache, entry, entries[i]!)));
    this.written.feeds += 1;
    const bytes = Buffer.from(body, 'utf8');
    const rendered = { body, bytes, etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}"`, size: body.length + bytes.length };
    this.feeds.set(key, rendered);
    return rendered;
  }

  /**
   * The feed `read` gives, written: every request with the same `key` while one is under way gets
   * that one's. A request joining it may so get a feed read up to that read's time before it came,
   * which no client polling every few minutes can tell from its own poll coming a moment earlier.
   */
  load(key: string, read: () => Promise<CalendarFeed>, options: CalendarFeedOptions): Promise<Loaded> {
    // Asked before reading: a commit during the read leaves the feed kept under the version before
    // it, which the next request no longer finds current.
    const version = this.storeVersion?.current();
    const day = Math.floor(Date.now() / 86_400_000);
    const kept = version === undefined ? undefined : this.latest.get(key);
    if (kept && kept.version === version && kept.day === day) return Promise.resolve(kept.loaded);
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = (async () => {
      const feed = await read();
      const loaded = { feed, rendered: this.render(feed, options) };
      if (version !== undefined) this.latest.set(key, { loaded, version, day, size: loaded.rendered.bytes.length });
      return loaded;
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  private part(kind: CalendarFeedOptions['cache'], entry: CalendarEntry, json: string): string {
    // calendarId leaves no control character in an id: the newline cannot be part of one.
    const key = `${kind}\n${entry.id}`;
    const kept = this.parts.get(key);
    if (kept && kept.entry === json) return kept.text;
    const written = renderEvent(entry, this.domain);
    this.written.events += 1;
    this.parts.set(key, { entry: json, text: written, size: json.length + written.length });
    return written;
  }
}

/**
 * The feed as an answer: 200 with the calendar, or 304 with no body when the client's copy is
 * current. If-None-Match decides when sent (it is exact); otherwise If-Modified-Since, against the
 * feed's Last-Modified, unless `exactLastModified` is false (then only the ETag can say "unchanged").
 */
export function calendarFeedAnswer(
  feed: CalendarFeed, { bytes, etag }: Rendered, options: CalendarFeedOptions, conditions: Conditions, exactLastModified: boolean,
): RawAnswer {
  const lastModified = new Date(feed.lastModified).toUTCString();
  const headers = {
    ETag: etag,
    'Last-Modified': lastModified,
    'Cache-Control': `${options.cache}, max-age=${FEED_REFRESH_SECONDS}`,
  };
  if (notModified(etag, feed.lastModified, conditions, exactLastModified)) return new RawAnswer(304, '', 'text/calendar; charset=utf-8', headers);
  return new RawAnswer(200, bytes, 'text/calendar; charset=utf-8', headers);
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
