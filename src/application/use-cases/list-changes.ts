import { CursorExpiredError } from '../../domain/errors.js';
import { decodeCursor, encodeCursor } from '../../domain/feed.js';
import type { HistoryAction } from '../../domain/history.js';
import { parseSiteCode, type Reservation } from '../../domain/reservation.js';
import type { Clock } from '../ports/clock.port.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';
import type { HistorySettings } from '../settings.js';

export interface Change {
  readonly event_id: string;
  readonly version: number;
  readonly action: HistoryAction;
  readonly at: string;
  readonly event: Reservation | null;
}

export interface ChangePage {
  readonly changes: Change[];
  /** The cursor to ask with next: after the last change answered (where the reader started, when none). */
  readonly next: string;
}

export const DEFAULT_CHANGES_LIMIT = 100;

/**
 * POST /changes: a site's changes in commit order, page by page. A reader that starts without
 * `since` and always goes on with `next` sees every change exactly once (domain/feed.ts). A cursor
 * handed out longer ago than the history is kept, or one behind the retention purge, is refused
 * with CursorExpiredError: the reader starts again.
 */
export class ListChanges {
  constructor(
    private readonly store: ReservationStore,
    private readonly clock: Clock,
    private readonly settings: HistorySettings,
  ) {}

  async execute({ site, since, limit = DEFAULT_CHANGES_LIMIT }: { site: string; since?: string; limit?: number }): Promise<ChangePage> {
    const code = parseSiteCode(site);
    const now = Math.floor(this.clock.now() / 1000);
    const retentionSeconds = this.settings.retentionDays * 86_400;
    const cursor = since === undefined ? undefined : decodeCursor(since, code);
    if (cursor && cursor.issuedAt < now - retentionSeconds) throw new CursorExpiredError(this.settings.retentionDays);
    const after = cursor?.seq ?? 0;
    const page = await this.store.changes(code, after, limit);
    // Entries after the cursor were purged: the reader would never learn of those removals.
    if (cursor && page.purgedThrough > after) throw new CursorExpiredError(this.settings.retentionDays);
    return {
      changes: page.entries.map(({ event_id, version, action, at, event }) => ({ event_id, version, action, at, event })),
      next: encodeCursor({ site: code, seq: page.entries.at(-1)?.seq ?? after, issuedAt: now }),
    };
  }
}
