/**
 * The SQL of the SQLite store's reads, apart from the store so that the query-plan test
 * (test/sqlite/schema.test.ts) checks the very text the store prepares.
 */
import type { HistoryAction } from '../../domain/history.js';

/**
 * A site's change feed after a seq: the changes at the site, and those that moved an event away
 * from it, each through its own index, merged in seq order.
 */
export const FEED_QUERY = `SELECT * FROM (
  SELECT seq, event_id, version, at, action, body, 0 AS away FROM event_history WHERE site = @site AND seq > @after
  UNION ALL
  SELECT seq, event_id, version, at, action, body, 1 AS away FROM event_history WHERE left_site = @site AND seq > @after
) ORDER BY seq LIMIT @limit`;

/**
 * A part of an event's history (HistoryRange): a range of the (event_id, version, seq) index, oldest
 * first or newest first, LIMITed, so it reads those rows only however long the history is.
 */
const HISTORY_COLUMNS = 'SELECT version, at, author, action, body FROM event_history WHERE event_id = @id AND version > @after';
export type HistoryRow = { version: number; at: string; author: string; action: HistoryAction; body: string };
export const HISTORY_PAGE_QUERY = `${HISTORY_COLUMNS} ORDER BY version, seq LIMIT @limit`;
export const HISTORY_NEWEST_QUERY = `${HISTORY_COLUMNS} ORDER BY version DESC, seq DESC LIMIT @limit`;

/** Events whose last change is older than @before and that no longer exist: the purge's victims. */
export const EXPIRED_HISTORIES = `SELECT event_id FROM event_history GROUP BY event_id
 HAVING max(at) < @before AND event_id NOT IN (SELECT event_id FROM events)`;

/**
 * A site's events overlapping [from, to), in one statement (one read transaction): such an event
 * starts before `to`, and at most the site's longest event (site_extent) before `from`; a site with no
 * row has no events. The condition of every window query below.
 */
const WINDOW_CONDITION = `site = @site AND start < @to AND "end" > @from
   AND start >= strftime('%Y-%m-%dT%H:%M:%SZ',
         unixepoch(@from) - (SELECT max_seconds FROM site_extent WHERE site = @site), 'unixepoch')`;

/** `@limit` -1 is SQLite's "no limit". */
export const WINDOW_QUERY = `SELECT body FROM events
 WHERE ${WINDOW_CONDITION}
 ORDER BY start, event_id LIMIT @limit`;

/** The same window, reading only indexed columns (the clustered key and creator_id), never a body. */
export const WINDOW_CREATORS_QUERY = `SELECT creator_id FROM events WHERE ${WINDOW_CONDITION}`;

/** The same window's bookings as the conflict rule reads them: the columns it needs, no body to parse. */
export const WINDOW_BOOKINGS_QUERY = `SELECT event_id, site, start, "end", creator_id FROM events WHERE ${WINDOW_CONDITION} ORDER BY start, event_id`;

/**
 * An owner's bookings at a site overlapping [from, to), as an allowance condition reads them
 * (write-plan.ts ownerCounts: the owner's own, LCO observations left out; origin is stored as
 * exactly 'LCO' or 'PTR'). A range of events_creator_end (creator_id, "end" > from), so it reads
 * only the owner's bookings that end after the window starts, however far the window reaches (the
 * held rule's ends at FOREVER) and however busy the site. `+site` keeps the planner off the
 * (site, start) key, whose range would be every booking of the site's from the window's start on.
 * The index holds origin (V10) and, the table being keyed by (site, start, event_id), every other
 * column read here: the query never visits the table. Each booking is one text, "start end id"
 * (the times are canonical, 20 characters each): for an owner's 8 bookings better-sqlite3 gave
 * these in 4.6 µs, where row objects took 11.5 µs (and 24 µs reading origin from the table).
 */
export const OWNER_BOOKINGS_QUERY = `SELECT start || ' ' || "end" || ' ' || event_id FROM events
 WHERE creator_id = @owner AND "end" > @from AND start < @to AND +site = @site AND origin <> 'LCO'`;

/** A row of OWNER_BOOKINGS_QUERY as the booking it is. */
export function ownerBooking(text: string, owner: string, site: string): { event_id: string; site: string; start: string; end: string; creator_id: string } {
  return { event_id: text.slice(42), site, start: text.slice(0, 20), end: text.slice(21, 41), creator_id: owner };
}

/**
 * The window's times as one text a row, "start end": for a busy month (1 550 rows) better-sqlite3
 * gave these in 1.0 ms, where two columns as row objects took 2.9 ms and as arrays 2.2 ms.
 */
export const WINDOW_TIMES_QUERY = `SELECT start || ' ' || "end" FROM events WHERE ${WINDOW_CONDITION} ORDER BY start, event_id LIMIT @limit`;

export const CREATOR_QUERY = 'SELECT body FROM events WHERE creator_id = @creator AND "end" > @time ORDER BY start, event_id LIMIT @limit';
