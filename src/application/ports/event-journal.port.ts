import type { FeedPage } from '../../domain/feed.js';
import type { HistoryEntry } from '../../domain/history.js';

import { token } from '../token.js';

/**
 * A bounded part of an event's history (see EventJournal.history): at most `limit` entries, oldest
 * first from just after version `afterVersion` (default: from the first), or with `newest` the last
 * `limit` entries, newest first. Each store reads only those entries (an index range, a
 * key-conditioned Query), however long the history, so no one read costs the whole of it.
 */
export interface HistoryRange {
  readonly limit: number;
  readonly afterVersion?: number;
  readonly newest?: boolean;
}

/**
 * What every committed write left behind: each event's history, each site's change feed, and the
 * retention purge of both. The entries are the ones the write's plan carried (domain/write-plan.ts),
 * written in its atomic step.
 */
export interface EventJournal {
  /**
   * The event's history entries, oldest first; [] for an id never stored. With a range, only that
   * part of it (HistoryRange), read without the rest: what the routes use, since an event edited
   * for months has a history no one answer may carry. Without one, every entry (tools and tests).
   */
  history(eventId: string, range?: HistoryRange): Promise<HistoryEntry[]>;

  /**
   * The site's change-feed entries with seq above `afterSeq`, oldest first, at most `limit`. Each
   * site's entries are numbered in commit order, and a page holds only entries whose every
   * predecessor is committed and visible, so a reader that goes on from the last seq it got never
   * skips one.
   */
  changes(site: string, afterSeq: number, limit: number): Promise<FeedPage>;

  /** When the site's change feed last had an entry (a change at the site, or away from it); undefined for none. */
  lastChangeAt(site: string): Promise<string | undefined>;

  /**
   * The retention purge: removes the history, and the change-feed entries, of every event deleted
   * before `before` and not restored since. A change feed's purged seq (FeedPage.purgedThrough) is advanced
   * before any of its entries goes. The event's id and last version are kept, so the id stays used
   * (arrivalVersion). Returns how many events' histories were removed.
   */
  purgeHistory(before: string): Promise<number>;
}

export const EventJournalToken = token<EventJournal>('EventJournal');
