/**
 * What an item of the event table is, told by its sort key alone. Event ids are the callers' own,
 * so an event's partition may be named like any other item's (`history#x`, `feed#saf`, `removals`,
 * `feedkey#...`); but an event's sort key is its start, an ISO 8601 time, which never contains '#'
 * and is never twelve digits. Every reader keeps only the items of its own kind, so no event id can
 * make one kind of item read, or be purged, as another.
 */
type Item = Record<string, unknown>;

/** A history entry: `<version, 12 digits>#a` for a change, `#z` for a removal (one past the change it removed; in older entries, at its version). */
export const HISTORY_SORT_KEY = /^\d{12}#[az]$/;
/** In a history partition, once the purge removed the entries: the event's last version (its id stays used). */
export const RETIRED_SORT_KEY = 'retired#';
/** A change-feed entry: its seq, 12 digits. */
export const FEED_SORT_KEY = /^\d{12}$/;

/** An event (not a guard, history, change-feed, tombstone or calendar-feed-key item). */
export function isEventItem(item: Item): boolean {
  const start = String(item.start);
  return !start.includes('#') && !FEED_SORT_KEY.test(start);
}

export const sortKeyMatches = (pattern: RegExp) => (item: Item): boolean => pattern.test(String(item.start));
