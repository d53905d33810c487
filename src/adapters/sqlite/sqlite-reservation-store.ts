import type { HistoryRange } from '../../application/ports/event-journal.port.js';
import type { ReservationStore } from '../../application/ports/reservation-store.port.js';
import { ReservationList } from '../../application/reservation-list.js';
import type { Booking } from '../../domain/conflicts.js';
import { type Interval } from '../../domain/interval.js';
import type { FeedEntry, FeedPage } from '../../domain/feed.js';
import { isRemoval, type HistoryAction, type HistoryEntry } from '../../domain/history.js';
import { canonicalOrigin, type Reservation } from '../../domain/reservation.js';
import { storedVersion } from '../../domain/stored-reservation.js';
import { absentState, assertExpected, checkConditions, type EventState, type Expectation, type WritePlan } from '../../domain/write-plan.js';
import type { SqliteDatabase } from './database.js';
import { GroupCommit, type GroupCommitStats } from './sqlite-group-commit.js';
import {
  CREATOR_QUERY, EXPIRED_HISTORIES, FEED_QUERY, HISTORY_NEWEST_QUERY, HISTORY_PAGE_QUERY, OWNER_BOOKINGS_QUERY, ownerBooking, WINDOW_BOOKINGS_QUERY, WINDOW_CREATORS_QUERY,
  WINDOW_QUERY, WINDOW_TIMES_QUERY, type HistoryRow,
} from './sqlite-queries.js';

interface BodyRow {
  body: string;
}

interface FeedRow {
  seq: number;
  event_id: string;
  version: number;
  at: string;
  action: HistoryAction;
  body: string;
  away: 0 | 1;
}

const NO_LIMIT = -1;

/**
 * Reservations in SQLite. A plan's checks (its expectation, its conditions: the conflict rule, the
 * allowances) and its writes run inside one `BEGIN IMMEDIATE` transaction, which takes the
 * database's write lock before reading: a second process or connection waits (busy timeout) and
 * then sees the first one's write. Triggers refuse an overlapping write as a backstop.
 * The writes of one event-loop turn share one such transaction (sqlite-group-commit.ts), each in
 * its own savepoint: a refusal (a condition's, or a stale plan's) rolls back only its own.
 */
export class SqliteReservationStore implements ReservationStore {
  private readonly statements;
  private readonly commitTx;
  private readonly feedTx;
  private readonly purgeTx;
  private readonly group: GroupCommit;
  /** For tests and figures: how many writes the group commits have shared among how many commits. */
  readonly groupCommits: GroupCommitStats;

