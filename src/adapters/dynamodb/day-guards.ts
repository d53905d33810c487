/**
 * Day guards: the items DynamoDB's conflict safety rests on, shared by the store (which rewrites or
 * checks them in the transaction of every write that moves a booking or carries a condition over the
 * site's bookings) and the migration (which builds them for a table the
 * previous service wrote). Each site has one guard item per UTC day, listing the bookings that touch
 * that day. It has no `site`, `end` or `creator_id` attribute, so it is in neither GSI and is only ever
 * read consistently, by key. Two overlapping bookings share at least one day, so reading the guards of
 * a booking's days finds every booking it could overlap.
 */
import { GetCommand, type DynamoDBDocumentClient, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Booking } from '../../domain/conflicts.js';
import { InvalidInputError } from '../../domain/errors.js';
import { canonicalOrigin } from '../../domain/reservation.js';
import { addSeconds } from '../../domain/time.js';
import { bookingUnchanged, type Condition, type WritePlan } from '../../domain/write-plan.js';
import { unavailableWhenTransient } from './unavailable.js';

/** [event_id, start, end, creator_id, origin] of a booking a guard lists. */
export type GuardInterval = [string, string, string, string, 'LCO' | 'PTR'];

export interface Guard {
  readonly site: string;
  /** `YYYY-MM-DD` (UTC). */
  readonly day: string;
  /** 0 when the guard item does not exist yet. */
  readonly version: number;
  readonly intervals: readonly GuardInterval[];
}

export const GUARD_SORT_KEY = '#guard';
export const guardKey = (site: string, day: string) => ({ event_id: `#guard#${site}#${day}`, start: GUARD_SORT_KEY });
/** A booking may touch at most this many days (user bookings are limited to 31 days by the domain). */
export const MAX_GUARD_DAYS = 40;

/** The UTC days `[start, end)` touches, as `YYYY-MM-DD`, for canonical times. */
export function guardDays(start: string, end: string): string[] {
  const last = addSeconds(end, -1).slice(0, 10);
  const days: string[] = [];
  for (let day = start.slice(0, 10); day <= last; day = addSeconds(`${day}T00:00:00Z`, 86_400).slice(0, 10)) {
    days.push(day);
    if (days.length > MAX_GUARD_DAYS) throw new InvalidInputError(`A booking may span at most ${MAX_GUARD_DAYS} days.`);
  }
  return days;
}

/** What a guard records of a booking: enough for the conflict rule, nothing more. */
export function guardInterval(booking: { event_id: string; start: string; end: string; creator_id: string; origin: string }): GuardInterval {
  return [booking.event_id, booking.start, booking.end, booking.creator_id, canonicalOrigin(booking.origin)];
}

/** The bookings the guards list (a booking over several days once), for the conflict check. */
export function guardedBookings(guards: readonly Guard[]): Booking[] {
  const byId = new Map<string, Booking>();
  for (const guard of guards) {
    for (const [event_id, start, end, creator_id] of guard.intervals) byId.set(event_id, { event_id, start, end, creator_id, site: guard.site });
  }
  return [...byId.values()];
}

/** The guards of these days at a site, read consistently; a missing one is version 0 and empty. */
export async function readGuards(client: DynamoDBDocumentClient, table: string, site: string, days: readonly string[]): Promise<Guard[]> {
  return Promise.all(days.map(async (day) => {
    const { Item } = await unavailableWhenTransient(client.send(new GetCommand({ TableName: table, Key: guardKey(site, day), ConsistentRead: true })));
    if (!Item) return { site, day, version: 0, intervals: [] };
    return { site, day, version: Number(Item.version), intervals: JSON.parse(String(Item.intervals)) as GuardInterval[] };
  }));
}

/** The intervals (or a usage item's entries: [event_id, start, ...]) as stored: ordered by start then id, so equal sets are equal strings. */
export function serialiseIntervals(intervals: ReadonlyArray<readonly [string, string, ...unknown[]]>): string {
  const sorted = [...intervals].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return JSON.stringify(sorted);
}

