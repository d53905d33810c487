import {
  TransactionCanceledException, TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  TransactWriteCommand, type DynamoDBDocumentClient, type QueryCommandInput, type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { HistoryRange } from '../../application/ports/event-journal.port.js';
import type { ReservationStore } from '../../application/ports/reservation-store.port.js';
import { ReservationList } from '../../application/reservation-list.js';
import { overlaps, type Interval } from '../../domain/interval.js';
import type { FeedPage } from '../../domain/feed.js';
import type { HistoryEntry } from '../../domain/history.js';
import type { Reservation } from '../../domain/reservation.js';
import { reservationFromStored, storedVersion } from '../../domain/stored-reservation.js';
import { absentState, assertExpected, checkConditions, type EventState, type WritePlan } from '../../domain/write-plan.js';
import { guardedBookings, planGuards, planGuardWrites } from './day-guards.js';
import { getEventItem, querySorted, windowQuery } from './event-reads.js';
import { planUsage, planUsageWrites, usageBookings } from './usage-items.js';
import { feedSites, isFeedNumbering, journalWrites, lastEntryAt, purgeRemovals, readFeed, type JournalCommand } from './feed-items.js';
import { historyKey, lastHistoryEntry, readHistory } from './history-items.js';
import { RETIRED_SORT_KEY } from './item-kinds.js';
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
 * TransactWriteItems that updates each of those guards on its version (and the usage items of the
 * owners whose listings the write changes or whose allowances it checks: usage-items.ts) and writes the event, with
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

  async state(eventId: string): Promise<EventState> {
    const [item, absent] = await this.readId(eventId);
    return item ? { kind: 'live', event: reservationFromStored(item) } : absent;
  }

  /** The event item and, for an id without one, its state (absentState), read side by side. */
  private async readId(eventId: string): Promise<[Item | undefined, ReturnType<typeof absentState>]> {
    const [item, last] = await Promise.all([this.getItem(eventId), this.lastEntry(eventId)]);
    return [item, absentState(last?.version)];
  }

  /**
   * One transaction, conditioned on what the plan expects and on what was read for its conditions.
   * It trusts the plan's expectation at first, read nothing to check it: the transaction's own
   * conditions do (the event item at the version expected, or absent; the history item of the
   * plan's version put only if absent, so no second write planned on the same state commits). An
   * owner's condition (an allowance) is checked over that owner's usage item (usage-items.ts), read
   * beside the guards and rewritten or checked on its version in the same transaction. When
   * the transaction is cancelled, the item and the id's last version are read: a stored state other
   * than the plan's throws StaleWriteError (the writer plans again); otherwise it lost a race for a
   * guard, a usage item or a feed head, and is tried again on fresh reads (Retry: its conditions judged again), keyed by the item as read (an
   * item written before times were canonical has another sort key than its canonical start).
   */
  async commit(plan: WritePlan): Promise<void> {
    let item: Item | undefined;
    await this.retrying(async () => {
      const [guards, usage, journal] = await Promise.all([
        planGuards(this.client, this.table, plan), planUsage(this.client, this.table, plan), this.journal(plan),
      ]);
      checkConditions(plan, (condition) => (condition.owner !== undefined
        ? usageBookings(usage, condition)
        : guardedBookings(guards.filter((g) => g.site === condition.site)).filter((booking) => overlaps(booking, condition.window))));
      // An arrival at an id the guards list: a write that made it live may have committed since the plan.
      if (plan.expect.kind !== 'live' && guards.some((g) => g.intervals.some(([id]) => id === plan.eventId))) await this.reread(plan);
      try {
        const writes = [...planGuardWrites(this.table, plan, guards), ...planUsageWrites(this.table, plan, usage)] as TransactItems;
        await this.transact([...writes, ...this.eventItems(plan, item)], journal);
      } catch (error) {
        if (error instanceof Retry) item = await this.reread(plan);
        throw error;
      }
    });
    if (plan.after) await this.registry.add([plan.after.site]);
  }

  /** The event item and the id's last version as stored now; StaleWriteError unless the plan expects them. */
  private async reread(plan: WritePlan): Promise<Item | undefined> {
    const [item, absent] = await this.readId(plan.eventId);
    assertExpected(plan, item ? { kind: 'live', version: storedVersion(item.version) } : absent);
    return item;
  }

  /**
   * The event item's writes: conditioned on the item being the one the plan was made on (`stored`,
   * when read; else the plan's own `before`), and moved when its sort key `start` changes; and for
   * a plan that expects the id unused, the check that the purge left no trace of it either.
   */
  private eventItems(plan: WritePlan, stored: Item | undefined): TransactItems {
    const { after, expect } = plan;
    const items: TransactItems = [];
    const current = expect.kind !== 'live' ? undefined : stored ?? { ...plan.before!, version: expect.version };
    const moved = current !== undefined && (after === null || current.start !== after.start);
    if (moved) items.push({ Delete: { TableName: this.table, Key: { event_id: plan.eventId, start: current.start }, ...unchangedSinceRead(current) } });
    if (after) {
      const condition = current !== undefined && !moved ? unchangedSinceRead(current) : { ConditionExpression: 'attribute_not_exists(event_id)' };
      items.push({ Put: { TableName: this.table, Item: after, ...condition } });
    }
    // An id never used has no history item of version 1, but neither has one whose history the purge
    // removed: only its retired item says it was used, so an id planned as unused must have none.
    if (expect.kind === 'unused') {
      items.push({ ConditionCheck: { TableName: this.table, Key: { event_id: historyKey(plan.eventId), start: RETIRED_SORT_KEY }, ConditionExpression: 'attribute_not_exists(event_id)' } });
    }
    return items;
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
   * The history, feed and tombstone writes of the plan (feed-items.ts), for its transaction, and
   * how to make them again on fresh feed heads.
   */
  private async journal(plan: WritePlan): Promise<Journal> {
    const write = () => journalWrites((command) => this.send(command), this.table, plan.history, plan.feed) as Promise<TransactItems>;
    return { items: await write(), again: write };
  }

  async get(eventId: string): Promise<Reservation | undefined> {
    const item = await this.getItem(eventId);
    return item && reservationFromStored(item);
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

  /** Every other call to DynamoDB goes through here, so no passing failure escapes as a 500. */
  private send<T>(command: JournalCommand | TransactWriteCommand): Promise<T> {
    return unavailableWhenTransient(this.client.send(command as never) as Promise<T>);
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