  constructor(db: SqliteDatabase) {
    this.group = new GroupCommit(db);
    this.groupCommits = this.group.stats;
    this.statements = {
      get: db.prepare<[string], BodyRow>('SELECT body FROM events WHERE event_id = ?'),
      // pluck(): each row is its body text, with no row object around it.
      overlapping: db.prepare<[{ site: string; from: string; to: string; limit: number }], string>(
        WINDOW_QUERY,
      ).pluck(),
      creatorsIn: db.prepare<[{ site: string; from: string; to: string }], string>(WINDOW_CREATORS_QUERY).pluck(),
      bookingsIn: db.prepare<[{ site: string; from: string; to: string }], Booking>(WINDOW_BOOKINGS_QUERY),
      ownerBookingsIn: db.prepare<[{ owner: string; site: string; from: string; to: string }], string>(OWNER_BOOKINGS_QUERY).pluck(),
      timesIn: db.prepare<[{ site: string; from: string; to: string; limit: number }], string>(WINDOW_TIMES_QUERY).pluck(),
      byCreator: db.prepare<[{ creator: string; time: string; limit: number }], string>(
        CREATOR_QUERY,
      ).pluck(),
      insert: db.prepare(
        `INSERT INTO events (event_id, site, start, "end", creator_id, origin, body)
         VALUES (@event_id, @site, @start, @end, @creator_id, @origin, @body)`,
      ),
      update: db.prepare(
        `UPDATE events SET site = @site, start = @start, "end" = @end, creator_id = @creator_id,
         origin = @origin, body = @body WHERE event_id = @event_id`,
      ),
      delete: db.prepare<[string]>('DELETE FROM events WHERE event_id = ?'),
      version: db.prepare<[string], unknown>("SELECT json_extract(body, '$.version') FROM events WHERE event_id = ?").pluck(),
      record: db.prepare(
        `INSERT INTO event_history (event_id, version, at, author, action, site, left_site, body)
         VALUES (@event_id, @version, @at, @by, @action, @site, @left_site, @body)`,
      ),
      feed: db.prepare<[{ site: string; after: number; limit: number }], FeedRow>(FEED_QUERY),
      purgedThrough: db.prepare<[string], number>('SELECT purged_through FROM feed_state WHERE site = ?').pluck(),
      // Distinct sites by skipping through the (site, ...) indexes: one seek a site, not a scan of every row.
      sites: db.prepare<[], string>(`WITH RECURSIVE
          e(site) AS (SELECT min(site) FROM events UNION ALL SELECT (SELECT min(site) FROM events WHERE site > e.site) FROM e WHERE e.site IS NOT NULL),
          h(site) AS (SELECT min(site) FROM event_history UNION ALL SELECT (SELECT min(site) FROM event_history WHERE site > h.site) FROM h WHERE h.site IS NOT NULL)
        SELECT site FROM e WHERE site IS NOT NULL UNION SELECT site FROM h WHERE site IS NOT NULL ORDER BY site`).pluck(),
      lastChange: db.prepare<[{ site: string }], string | null>(`SELECT max(at) FROM (
          SELECT at FROM (SELECT at FROM event_history WHERE site = @site ORDER BY seq DESC LIMIT 1)
          UNION ALL
          SELECT at FROM (SELECT at FROM event_history WHERE left_site = @site ORDER BY seq DESC LIMIT 1))`).pluck(),
      expired: db.prepare<[{ before: string }], string>(EXPIRED_HISTORIES).pluck(),
      purgedSeqs: db.prepare<[string], { site: string; left_site: string | null; seq: number }>(
        'SELECT site, left_site, max(seq) AS seq FROM event_history WHERE event_id = ? GROUP BY site, left_site',
      ),
      advancePurged: db.prepare(
        `INSERT INTO feed_state (site, purged_through) VALUES (@site, @seq)
         ON CONFLICT (site) DO UPDATE SET purged_through = max(purged_through, excluded.purged_through)`,
      ),
      forget: db.prepare<[string]>('DELETE FROM event_history WHERE event_id = ?'),
      // The id's last version: its last history entry's (through the (event_id, seq) index), or, once
      // the purge removed its history, the one kept in retired_ids; null for an id never used.
      lastVersion: db.prepare<[{ id: string }], number | null>(`SELECT coalesce(
          (SELECT version FROM event_history WHERE event_id = @id ORDER BY seq DESC LIMIT 1),
          (SELECT version FROM retired_ids WHERE event_id = @id))`).pluck(),
      retire: db.prepare<[{ id: string }]>(`INSERT INTO retired_ids (event_id, version)
          SELECT event_id, version FROM event_history WHERE event_id = @id ORDER BY seq DESC LIMIT 1
          ON CONFLICT (event_id) DO UPDATE SET version = max(version, excluded.version)`),
      history: db.prepare<[string], HistoryRow>(
        'SELECT version, at, author, action, body FROM event_history WHERE event_id = ? ORDER BY seq',
      ),
      historyPage: db.prepare<[{ id: string; after: number; limit: number }], HistoryRow>(HISTORY_PAGE_QUERY),
      historyNewest: db.prepare<[{ id: string; after: number; limit: number }], HistoryRow>(HISTORY_NEWEST_QUERY),
    };

    // The plan's expectation and conditions are checked inside the same BEGIN IMMEDIATE transaction as its
    // writes; an owner-scoped condition (an allowance) reads only that owner's bookings, LCO's left out.
    this.commitTx = db.transaction((plan: WritePlan): void => {
      assertExpected(plan, this.found(plan.eventId));
      checkConditions(plan, ({ site, owner, window }) => {
        const range = { site, from: window.start, to: window.end };
        if (owner === undefined) return this.statements.bookingsIn.all(range);
        return this.statements.ownerBookingsIn.all({ ...range, owner }).map((text) => ownerBooking(text, owner, site));
      });
      let body: string | undefined;
      if (plan.after === null) this.statements.delete.run(plan.eventId);
      else {
        const written = row(plan.after);
        (plan.expect.kind === 'live' ? this.statements.update : this.statements.insert).run(written);
        body = written.body;
      }
      this.record(plan, body);
    });
    // One read transaction: the entries and the purged seq come from the same snapshot.
    this.feedTx = db.transaction((site: string, after: number, limit: number): FeedPage => ({
      entries: this.statements.feed.all({ site, after, limit }).map(feedEntry),
      purgedThrough: this.statements.purgedThrough.get(site) ?? 0,
    }));
    this.purgeTx = db.transaction((before: string): number => {
      const expired = this.statements.expired.all({ before });
      for (const eventId of expired) {
        for (const { site, left_site, seq } of this.statements.purgedSeqs.all(eventId)) {
          // A row with left_site is in two feeds: its site's and the one it left.
          this.statements.advancePurged.run({ site, seq });
          if (left_site !== null) this.statements.advancePurged.run({ site: left_site, seq });
        }
        this.statements.retire.run({ id: eventId });
        this.statements.forget.run(eventId);
      }
      return expired.length;
    });
  }