/** The guard's version as read (or its absence), as a transaction's condition: a concurrent writer of the same day makes it fail. */
export function guardCheck(table: string, guard: Guard) {
  return { TableName: table, Key: guardKey(guard.site, guard.day), ...conditionOn(guard) };
}

/** The condition that an item is at the version read (0: that it does not exist yet); a guard's, a usage item's. */
export function conditionOn(item: { readonly version: number }): { ConditionExpression: string; ExpressionAttributeValues?: Record<string, number> } {
  return item.version === 0
    ? { ConditionExpression: 'attribute_not_exists(event_id)' }
    : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': item.version } };
}

/**
 * The write that replaces `guard` by one listing `intervals`, conditional on the guard's version being
 * the one read (or on its not existing yet): a concurrent writer of the same day makes it fail.
 */
export function guardPut(table: string, guard: Guard, intervals: readonly GuardInterval[]): PutCommandInput {
  return {
    TableName: table,
    Item: { ...guardKey(guard.site, guard.day), guard_site: guard.site, version: guard.version + 1, intervals: serialiseIntervals(intervals) },
    ...conditionOn(guard),
  };
}

/** The `site#day` of each guard whose day [start, end) touches (none for an empty span). */
const dayKeys = (site: string, start: string, end: string): string[] => (start < end ? guardDays(start, end).map((day) => `${site}#${day}`) : []);

/** The plan's conditions over every booking at a site: an owner's conditions read its usage item (usage-items.ts), never guards. */
export const siteConditions = (plan: WritePlan): Condition[] => plan.conditions.filter((c) => c.owner === undefined);

/**
 * The guards a write's plan touches, read consistently: those of its event's days, at its times
 * after the write and before it (none when its booking is unchanged), and those of each
 * condition's window (siteConditions: an owner's may reach FOREVER).
 */
export async function planGuards(client: DynamoDBDocumentClient, table: string, plan: WritePlan): Promise<Guard[]> {
  const bySite = new Map<string, Set<string>>();
  const add = (site: string, start: string, end: string) => {
    if (start < end) for (const day of guardDays(start, end)) bySite.set(site, (bySite.get(site) ?? new Set<string>()).add(day));
  };
  if (!bookingUnchanged(plan)) for (const event of [plan.after, plan.before]) if (event) add(event.site, event.start, event.end);
  for (const { site, window } of siteConditions(plan)) add(site, window.start, window.end);
  return (await Promise.all([...bySite].map(([site, days]) => readGuards(client, table, site, [...days])))).flat();
}

type GuardWrite = { Put: PutCommandInput } | { ConditionCheck: ReturnType<typeof guardCheck> };

/**
 * Each guard read, in the plan's transaction: rewritten on its version where the plan changes what
 * it lists (the event at its new times, and no longer at its old ones), else checked on its version
 * where a condition read it, so the bookings a condition saw are still the ones stored when it
 * commits. A write that leaves the event's booking as it was (bookingUnchanged: a project link, a
 * retitle) rewrites no guard.
 */
export function planGuardWrites(table: string, plan: WritePlan, guards: readonly Guard[]): GuardWrite[] {
  const unchanged = bookingUnchanged(plan);
  const { after } = plan;
  // The guards the conditions read, and those that list the event after the write: once, not per guard.
  const conditioned = new Set(siteConditions(plan).flatMap((c) => dayKeys(c.site, c.window.start, c.window.end)));
  const listing = new Set(after === null ? [] : dayKeys(after.site, after.start, after.end));
  return guards.flatMap((guard): GuardWrite[] => {
    const key = `${guard.site}#${guard.day}`;
    const listed = guard.intervals.filter(([id]) => id !== plan.eventId);
    const intervals = after !== null && listing.has(key) ? [...listed, guardInterval(after)] : listed;
    if (!unchanged && serialiseIntervals(intervals) !== serialiseIntervals(guard.intervals)) return [{ Put: guardPut(table, guard, intervals) }];
    return conditioned.has(key) ? [{ ConditionCheck: guardCheck(table, guard) }] : [];
  });
}
