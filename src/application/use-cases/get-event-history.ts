import { assertMayManage, type Actor } from '../../domain/actor.js';
import { ReservationNotFoundError } from '../../domain/errors.js';
import { historyOwner, type HistoryEntry } from '../../domain/history.js';
import type { EventJournal } from '../ports/event-journal.port.js';

export const DEFAULT_HISTORY_LIMIT = 100;
export const MAX_HISTORY_LIMIT = 1000;
/**
 * About how much of an answer one page may carry, in characters of its JSON: an event may hold tens
 * of kilobytes and be changed every few seconds, so a page of even 100 whole versions could be
 * megabytes, built in memory and sent for one request. A page stops before the entry that would
 * pass it, and always has at least one.
 */
export const HISTORY_PAGE_CHARS = 1024 * 1024;

interface GetEventHistoryInput {
  readonly actor: Actor;
  readonly eventId: string;
  /** Answer the entries after this version (default: from the first). */
  readonly afterVersion?: number;
  /** The most entries in the answer (default DEFAULT_HISTORY_LIMIT). */
  readonly limit?: number;
}

/**
 * How many entries one store read asks for: a page is read in such steps, stopping when it is full,
 * so a page that the budget ends early does not have the store read `limit` versions of a large
 * event (a thousand of 16 KB: 16 MB) to send a sixteenth of them.
 */
const READ_STEP = 32;

/**
 * POST /event-history: an event's changes, oldest first, to its owner or an admin, one bounded page
 * at a time: at most `limit` entries after `afterVersion`, and no more than about HISTORY_PAGE_CHARS
 * of them (at least one). The next page is the one after the last entry's version; an empty page is
 * the end. The store reads only the first entry (for the owner) and the page, in bounded steps,
 * never the whole history. The owner is whoever first created the id (historyOwner), whatever later
 * entries say, so the history of a deleted event stays theirs.
 */
export class GetEventHistory {
  constructor(private readonly store: EventJournal) {}

  async execute({ actor, eventId, afterVersion = 0, limit = DEFAULT_HISTORY_LIMIT }: GetEventHistoryInput): Promise<HistoryEntry[]> {
    const owner = historyOwner(await this.store.history(eventId, { limit: 1 }));
    if (!owner) throw new ReservationNotFoundError(eventId);
    assertMayManage(actor, owner);
    const page: HistoryEntry[] = [];
    let chars = 0;
    for (let after = afterVersion; page.length < limit;) {
      const want = Math.min(limit - page.length, READ_STEP);
      // One more than wanted: an entry written before a removal had a version of its own shares its
      // version with the change before it, and since the next page (or step) starts after that
      // version, a page never ends between the two; it takes the second too.
      const read = await this.store.history(eventId, { afterVersion: after, limit: want + 1 });
      for (const [i, entry] of read.entries()) {
        const sameVersion = entry.version === page.at(-1)?.version;
        if (i >= want && !sameVersion) break;
        const size = JSON.stringify(entry).length;
        if (page.length > 0 && chars + size > HISTORY_PAGE_CHARS && !sameVersion) return page;
        page.push(entry);
        chars += size;
      }
      if (read.length <= want) return page; // the history ends here
      after = page.at(-1)!.version;
    }
    return page;
  }
}