  async state(eventId: string): Promise<EventState> {
    const stored = parse(this.statements.get.get(eventId));
    if (stored) return { kind: 'live', event: { ...stored, version: storedVersion(stored.version) } };
    return absentState(this.statements.lastVersion.get({ id: eventId }));
  }

  async commit(plan: WritePlan): Promise<void> {
    await this.group.enqueue(() => this.commitTx(plan));
  }

  async history(eventId: string, range?: HistoryRange): Promise<HistoryEntry[]> {
    const rows = range === undefined ? this.statements.history.all(eventId)
      : (range.newest ? this.statements.historyNewest : this.statements.historyPage)
        .all({ id: eventId, after: range.afterVersion ?? 0, limit: Math.max(0, range.limit) });
    return rows.map((r) => ({
      event_id: eventId, version: r.version, at: r.at, by: r.author, action: r.action, event: parseBody(r.body),
    }));
  }

  async changes(site: string, afterSeq: number, limit: number): Promise<FeedPage> {
    return this.feedTx(site, afterSeq, limit);
  }

  async sitesWithEvents(): Promise<string[]> {
    return this.statements.sites.all();
  }

  async lastChangeAt(site: string): Promise<string | undefined> {
    return this.statements.lastChange.get({ site }) ?? undefined;
  }

  async purgeHistory(before: string): Promise<number> {
    return this.group.alone(() => this.purgeTx.immediate(before));
  }

  /**
   * The history row of a change, called inside the change's transaction; it is also the change's
   * entry in the site's feed and, through left_site, in the feed of the site the change moved it
   * from: the plan's at most two feed entries. seq is AUTOINCREMENT under the write lock, so it grows
   * in commit order. `body` is the event's JSON, when the caller has just written it.
   */
  private record(plan: WritePlan, body = JSON.stringify(plan.history.event)): void {
    const [here, left, ...more] = plan.feed;
    if (here?.site !== plan.history.event.site || more.length > 0 || (left !== undefined && left.event !== null)) {
      throw new Error('SQLite journals a change in its event\'s site\'s feed, and with no event in the one it left');
    }
    this.statements.record.run({ ...plan.history, site: here.site, left_site: left?.site ?? null, body });
  }

  /** What this transaction finds stored under the id, as a plan's expectation says it. */
  private found(eventId: string): Expectation {
    const version = this.statements.version.get(eventId);
    if (version !== undefined) return { kind: 'live', version: storedVersion(version) };
    return absentState(this.statements.lastVersion.get({ id: eventId }));
  }

  async get(eventId: string): Promise<Reservation | undefined> {
    return parse(this.statements.get.get(eventId));
  }

  async findOverlapping(site: string, window: Interval, limit?: number): Promise<ReservationList> {
    return ReservationList.fromJson(this.overlappingBodies(site, window, limit));
  }

  async creatorsOverlapping(site: string, window: Interval): Promise<string[]> {
    return this.statements.creatorsIn.all({ site, from: window.start, to: window.end });
  }

  async busyOverlapping(site: string, window: Interval, limit = NO_LIMIT): Promise<Interval[]> {
    return this.statements.timesIn.all({ site, from: window.start, to: window.end, limit }).map((times) => {
      const space = times.indexOf(' ');
      return { start: times.slice(0, space), end: times.slice(space + 1) };
    });
  }

  async findByCreatorEndingAfter(creatorId: string, time: string, limit = NO_LIMIT): Promise<ReservationList> {
    return ReservationList.fromJson(this.statements.byCreator.all({ creator: creatorId, time, limit }));
  }

  /** Bodies are written by this store as JSON.stringify(reservation) (or json_set of one). */
  private overlappingBodies(site: string, window: Interval, limit = NO_LIMIT): string[] {
    return this.statements.overlapping.all({ site, from: window.start, to: window.end, limit });
  }

}

function row(reservation: Reservation): Record<string, string> {
  return {
    event_id: reservation.event_id,
    site: reservation.site,
    start: reservation.start,
    end: reservation.end,
    creator_id: reservation.creator_id,
    origin: canonicalOrigin(reservation.origin),
    body: JSON.stringify(reservation),
  };
}

function feedEntry(r: FeedRow): FeedEntry {
  const gone = r.away === 1 || isRemoval(r.action);
  return { seq: r.seq, event_id: r.event_id, version: r.version, action: r.action, at: r.at, event: gone ? null : parseBody(r.body) };
}

function parseBody(body: string): Reservation {
  return JSON.parse(body) as Reservation;
}

function parse(r: BodyRow | undefined): Reservation | undefined {
  return r === undefined ? undefined : parseBody(r.body);
}
