import { SqliteError } from 'better-sqlite3';
import type { HistoryRange } from '../../application/ports/event-journal.port.js';
import type { ReservationStore } from '../../application/ports/reservation-store.port.js';
import { ReservationList } from '../../application/reservation-list.js';
import type { Booking } from '../../domain/conflicts.js';
import { DomainError, ReservationConflictError, StoreUnavailableError } from '../../domain/errors.js';
import { type Interval } from '../../domain/interval.js';
import type { FeedEntry, FeedPage } from '../../domain/feed.js';
import { isRemoval, type HistoryAction, type HistoryEntry } from '../../domain/history.js';
import { canonicalOrigin, type Reservation } from '../../domain/reservation.js';
import { storedVersion } from '../../domain/stored-reservation.js';
import { assertExpected, checkConditions, type EventState, type Expectation, type WritePlan } from '../../domain/write-plan.js';
import type { SqliteDatabase } from './database.js';

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

/**
 * A site's feed after a seq: the changes at the site, and those that moved an event away from it,
 * each through its own index, merged in seq order. Exported for the query-plan test.
 */
export const FEED_QUERY = `SELECT * FROM (
  SELECT seq, event_id, version, at, action, body, 0 AS away FROM event_history WHERE site = @site AND seq > @after
  UNION ALL
  SELECT seq, event_id, version, at, action, body, 1 AS away FROM event_history WHERE left_site = @site AND seq > @after
) ORDER BY seq LIMIT @limit`;

/** Events whose last change is older than @before and that no longer exist: the purge's victims. */
/**
 * A part of an event's history (HistoryRange): a range of the (event_id, version, seq) index, oldest
 * first or newest first, LIMITed, so it reads those rows only however long the history is.
 */
const HISTORY_COLUMNS = 'SELECT version, at, author, action, body FROM event_history WHERE event_id = @id AND version > @after';
type HistoryRow = { version: number; at: string; author: string; action: HistoryAction; body: string };
export const HISTORY_PAGE_QUERY = `${HISTORY_COLUMNS} ORDER BY version, seq LIMIT @limit`;
export const HISTORY_NEWEST_QUERY = `${HISTORY_COLUMNS} ORDER BY version DESC, seq DESC LIMIT @limit`;

const EXPIRED_HISTORIES = `SELECT event_id FROM event_history GROUP BY event_id
 HAVING max(at) < @before AND event_id NOT IN (SELECT event_id FROM events)`;

const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED']);

/** A write waiting for the next group commit, and how its caller learns the outcome. */
interface PendingWrite {
  /** The write's own transaction function, called inside the group's (so as a savepoint). */
  readonly run: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** What the group commits have done since the store was opened: commits, and the writes in them. */
export interface GroupCommitStats {
  transactions: number;
  writes: number;
}

/**
 * A site's events overlapping [from, to), in one statement (one read transaction): such an event
 * starts before `to`, and at most the site's longest event (site_extent) before `from`; a site with no
 * row has no events. Exported for the query-plan test.
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
 * The window's times as one text a row, "start end": for a busy month (1 550 rows) better-sqlite3
 * gave these in 1.0 ms, where two columns as row objects took 2.9 ms and as arrays 2.2 ms.
 */
export const WINDOW_TIMES_QUERY = `SELECT start || ' ' || "end" FROM events WHERE ${WINDOW_CONDITION} ORDER BY start, event_id LIMIT @limit`;

export const CREATOR_QUERY = 'SELECT body FROM events WHERE creator_id = @creator AND "end" > @time ORDER BY start, event_id LIMIT @limit';

const NO_LIMIT = -1;

/**
 * Reservations in SQLite. A plan's checks (its expectation, its conditions: the conflict rule) and
 * its writes run inside one `BEGIN IMMEDIATE` transaction, which takes the database's write lock
 * before reading: a second process or connection waits (busy timeout) and then sees the first
 * one's write. Triggers refuse an
 * overlapping write as a backstop.
 *
 * Group commit: the writes that reach the store in the same event-loop turn run in one such
 * transaction, each inside its own savepoint, and share its COMMIT (under `synchronous = FULL`, its
 * one fsync). Each write sees those before it, so the conflict rule holds between them as between
 * separate transactions. A refusal (a domain error: a condition's, or a stale plan's) rolls back
 * only its own savepoint. Any other failure, of one write or of the COMMIT, leaves nothing of
 * the group; each of its writes then runs again alone, so only the one at fault fails. Every write
 * is answered only after its COMMIT has returned.
 */
export class SqliteReservationStore implements ReservationStore {
  private readonly statements;
  private readonly commitTx;
  private readonly feedTx;
  private readonly purgeTx;
  private readonly groupTx;
  private readonly aloneTx;
  private pending: PendingWrite[] = [];
  /** For tests and figures: how many writes the group commits have shared among how many commits. */
  readonly groupCommits: GroupCommitStats = { transactions: 0, writes: 0 };

