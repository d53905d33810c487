import { CursorExpiredError, InvalidInputError } from '../../domain/errors.js';
import { publicChange, type PublicChange } from '../../domain/feed.js';
import { parseSiteCode, type Reservation } from '../../domain/reservation.js';
import { settleWithConcurrency } from '../concurrency.js';
import type { Clock } from '../ports/clock.port.js';
import type { FeedCursorCodec } from '../ports/feed-cursors.port.js';
import type { EventJournal } from '../ports/event-journal.port.js';
import type { ReservationQueries } from '../ports/reservation-queries.port.js';
import type { HistorySettings } from '../settings.js';

type Change = PublicChange;

interface ChangePage {
  readonly changes: Change[];
  /** The cursor to ask with next: after the last change answered (where the reader started, when none). */
  readonly next: string;
}

export const DEFAULT_CHANGES_LIMIT = 100;
/**
 * About how much of the events a page may carry, in characters of their JSON. Each change carries
 * its event as it is now, so one large event changed a thousand times would be sent a thousand
 * times in one page (15 MB for a 150-byte request): a page stops before the change whose event
 * would pass this, and always has at least one, so its cost follows what it holds, not `limit`.
 */
export const CHANGES_PAGE_CHARS = 1024 * 1024;
/** How many change-feed entries one store read asks for: a page is read in such steps until full. */
const FEED_READ_STEP = 100;
/**
 * How many of a page's events are read at once: one consistent read each on DynamoDB, so a page of
 * 100 took 350 ms at 16 and 135 ms at 32 on DynamoDB Local; 32 leaves the SDK's 50 sockets room.
 */
const EVENT_READ_CONCURRENCY = 32;

/**
 * POST /changes: a site's changes in commit order, page by page, for anyone. A reader that starts
 * without `since` and always goes on with `next` sees every change exactly once (domain/feed.ts).
 * Each change carries the event as it is now, in its public view (publicChange): never a version
 * since superseded or deleted. A page holds at most `limit` changes and stops before the one whose
 * event would take the events it carries past about CHANGES_PAGE_CHARS (always at least one), its
 * `next` after the last change it holds: what one request costs follows what it sends. A cursor
 * is sealed (FeedCursorCodec): one that does not open for the site is refused with
 * InvalidInputError. One handed out longer ago than the history is kept, or
 * one behind the retention purge, is refused with CursorExpiredError: the reader starts again.
 */
export class ListChanges {
  constructor(
    private readonly store: EventJournal & ReservationQueries,
    private readonly clock: Clock,
    private readonly settings: HistorySettings,
    private readonly cursors: FeedCursorCodec,
  ) {}

  async execute({ site, since, limit = DEFAULT_CHANGES_LIMIT }: { site: string; since?: string; limit?: number }): Promise<ChangePage> {
    const code = parseSiteCode(site);
    const issuedAt = Math.floor(this.clock.now() / 1000);
    const retentionSeconds = this.settings.retentionDays * 86_400;
    const cursor = since === undefined ? undefined : await this.cursors.open(since, code);
    if (since !== undefined && cursor === undefined) {
      throw new InvalidInputError(`Invalid since: it is not a cursor the feed of site ${code} handed out (use the "next" of its last answer, or start again without since).`);
    }
    if (cursor && cursor.issuedAt < issuedAt - retentionSeconds) throw new CursorExpiredError(this.settings.retentionDays);
    const after = cursor?.seq ?? 0;
    const changes: Change[] = [];
    let chars = 0;
    let seq = after;
    // Read in steps, so that a page the budget ends early does not have the store read `limit`
    // entries (and their events) to send a few of them.
    for (let first = true; changes.length < limit; first = false) {
      const step = Math.min(limit - changes.length, FEED_READ_STEP);
      const page = await this.store.changes(code, seq, step);
      if (page.purgedThrough > seq && !first) break; // the purge overtook this page: it ends here, and the next asks again
      // Entries after the cursor were purged: the reader would never learn of those removals.
      if (first && cursor && page.purgedThrough > after) throw new CursorExpiredError(this.settings.retentionDays);
      // Each step's events are read after its entries, so none is older than the change it comes with.
      const current = await this.currentEvents([...new Set(page.entries.map((e) => e.event_id))]);
      const sizes = new Map<Reservation, number>();
      for (const entry of page.entries) {
        const now = current.get(entry.event_id);
        const change = publicChange(entry, now, code);
        const size = change.event === null || now === undefined ? 0 : measured(sizes, now, change.event);
        if (changes.length > 0 && chars + size > CHANGES_PAGE_CHARS) return this.answer(code, changes, seq, issuedAt);
        changes.push(change);
        chars += size;
        seq = entry.seq;
      }
      if (page.entries.length < step) break;
    }
    return this.answer(code, changes, seq, issuedAt);
  }

  /** `next` is after the last change answered, so the ones the budget left out come in the next page. */
  private async answer(site: string, changes: Change[], seq: number, issuedAt: number): Promise<ChangePage> {
    return { changes, next: await this.cursors.seal({ site, seq, issuedAt }) };
  }

  /** Each event as it is now (read after the entries of the step, so never older than them); absent when gone. */
  private async currentEvents(ids: string[]): Promise<Map<string, Reservation>> {
    const found = new Map<string, Reservation>();
    const outcomes = settleWithConcurrency(ids.map((id) => () => this.store.get(id)), EVENT_READ_CONCURRENCY);
    for (const [i, outcome] of outcomes.entries()) {
      const settled = await outcome;
      if (settled.status === 'rejected') throw settled.reason;
      if (settled.value !== undefined) found.set(ids[i]!, settled.value);
    }
    return found;
  }
}

/** The characters of an event's public JSON, measured once per event read. */
function measured(sizes: Map<Reservation, number>, event: Reservation, view: object): number {
  let size = sizes.get(event);
  if (size === undefined) sizes.set(event, size = JSON.stringify(view).length);
  return size;
}
