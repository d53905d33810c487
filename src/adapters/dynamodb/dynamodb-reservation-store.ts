import {
  TransactionCanceledException, TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  TransactWriteCommand, type DynamoDBDocumentClient, type QueryCommandInput, type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { HistoryRange, ReservationStore, WriteOptions } from '../../application/ports/reservation-store.port.js';
import { ReservationList } from '../../application/reservation-list.js';
import { findConflicts } from '../../domain/conflicts.js';
import { ReservationConflictError, ReservationExistsError, ReservationNotFoundError } from '../../domain/errors.js';
import { overlaps, type Interval } from '../../domain/interval.js';
import type { FeedPage } from '../../domain/feed.js';
import {
  arrivalVersion, LCO_IMPORT, projectAction, removalAction, type Arrival, type Change, type HistoryAction, type HistoryEntry,
} from '../../domain/history.js';
import { checkVersion, NO_PROJECT, type Reservation } from '../../domain/reservation.js';
import { reservationFromStored, storedVersion } from '../../domain/stored-reservation.js';
import {
  guardDays, guardedBookings, guardInterval, guardPut, readGuards, type Guard,
} from './day-guards.js';
import { getEventItem, querySorted, windowQuery } from './event-reads.js';
import { feedSites, isFeedNumbering, journalWrites, lastEntryAt, purgeRemovals, readFeed, type JournalCommand } from './feed-items.js';
import { lastHistoryEntry, readHistory } from './history-items.js';
import { SiteRegistry } from './site-registry.js';
import { backoff, Retry, withRetries } from './optimistic.js';
import { SiteTurns } from './site-turns.js';
import { CREATOR_END_INDEX } from './tables.js';
import { unavailableWhenTransient } from './unavailable.js';

type Item = Record<string, unknown>;
type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;
interface Journal {
  readonly items: TransactItems;
  readonly again: () => Promise<TransactItems>;
}

/** How long one write may go on retrying (turn waits aside) before a 503: contention costs this much latency at most. */
const RETRY_BUDGET_MS = 10_000;
/** Attempts one write makes whatever the time they take (the count that was the whole budget before). */
const MIN_ATTEMPTS = 10;
/** A waiter for a site's turn gives up after the turn has not passed this long (site-turns.ts). */
const TURN_STALL_MS = 15_000;
/** The first renumbering backoff's ceiling (doubling up to 64 times this): the head is usually free again within a round trip. */
const HEAD_BACKOFF_MS = 2;

/** Whether every item that cancelled the transaction numbers a feed entry (another write took the seq). */
function onlyFeedHeadsFailed(error: TransactionCanceledException, items: TransactItems): boolean {
  const failed = (error.CancellationReasons ?? []).flatMap((reason, i) => (reason.Code && reason.Code !== 'None' ? [i] : []));
  return failed.length > 0 && failed.every((i) => isFeedNumbering(items[i]));
}

export interface DynamoDbStoreOptions {
  readonly tableName: string;
  /** How long one write may go on retrying (after 10 attempts at least) before giving up with StoreUnavailableError (10 s by default). */
  readonly retryBudgetMs?: number;
  /** Attempts of one write at most, whatever the time left (no cap by default). */
  readonly maxAttempts?: number;
  readonly baseBackoffMs?: number;
  /** How long a write waits for its site's turn when the turn does not pass (15 s by default). */
  readonly turnStallMs?: number;
}

/**
 * Reservations in DynamoDB, on the existing production table design. Conflict safety never rests on
 * a GSI read (GSIs are eventually consistent) but on the day guards (day-guards.ts): a write reads
 * the guards of its days with consistent GetItems, checks overlaps in code, and commits one
 * TransactWriteItems that updates each of those guards on its version and writes the event, with
 * the change's history item and its feed entries (feed-items.ts: the site's feed head is advanced
 * on the seq read, so writes at one site take their turns, one at a time per process: site-turns.ts).
 * A lost race cancels the transaction; the write then re-reads and retries with jittered backoff, for
 * as long as its budget in time lasts. A guard only ever holds one day's bookings, so it
 * stays far below DynamoDB's 400 KB item limit and each write rewrites little.
 */
export class DynamoDbReservationStore implements ReservationStore {
  private readonly table: string;
  private readonly retryBudgetMs: number;
  private readonly maxAttempts: number | undefined;
  private readonly baseBackoffMs: number;
  private readonly registry: SiteRegistry;
  private readonly turns: SiteTurns;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    options: DynamoDbStoreOptions,
  ) {
    this.table = options.tableName;
    this.retryBudgetMs = options.retryBudgetMs ?? RETRY_BUDGET_MS;
    this.maxAttempts = options.maxAttempts;
    this.turns = new SiteTurns(options.turnStallMs ?? TURN_STALL_MS);
    this.baseBackoffMs = options.baseBackoffMs ?? 15;
    this.registry = new SiteRegistry((command) => this.send(command), this.table);
  }

  async createUnlessConflict(reservation: Reservation, change: Partial<Change> = {}): Promise<Reservation> {
    return this.create(reservation, 'created', change);
  }

  async restoreUnlessConflict(reservation: Reservation, change: Partial<Change> = {}): Promise<Reservation> {
    return this.create(reservation, 'restored', change);
  }

  /**
   * The arrival rule (arrivalVersion) holds at the commit because the history item of the version
   * it gives is put only if absent: a write that changed the id's history since the read takes
   * that version (or version 1) first, and this write then re-reads.
   */
  private async create(reservation: Reservation, action: Arrival, change: Partial<Change>): Promise<Reservation> {
    const stored = await this.retrying(async () => {
      const [item, last] = await Promise.all([this.getItem(reservation.event_id), this.lastEntry(reservation.event_id)]);
      if (item) throw new ReservationExistsError(reservation.event_id);
      const stored = { ...reservation, version: arrivalVersion(reservation.event_id, last, action) };
      // The feed heads are read beside the guards: the transaction's conditions check both.
      const [guards, journal] = await Promise.all([
        this.guards(stored.site, guardDays(stored.start, stored.end)), this.journal(stored, action, change),
      ]);
      if (guards.some((g) => g.intervals.some(([id]) => id === stored.event_id))) throw new ReservationExistsError(stored.event_id);
      assertNoConflict(stored, guards);
      await this.transact(this.replacement(undefined, stored, { fresh: guards, stale: [] }), journal);
      return stored;
    });
    await this.registry.add([stored.site]);
    return stored;
  }

  async replaceUnlessConflict(reservation: Reservation, options: WriteOptions = {}): Promise<Reservation> {
    const stored = await this.retrying(async () => {
      const current = await this.getItem(reservation.event_id);
      if (!current) throw new ReservationNotFoundError(reservation.event_id);
      const version = storedVersion(current.version);
      checkVersion({ event_id: reservation.event_id, version }, options.expectedVersion);
      const stored = { ...reservation, version: version + 1 };
      const [guards, journal] = await Promise.all([this.guardsForMove(current, stored), this.journal(stored, 'modified', options, String(current.site))]);
      assertNoConflict(stored, guards.fresh);
      await this.transact(this.replacement(current, stored, guards), journal);
      return stored;
    });
    await this.registry.add([stored.site]);
    return stored;
  }

  async putImported(reservation: Reservation): Promise<void> {
    await this.retrying(async () => {
      const current = await this.getItem(reservation.event_id);
      // An observation the import removed comes back with its history going on (see create).
      const version = current ? storedVersion(current.version) + 1 : arrivalVersion(reservation.event_id, await this.lastEntry(reservation.event_id), 'imported');
      const stored = { ...reservation, version };
      // No conflict check (LCO is authoritative for its observations), but the guards record it,
      // so users' bookings over it are refused.
      const [guards, journal] = await Promise.all([
        this.guardsForMove(current, stored), this.journal(stored, current ? 'import-updated' : 'imported', { by: LCO_IMPORT }, current && String(current.site)),
      ]);
      await this.transact(this.replacement(current, stored, guards), journal);
    });
    await this.registry.add([reservation.site]);
  }

  async delete(eventId: string, options: WriteOptions = {}): Promise<Reservation | undefined> {
    return this.retrying(async () => {
      const current = await this.getItem(eventId);
      if (!current) return undefined;
      const stored = reservationFromStored(current);
      checkVersion(stored, options.expectedVersion);
      const [guards, journal] = await Promise.all([
        this.guards(stored.site, guardDays(stored.start, stored.end)), this.journal(stored, removalAction(options.by ?? stored.creator_id), options),
      ]);
      await this.transact([
        ...this.guardWrites(guards, eventId),
        { Delete: { TableName: this.table, Key: { event_id: eventId, start: current.start }, ...unchangedSinceRead(current) } },
      ], journal);
      return stored;
    });
  }

  async history(eventId: string, range?: HistoryRange): Promise<HistoryEntry[]> {
    return readHistory((command) => this.send(command), this.table, eventId, range);
  }

  async changes(site: string, afterSeq: number, limit: number): Promise<FeedPage> {
    return readFeed((command) => this.send(command), this.table, site, afterSeq, limit);
  }

  async sitesWithEvents(): Promise<string[]> {
    return this.registry.list();
  }

  async lastChangeAt(site: string): Promise<string | undefined> {
    return lastEntryAt((command) => this.send(command), this.table, site);
  }

  async purgeHistory(before: string): Promise<number> {
    return purgeRemovals((command) => this.send(command), this.table, before, async (eventId) => (await this.getItem(eventId)) !== undefined);
  }

  /**
   * The history, feed and tombstone writes of a change (feed-items.ts), for its transaction, and
   * how to make them again on fresh feed heads.
   */
  private async journal(event: Reservation, action: HistoryAction, change: Partial<Change>, previousSite?: string): Promise<Journal> {
    const write = () => journalWrites((command) => this.send(command), this.table, event, action, change, previousSite) as Promise<TransactItems>;
    return { items: await write(), again: write };
  }

  async get(eventId: string): Promise<Reservation | undefined> {
    const item = await this.getItem(eventId);
    return item && reservationFromStored(item);
  }

  async setProject(eventId: string, projectId: string, lastModified: string, by?: string): Promise<Reservation | undefined> {
    return this.retrying(async () => {
      const current = await this.getItem(eventId);
      if (!current) return undefined;
      const version = storedVersion(current.version) + 1;
      const updated = reservationFromStored({ ...current, project_id: projectId, last_modified: lastModified, version });
      const unchanged = unchangedSinceRead(current);
      // One transaction: the event's fields (on the version read) and its history entry.
      await this.transact([
        {
          Update: {
            TableName: this.table,
            Key: { event_id: eventId, start: current.start },
            UpdateExpression: 'SET project_id = :p, last_modified = :m, version = :next',
            ConditionExpression: unchanged.ConditionExpression,
            ExpressionAttributeValues: { ':p': projectId, ':m': lastModified, ':next': version, ...unchanged.ExpressionAttributeValues },
          },
        },
      ], await this.journal(updated, projectAction(projectId, NO_PROJECT), { at: lastModified, ...(by ? { by } : {}) }));
      return updated;
    });
  }

  async findOverlapping(site: string, window: Interval, limit?: number): Promise<ReservationList> {
    // Legacy items may hold non-canonical times: compare after normalising.
    return ReservationList.of(await this.querySorted(this.windowQuery(site, window), (r) => overlaps(r, window), limit));
  }

  async creatorsOverlapping(site: string, window: Interval): Promise<string[]> {
    // Only the key attributes and creator_id come back, however large the stored events are.
    const query = { ...this.windowQuery(site, window), ProjectionExpression: '#start, #end, creator_id' };
    const active = await this.querySorted(query, (r) => overlaps(r, window));
    return active.map((r) => r.creator_id);
  }

  async busyOverlapping(site: string, window: Interval, limit?: number): Promise<Interval[]> {
    // event_id too: it orders events that start together, as findOverlapping does.
    const query = { ...this.windowQuery(site, window), ProjectionExpression: '#start, #end, event_id' };
    const active = await this.querySorted(query, (r) => overlaps(r, window), limit);
    return active.map(({ start, end }) => ({ start, end }));
  }

  async findByCreatorEndingAfter(creatorId: string, time: string, limit?: number): Promise<ReservationList> {
    return ReservationList.of(await this.querySorted({
      TableName: this.table,
      IndexName: CREATOR_END_INDEX,
      KeyConditionExpression: 'creator_id = :c AND #end > :t',
      ExpressionAttributeNames: { '#end': 'end' },
      ExpressionAttributeValues: { ':c': creatorId, ':t': time },
    }, (r) => r.end > time, limit));
  }

  private windowQuery(site: string, window: Interval): QueryCommandInput {
    return windowQuery(this.table, site, window);
  }

  private querySorted(input: QueryCommandInput, keep: (r: Reservation) => boolean, limit?: number): Promise<Reservation[]> {
    return querySorted((command) => this.send(command), input, keep, limit);
  }

  private lastEntry(eventId: string): Promise<{ version: number } | undefined> {
    return lastHistoryEntry((command) => this.send(command), this.table, eventId);
  }

  private getItem(eventId: string): Promise<Item | undefined> {
    return getEventItem((command) => this.send(command), this.table, eventId);
  }

  private async guards(site: string, days: readonly string[]): Promise<Guard[]> {
    return readGuards(this.client, this.table, site, days);
  }

  /** Every other call to DynamoDB goes through here, so no passing failure escapes as a 500. */
  private send<T>(command: JournalCommand | TransactWriteCommand): Promise<T> {
    return unavailableWhenTransient(this.client.send(command as never) as Promise<T>);
  }

  /**
   * For a write that replaces `current` (if any) by `next`: the guards of next's days (`fresh`, which
   * will list it) and those of current's other days (`stale`, which will not any more).
   */
  private async guardsForMove(current: Item | undefined, next: Reservation): Promise<{ fresh: Guard[]; stale: Guard[] }> {
    const fresh = await this.guards(next.site, guardDays(next.start, next.end));
    if (!current) return { fresh, stale: [] };
    const old = reservationFromStored(current);
    const freshKeys = new Set(fresh.map((g) => `${g.site}#${g.day}`));
    const staleDays = old.start < old.end ? guardDays(old.start, old.end).filter((day) => !freshKeys.has(`${old.site}#${day}`)) : [];
    return { fresh, stale: await this.guards(old.site, staleDays) };
  }

  /**
   * The transaction that replaces `current` (if any) by `next`: the fresh guards list next, the
   * stale ones no longer do, and the event item is written (moved, when its sort key `start`
   * changes), each write conditional on what was read.
   */
  private replacement(current: Item | undefined, next: Reservation, guards: { fresh: Guard[]; stale: Guard[] }): TransactItems {
    const items = [...this.guardWrites(guards.fresh, next.event_id, next), ...this.guardWrites(guards.stale, next.event_id)];
    const moved = current !== undefined && current.start !== next.start;
    if (moved) {
      items.push({ Delete: { TableName: this.table, Key: { event_id: current.event_id, start: current.start }, ...unchangedSinceRead(current) } });
    }
    const inPlace = current !== undefined && !moved;
    items.push({ Put: { TableName: this.table, Item: next, ...(inPlace ? unchangedSinceRead(current) : { ConditionExpression: 'attribute_not_exists(event_id)' }) } });
    return items;
  }

  /** Each guard rewritten on its version: without `eventId`, then with `add` when given. */
  private guardWrites(guards: readonly Guard[], eventId: string, add?: Reservation): TransactItems {
    return guards.map((guard) => {
      const intervals = guard.intervals.filter(([id]) => id !== eventId);
      return { Put: guardPut(this.table, guard, add ? [...intervals, guardInterval(add)] : intervals) };
    });
  }

  /**
   * Commits the writes and the journal in one transaction, holding the turns of the journal's sites
   * (site-turns.ts): this process's other writes there wait, so the heads are only contended by
   * other processes. A write that waited numbers its journal afresh, since the writes before it
   * advanced the heads. When the only thing in the way is another process's write at the same site
   * that took the next seq first (the conditions of the feed head and of the entry under that seq,
   * or their TransactionConflict), everything else read still holds: the journal is renumbered on
   * fresh heads and sent again after a jittered backoff, within the write's budget. Anything else
   * re-reads from the start (Retry).
   */
  private async transact(base: TransactItems, journal: Journal): Promise<void> {
    await this.turns.run(feedSites(journal.items), async (waitedMs) => {
      let tail = waitedMs > 0 ? await journal.again() : journal.items;
      const started = performance.now();
      for (let n = 0; ; n++) {
        const items = [...base, ...tail];
        try {
          await this.send(new TransactWriteCommand({ TransactItems: items }));
          return;
        } catch (error) {
          const headOnly = error instanceof TransactionCanceledException && onlyFeedHeadsFailed(error, items);
          if (headOnly && performance.now() - started < this.retryBudgetMs) {
            await backoff(n, HEAD_BACKOFF_MS);
            tail = await journal.again();
            continue;
          }
          if (error instanceof TransactionCanceledException || error instanceof TransactionConflictException) throw new Retry(waitedMs);
          throw error;
        }
      }
    });
  }

  private retrying<T>(attempt: () => Promise<T>): Promise<T> {
    return withRetries(attempt, {
      budgetMs: this.retryBudgetMs, minAttempts: MIN_ATTEMPTS, baseBackoffMs: this.baseBackoffMs, ...(this.maxAttempts === undefined ? {} : { maxAttempts: this.maxAttempts }),
    });
  }
}

/**
 * The condition that the event item is still the one read: it exists at the version read (an item
 * written before versions existed has none). A change of the same event in between (a project link,
 * which touches no guard) cancels the write, which then re-reads and retries.
 */
function unchangedSinceRead(current: Item): { ConditionExpression: string; ExpressionAttributeValues?: Record<string, unknown> } {
  return typeof current.version === 'number'
    ? { ConditionExpression: 'attribute_exists(event_id) AND version = :read', ExpressionAttributeValues: { ':read': current.version } }
    : { ConditionExpression: 'attribute_exists(event_id) AND attribute_not_exists(version)' };
}

function assertNoConflict(candidate: Reservation, guards: readonly Guard[]): void {
  const conflicts = findConflicts(candidate, guardedBookings(guards));
  if (conflicts.length > 0) throw new ReservationConflictError(conflicts.map((c) => c.event_id));
}