  constructor(private readonly db: SqliteDatabase) {
    this.statements = {
      get: db.prepare<[string], BodyRow>('SELECT body FROM events WHERE event_id = ?'),
      // pluck(): each row is its body text, with no row object around it.
      overlapping: db.prepare<[{ site: string; from: string; to: string; limit: number }], string>(
        WINDOW_QUERY,
      ).pluck(),
      creatorsIn: db.prepare<[{ site: string; from: string; to: string }], string>(WINDOW_CREATORS_QUERY).pluck(),
      bookingsIn: db.prepare<[{ site: string; from: string; to: string }], Booking>(WINDOW_BOOKINGS_QUERY),
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

    // The plan's expectation and conditions are checked inside the same BEGIN IMMEDIATE transaction as its writes.
    this.commitTx = db.transaction((plan: WritePlan): void => {
      assertExpected(plan, this.found(plan.eventId));
      checkConditions(plan, ({ site, window }) => this.statements.bookingsIn.all({ site, from: window.start, to: window.end }));
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
    // Each write's own transaction function, called in here, becomes a savepoint: its refusal rolls
    // back only itself. Anything else aborts the group (see commitPending).
    this.groupTx = db.transaction((writes: readonly PendingWrite[]): Outcome[] => writes.map((write) => {
      try {
        return { ok: true, value: write.run() };
      } catch (error) {
        // A statement error such as SQLITE_FULL may have rolled back the whole transaction.
        if (!isRefusal(error) || !db.inTransaction) throw error;
        return { ok: false, error };
      }
    }));
    this.aloneTx = db.transaction((write: PendingWrite): unknown => write.run());
  }

  async state(eventId: string): Promise<EventState> {
    const stored = parse(this.statements.get.get(eventId));
    if (stored) return { kind: 'live', event: { ...stored, version: storedVersion(stored.version) } };
    const lastVersion = this.statements.lastVersion.get({ id: eventId });
    return lastVersion === null || lastVersion === undefined ? { kind: 'unused' } : { kind: 'gone', lastVersion };
  }

  async commit(plan: WritePlan): Promise<void> {
    await this.enqueue(() => this.commitTx(plan));
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
    return this.write(() => this.purgeTx.immediate(before));
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
    const lastVersion = this.statements.lastVersion.get({ id: eventId });
    return lastVersion === null || lastVersion === undefined ? { kind: 'unused' } : { kind: 'gone', lastVersion };
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

  /** Queues a write for the group commit at the end of this event-loop turn (see the class). */
  private enqueue<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => this.commitPending());
    });
  }

  /** Commits the queued writes together, then answers each. */
  private commitPending(): void {
    const writes = this.pending;
    this.pending = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.groupTx.immediate(writes);
      this.groupCommits.transactions += 1;
      this.groupCommits.writes += writes.length;
    } catch (error) {
      // The write lock could not be had (or a lone write failed): every write fails alike, and
      // running each alone would only wait out the busy timeout again, once per write.
      if (writes.length === 1 || isBusy(error)) {
        for (const write of writes) write.reject(storeError(error));
        return;
      }
      // One write failed otherwise, or the COMMIT did: nothing of the group was kept. Alone, each
      // write succeeds or fails on its own.
      outcomes = writes.map((write): Outcome => {
        try {
          return { ok: true, value: this.aloneTx.immediate(write) };
        } catch (failure) {
          return { ok: false, error: failure };
        }
      });
    }
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) writes[i]!.resolve(outcome.value);
      else writes[i]!.reject(storeError(outcome.error));
    });
  }

  /** Runs a write outside the group commit (the purge: long, rare, and alone anyway). */
  private write<T>(operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      throw storeError(error);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * The SQLite result code of a better-sqlite3 error. Told by its name and code, not instanceof: the
 * addon keeps the SqliteError class of the first module instance (and JavaScript realm) that loaded
 * it, and a test runner that loads the module again per test file, each in a realm of its own,
 * would otherwise fail to recognise its errors.
 */
function sqliteCode(error: unknown): string | undefined {
  if (error instanceof SqliteError) return error.code;
  const { name, code } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; code?: unknown };
  return name === 'SqliteError' && typeof code === 'string' ? code : undefined;
}

function isBusy(error: unknown): boolean {
  return BUSY_CODES.has(sqliteCode(error) ?? '');
}

/**
 * A write's own refusal, which rolls back only its savepoint: a domain error, or the overlap
 * triggers' backstop (the schema's only RAISE(ABORT), so this code is always one of them).
 */
function isRefusal(error: unknown): boolean {
  return error instanceof DomainError || sqliteCode(error) === 'SQLITE_CONSTRAINT_TRIGGER';
}

/** SQLite's lock and trigger failures as domain errors; anything else as it is. */
function storeError(error: unknown): unknown {
  if (isBusy(error)) return new StoreUnavailableError('The calendar database is busy; please retry.');
  if (sqliteCode(error) === 'SQLITE_CONSTRAINT_TRIGGER') return new ReservationConflictError([]);
  return error;
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
