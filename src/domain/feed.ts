/**
 * A site's change feed: every change of an event at the site, in the order the changes committed,
 * read page by page with a cursor. Each store numbers a site's changes inside the change's own
 * atomic step, and answers only numbers it knows are committed with every lower one, so a cursor
 * already handed out never has a change appear behind it.
 */
import { entryVersion, isRemoval, type HistoryAction } from './history.js';
import { publicView } from './public-view.js';
import type { Reservation } from './reservation.js';

export interface FeedEntry {
  /** The change's place in the site's change feed; a store's own numbering, only ever compared within a site. */
  readonly seq: number;
  readonly event_id: string;
  readonly version: number;
  readonly action: HistoryAction;
  readonly at: string;
  /** The event after the change; null when it is no longer at the site (deleted, or moved to another site). */
  readonly event: Reservation | null;
}

export interface FeedPage {
  /** The entries after the asked-for seq, oldest first. */
  readonly entries: FeedEntry[];
  /**
   * The highest seq whose entry the retention purge may have removed (0: none). A cursor below it
   * might have missed a removed change, so it is no longer good.
   */
  readonly purgedThrough: number;
}

/**
 * What a cursor says: the site, the last seq its reader has seen, and when it was handed out. A
 * reader never sees these: the cursor handed out is sealed (FeedCursorCodec), so it neither shows
 * the seq (on SQLite a count of every write at every site) nor can be made or altered outside.
 */
export interface FeedCursor {
  readonly site: string;
  readonly seq: number;
  /** Unix seconds. */
  readonly issuedAt: number;
}

/** A change-feed entry before its store numbers it, with the site whose change feed it goes to. */
export interface UnnumberedEntry extends Omit<FeedEntry, 'seq'> {
  readonly site: string;
}

/**
 * The change-feed entries of one change of `event` (as it stands after the change; before it, for a
 * removal): one in its site's feed, and one more, with no event, in the feed of the site it left
 * when the change moved it (`previousSite`).
 */
export function feedEntries(event: Reservation, action: HistoryAction, at: string, previousSite?: string): UnnumberedEntry[] {
  const base = { event_id: event.event_id, version: entryVersion(event, action), action, at };
  const entries: UnnumberedEntry[] = [{ ...base, site: event.site, event: isRemoval(action) ? null : event }];
  if (previousSite !== undefined && previousSite !== event.site) entries.push({ ...base, site: previousSite, event: null });
  return entries;
}

/** A change-feed entry as anyone may read it: the change, and the event as it is now. */
export type PublicChange = Omit<FeedEntry, 'seq'>;

/**
 * What the change feed shows anyone of an entry: the change itself (id, version, action, time), and
 * the event as it is now (`current`, read after the entries), in its public view, when it is still
 * at the feed's `site`; null when it is not (deleted, or moved away). An entry therefore never shows
 * a superseded version (a note since blanked, a title since changed) nor anything of an event
 * deleted since but its id and that it left. Full versions are for the owner: /event-history.
 */
export function publicChange(entry: FeedEntry, current: Reservation | undefined, site: string): PublicChange {
  const { event_id, version, action, at } = entry;
  return { event_id, version, action, at, event: current !== undefined && current.site === site ? publicView(current) : null };
}
