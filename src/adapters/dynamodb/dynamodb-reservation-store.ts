import {
  GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient, type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../application/ports/clock.port.js';
import { asJsonTexts, type ReservationStore } from '../../application/ports/reservation-store.port.js';
import { findConflicts, type Booking } from '../../domain/conflicts.js';
import {
  ReservationConflictError, ReservationExistsError, ReservationNotFoundError, StoreUnavailableError,
} from '../../domain/errors.js';
import { overlaps, type Interval } from '../../domain/interval.js';
import { isLcoOrigin, reservationFromStored, type Reservation } from '../../domain/reservation.js';
import { addSeconds, utcTimeFromMillis } from '../../domain/time.js';
import { CREATOR_END_INDEX, SITE_END_INDEX } from './tables.js';

type Item = Record<string, unknown>;
/** [event_id, start, end, creator_id, origin] of a booking the guard protects. */
type GuardInterval = [string, string, string, string, string];

interface Guard {
  readonly site: string;
  /** 0 when the guard item does not exist yet. */
  readonly version: number;
  readonly intervals: GuardInterval[];
}

export interface DynamoDbStoreOptions {
  readonly tableName: string;
  /** Ended bookings stay in the guard this long before they are pruned. */
  readonly guardRetentionSeconds?: number;
  /** Attempts of one write before giving up with StoreUnavailableError. */
  readonly maxAttempts?: number;
  readonly baseBackoffMs?: number;
}

export const GUARD_SORT_KEY = '#guard';
export const GUARD_RETENTION_SECONDS = 7 * 86_400;
export const guardKey = (site: string) => ({ event_id: `#guard#${site}`, start: GUARD_SORT_KEY });
const isEventItem = (item: Item): boolean => item.start !== GUARD_SORT_KEY;

const toBooking = ([event_id, start, end, creator_id]: GuardInterval, site: string): Booking => ({
  event_id, start, end, creator_id, site,
});
const toInterval = (r: Reservation): GuardInterval => [
  r.event_id, r.start, r.end, r.creator_id, isLcoOrigin(r.origin) ? 'LCO' : 'PTR',
];

/** A condition failed or a transaction collided: re-read the state and try again. */
class Retry extends Error {}

/**
 * Reservations in DynamoDB, on the existing production table design. Conflict safety never rests on
 * a GSI read (GSIs are eventually consistent): each site has a guard item (no `site`, `end` or
 * `creator_id` attribute, so it is in neither GSI) listing the site's bookings that have not long
 * ended. A write reads the guard with a consistent GetItem, checks overlaps in code, and commits one
 * TransactWriteItems that updates the guard on its version and writes the event. A lost race
 * cancels the transaction; the write then re-reads and retries with jittered backoff.
 */
export class DynamoDbReservationStore implements ReservationStore {
  private readonly table: string;
  private readonly retentionSeconds: number;
  private readonly maxAttempts: number;
  private readonly baseBackoffMs: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly clock: Clock,
    options: DynamoDbStoreOptions,
  ) {
    this.table = options.tableName;
    this.retentionSeconds = options.guardRetentionSeconds ?? GUARD_RETENTION_SECONDS;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.baseBackoffMs = options.baseBackoffMs ?? 15;
  }

  async createUnlessConflict(reservation: Reservation): Promise<void> {
    await this.withRetries(async () => {
      if (await this.getItem(reservation.event_id)) throw new ReservationExistsError(reservation.event_id);
      const guard = await this.readGuard(reservation.site);
      if (guard.intervals.some(([id]) => id === reservation.event_id)) throw new ReservationExistsError(reservation.event_id);
      await this.assertNoConflict(reservation, guard);
      await this.transact([
        this.guardWrite(guard, [...this.kept(guard, reservation.event_id), toInterval(reservation)]),
        { Put: { TableName: this.table, Item: reservation, ConditionExpression: 'attribute_not_exists(event_id)' } },
      ]);
    });
  }

  async replaceUnlessConflict(reservation: Reservation): Promise<void> {
    await this.withRetries(async () => {
      const current = await this.getItem(reservation.event_id);
      if (!current) throw new ReservationNotFoundError(reservation.event_id);
      const oldSite = String(current.site);
      const guard = await this.readGuard(reservation.site);
      await this.assertNoConflict(reservation, guard);
      const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
        this.guardWrite(guard, [...this.kept(guard, reservation.event_id), toInterval(reservation)]),
      ];
      if (oldSite !== reservation.site) {
        const oldGuard = await this.readGuard(oldSite);
        items.push(this.guardWrite(oldGuard, this.kept(oldGuard, reservation.event_id)));
      }
      if (current.start === reservation.start) {
        items.push({ Put: { TableName: this.table, Item: reservation, ConditionExpression: 'attribute_exists(event_id)' } });
      } else {
        // `start` is the sort key: moving the event moves the item, in the same transaction.
        items.push(
          { Delete: { TableName: this.table, Key: { event_id: current.event_id, start: current.start }, ConditionExpression: 'attribute_exists(event_id)' } },
          { Put: { TableName: this.table, Item: reservation, ConditionExpression: 'attribute_not_exists(event_id)' } },
        );
      }
      await this.transact(items);
    });
  }

  async putImported(reservation: Reservation): Promise<void> {
    await this.withRetries(async () => {
      const current = await this.getItem(reservation.event_id);
      const guard = await this.readGuard(reservation.site);
      // No conflict check (LCO is authoritative for its observations), but the guard records it,
      // so users' bookings over it are refused.
      const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
        this.guardWrite(guard, [...this.kept(guard, reservation.event_id), toInterval(reservation)]),
      ];
      if (current && String(current.site) !== reservation.site) {
        const oldGuard = await this.readGuard(String(current.site));
        items.push(this.guardWrite(oldGuard, this.kept(oldGuard, reservation.event_id)));
      }
      if (current && current.start !== reservation.start) {
        items.push({ Delete: { TableName: this.table, Key: { event_id: current.event_id, start: current.start }, ConditionExpression: 'attribute_exists(event_id)' } });
      }
      items.push({
        Put: {
          TableName: this.table,
          Item: reservation,
          ConditionExpression: current && current.start === reservation.start ? 'attribute_exists(event_id)' : 'attribute_not_exists(event_id)',
        },
      });
      await this.transact(items);
    });
  }

  async delete(eventId: string): Promise<Reservation | undefined> {
    return this.withRetries(async () => {
      const current = await this.getItem(eventId);
      if (!current) return undefined;
      const guard = await this.readGuard(String(current.site));
      await this.transact([
        this.guardWrite(guard, this.kept(guard, eventId)),
        { Delete: { TableName: this.table, Key: { event_id: eventId, start: current.start }, ConditionExpression: 'attribute_exists(event_id)' } },
      ]);
      return reservationFromStored(current);
    });
  }

  async get(eventId: string): Promise<Reservation | undefined> {
    const item = await this.getItem(eventId);
    return item && reservationFromStored(item);
  }

  async setProject(eventId: string, projectId: string, lastModified: string): Promise<Reservation | undefined> {
    return this.withRetries(async () => {
      const current = await this.getItem(eventId);
      if (!current) return undefined;
      try {
        const result = await this.client.send(new UpdateCommand({
          TableName: this.table,
          Key: { event_id: eventId, start: current.start },
          UpdateExpression: 'SET project_id = :p, last_modified = :m',
          ConditionExpression: 'attribute_exists(event_id)',
          ExpressionAttributeValues: { ':p': projectId, ':m': lastModified },
          ReturnValues: 'ALL_NEW',
        }));
        return reservationFromStored(result.Attributes as Item);
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') throw new Retry();
        throw error;
      }
    });
  }

  async findOverlapping(site: string, window: Interval): Promise<Reservation[]> {
    const items = await this.queryAll({
      TableName: this.table,
      IndexName: SITE_END_INDEX,
      KeyConditionExpression: 'site = :site AND #end > :from',
      FilterExpression: '#start < :to',
      ExpressionAttributeNames: { '#end': 'end', '#start': 'start' },
      ExpressionAttributeValues: { ':site': site, ':from': window.start, ':to': window.end },
    });
    // Legacy items may hold non-canonical times: compare after normalising.
    return sortByStart(items.map(reservationFromStored).filter((r) => overlaps(r, window)));
  }

  async findActiveAt(site: string, time: string): Promise<Reservation[]> {
    return this.findOverlapping(site, { start: time, end: addSeconds(time, 1) });
  }

  async findByCreatorEndingAfter(creatorId: string, time: string): Promise<Reservation[]> {
    const items = await this.queryAll({
      TableName: this.table,
      IndexName: CREATOR_END_INDEX,
      KeyConditionExpression: 'creator_id = :c AND #end > :t',
      ExpressionAttributeNames: { '#end': 'end' },
      ExpressionAttributeValues: { ':c': creatorId, ':t': time },
    });
    return sortByStart(items.map(reservationFromStored).filter((r) => r.end > time));
  }

  async findOverlappingJson(site: string, window: Interval): Promise<string[]> {
    return asJsonTexts(await this.findOverlapping(site, window));
  }

  async findByCreatorEndingAfterJson(creatorId: string, time: string): Promise<string[]> {
    return asJsonTexts(await this.findByCreatorEndingAfter(creatorId, time));
  }

  /** The event item with this id (read consistently from the base table), whatever its start. */
  private async getItem(eventId: string): Promise<Item | undefined> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'event_id = :id',
      ExpressionAttributeValues: { ':id': eventId },
      ConsistentRead: true,
    });
    return items[0];
  }

  private async readGuard(site: string): Promise<Guard> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: guardKey(site), ConsistentRead: true }));
    if (!Item) return { site, version: 0, intervals: [] };
    return { site, version: Number(Item.version), intervals: JSON.parse(String(Item.intervals)) as GuardInterval[] };
  }

  /** The guard's intervals without `eventId`, pruning those that ended before the retention horizon. */
  private kept(guard: Guard, eventId: string): GuardInterval[] {
    const horizon = this.horizon();
    return guard.intervals.filter(([id, , end]) => id !== eventId && end > horizon);
  }

  private horizon(): string {
    return addSeconds(utcTimeFromMillis(this.clock.now()), -this.retentionSeconds);
  }

  private guardWrite(guard: Guard, intervals: GuardInterval[]): NonNullable<TransactWriteCommandInput['TransactItems']>[number] {
    return {
      Put: {
        TableName: this.table,
        Item: { ...guardKey(guard.site), guard_site: guard.site, version: guard.version + 1, intervals: JSON.stringify(intervals) },
        ConditionExpression: guard.version === 0 ? 'attribute_not_exists(event_id)' : 'version = :v',
        ...(guard.version === 0 ? {} : { ExpressionAttributeValues: { ':v': guard.version } }),
      },
    };
  }

  private async assertNoConflict(candidate: Reservation, guard: Guard): Promise<void> {
    const existing: Booking[] = guard.intervals.map((i) => toBooking(i, guard.site));
    if (candidate.start < this.horizon()) {
      // Bookings that ended before the horizon have left the guard; look them up (best effort: a GSI).
      const known = new Set(existing.map((b) => b.event_id));
      for (const old of await this.findOverlapping(candidate.site, candidate)) if (!known.has(old.event_id)) existing.push(old);
    }
    const conflicts = findConflicts(candidate, existing);
    if (conflicts.length > 0) throw new ReservationConflictError(conflicts.map((c) => c.event_id));
  }

  private async transact(items: NonNullable<TransactWriteCommandInput['TransactItems']>): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TransactionCanceledException' || name === 'TransactionConflictException') throw new Retry();
      throw error;
    }
  }

  private async queryAll(input: QueryCommandInput): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
      for (const item of page.Items ?? []) if (isEventItem(item)) items.push(item);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  private async withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof Retry)) throw error;
        if (n + 1 >= this.maxAttempts) {
          throw new StoreUnavailableError('The calendar is busy with other bookings at this site; please retry.');
        }
        const ceiling = this.baseBackoffMs * 2 ** Math.min(n, 6);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
      }
    }
  }
}

function sortByStart(events: Reservation[]): Reservation[] {
  return events.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0));
}
