/**
 * A site's change feed: every change of an event at the site, in the order the changes committed,
 * read page by page with a cursor. Each store numbers a site's changes inside the change's own
 * atomic step, and answers only numbers it knows are committed with every lower one, so a cursor
 * already handed out never has a change appear behind it.
 */
import { InvalidInputError } from './errors.js';
import { isRemoval, type HistoryAction } from './history.js';
import type { Reservation } from './reservation.js';

export interface FeedEntry {
  /** The change's place in the site's feed; a store's own numbering, only ever compared within a site. */
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

/** What a cursor says: the site, the last seq its reader has seen, and when it was handed out. */
export interface FeedCursor {
  readonly site: string;
  readonly seq: number;
  /** Unix seconds. */
  readonly issuedAt: number;
}

const CURSOR = /^c1\.([a-z0-9]{1,16})\.(\d{1,15})\.(\d{1,12})$/;

/** Readable on purpose (clients treat it as opaque): `c1.<site>.<seq>.<issued unix seconds>`. */
export function encodeCursor(cursor: FeedCursor): string {
  return `c1.${cursor.site}.${cursor.seq}.${cursor.issuedAt}`;
}

/** The cursor a feed of `site` handed out; InvalidInputError for anything else. */
export function decodeCursor(text: string, site: string): FeedCursor {
  const match = CURSOR.exec(text);
  if (!match) throw new InvalidInputError('Invalid since: it is not a cursor this feed handed out (use the "next" of an answer).');
  if (match[1] !== site) throw new InvalidInputError(`Invalid since: the cursor belongs to the feed of site ${match[1]}, not ${site}.`);
  return { site, seq: Number(match[2]), issuedAt: Number(match[3]) };
}

/** A feed entry before its store numbers it, with the site whose feed it goes to. */
export interface UnnumberedEntry extends Omit<FeedEntry, 'seq'> {
  readonly site: string;
}

/**
 * The feed entries of one change of `event` (as it stands after the change; before it, for a
 * removal): one in its site's feed, and one more, with no event, in the feed of the site it left
 * when the change moved it (`previousSite`).
 */
export function feedEntries(event: Reservation, action: HistoryAction, at: string, previousSite?: string): UnnumberedEntry[] {
  const base = { event_id: event.event_id, version: event.version, action, at };
  const entries: UnnumberedEntry[] = [{ ...base, site: event.site, event: isRemoval(action) ? null : event }];
  if (previousSite !== undefined && previousSite !== event.site) entries.push({ ...base, site: previousSite, event: null });
  return entries;
}
