/**
 * Usage items: what DynamoDB's allowance checks rest on, as the day guards are what its conflict
 * check rests on. Per site and owner, one item lists that owner's bookings at the site (LCO
 * observations left out: ownerCounts), so a condition scoped to an owner (an allowance, whose window
 * may reach FOREVER) reads one item, consistently, by key, however far its window reaches. Every write
 * that changes a listing (its event's site, times, owner or origin) rewrites the item on its version
 * in the write's own transaction; a write carrying an owner's condition whose listing it does not
 * change checks the item's version there. Two writes judged on the same listing cannot both commit.
 *
 * Key: `#usage#<site>#<owner>` / `#usage` (site codes hold no '#', so the key is unambiguous); like
 * a guard it has no `site`, `end` or `creator_id`, so it is in neither GSI. Entries that ended more
 * than OWNER_LOOKBACK_DAYS before a write are dropped when it rewrites the item: no period judged
 * then can reach them, and the item stays bounded by the owner's recent and future bookings.
 */
import { GetCommand, type DynamoDBDocumentClient, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Booking } from '../../domain/conflicts.js';
import { InvalidInputError } from '../../domain/errors.js';
import { OWNER_LOOKBACK_DAYS } from '../../domain/fair-share.js';
import { overlaps } from '../../domain/interval.js';
import type { Reservation } from '../../domain/reservation.js';
import { addSeconds } from '../../domain/time.js';
import { bookingUnchanged, ownerCounts, type Condition, type WritePlan } from '../../domain/write-plan.js';
import { conditionOn, serialiseIntervals } from './day-guards.js';
import { unavailableWhenTransient } from './unavailable.js';

/** [event_id, start, end] of a booking a usage item lists. */
export type UsageEntry = [string, string, string];

export interface Usage {
  readonly site: string;
  readonly owner: string;
  /** 0 when the usage item does not exist yet. */
  readonly version: number;
  readonly entries: readonly UsageEntry[];
}

export const USAGE_SORT_KEY = '#usage';
export const usageKey = (site: string, owner: string) => ({ event_id: `#usage#${site}#${owner}`, start: USAGE_SORT_KEY });
/**
 * The most a usage item's listing may hold, in bytes of its JSON: well under DynamoDB's 400 KB item
 * cap (an entry is at most about 180 bytes, an event id being at most 128 characters).
 */
export const MAX_USAGE_BYTES = 350_000;

const keyOf = (site: string, owner: string): string => JSON.stringify([site, owner]);

/** The (site, owner) listings a plan reads: those its owner-scoped conditions check. */
function conditionedKeys(plan: WritePlan): Array<[string, string]> {
  return plan.conditions.filter((c): c is Condition & { owner: string } => c.owner !== undefined).map((c) => [c.site, c.owner]);
}

/** The (site, owner) listings a plan changes: its event's before and after the write, where each counts (none when the booking is unchanged). */
function changedKeys(plan: WritePlan): Array<[string, string]> {
  if (bookingUnchanged(plan)) return [];
  return [plan.before, plan.after ?? undefined]
    .filter((e): e is Reservation => e !== undefined && ownerCounts(e, e.creator_id))
    .map((e) => [e.site, e.creator_id]);
}

/** The usage item of (site, owner), read consistently; a missing one is version 0 and empty. */
export async function readUsage(client: DynamoDBDocumentClient, table: string, site: string, owner: string): Promise<Usage> {
  const { Item } = await unavailableWhenTransient(client.send(new GetCommand({ TableName: table, Key: usageKey(site, owner), ConsistentRead: true })));
  if (!Item) return { site, owner, version: 0, entries: [] };
  return { site, owner, version: Number(Item.version), entries: JSON.parse(String(Item.entries)) as UsageEntry[] };
}

/** The usage items a plan reads or rewrites, each once, read side by side (none for a plan without owners). */
export async function planUsage(client: DynamoDBDocumentClient, table: string, plan: WritePlan): Promise<Usage[]> {
  const keys = new Map([...conditionedKeys(plan), ...changedKeys(plan)].map(([site, owner]) => [keyOf(site, owner), [site, owner] as const]));
  return Promise.all([...keys.values()].map(([site, owner]) => readUsage(client, table, site, owner)));
}

/** The bookings an owner-scoped condition reads: its owner's entries at its site that overlap its window. */
export function usageBookings(usage: readonly Usage[], condition: Condition): Booking[] {
  const listing = usage.find((u) => u.site === condition.site && u.owner === condition.owner);
  return (listing?.entries ?? [])
    .map(([event_id, start, end]): Booking => ({ event_id, start, end, site: condition.site, creator_id: condition.owner! }))
    .filter((booking) => overlaps(booking, condition.window));
}

/** The instant OWNER_LOOKBACK_DAYS before `at`: a booking that ended by then counts in no period judged at `at`. */
export const lookbackStart = (at: string): string => addSeconds(at, -OWNER_LOOKBACK_DAYS * 86_400);

/** The entries still worth keeping at `at`: those that ended after lookbackStart. */
export function recentEntries(entries: readonly UsageEntry[], at: string): UsageEntry[] {
  const since = lookbackStart(at);
  return entries.filter(([, , end]) => end > since);
}

/** The usage item's version as read (or its absence), as a transaction's condition. */
export function usageCheck(table: string, usage: Usage) {
  return { TableName: table, Key: usageKey(usage.site, usage.owner), ...conditionOn(usage) };
}

/**
 * The write that replaces `usage` by one listing `entries`, conditional on its version being the
 * one read (or on its not existing yet). A listing past MAX_USAGE_BYTES with more entries than the
 * item held is refused (400): the owner holds more bookings at the site, recent and future, than
 * one item can list. A write that removes or moves a booking is never refused so.
 */
export function usagePut(table: string, usage: Usage, entries: readonly UsageEntry[]): PutCommandInput {
  const serialised = serialiseIntervals(entries);
  if (entries.length > usage.entries.length && Buffer.byteLength(serialised, 'utf8') > MAX_USAGE_BYTES) {
    throw new InvalidInputError(`${usage.owner} holds too many bookings at ${usage.site} (${entries.length - 1} ended in the last ${OWNER_LOOKBACK_DAYS} days or still to come) for another to be counted; delete some first.`);
  }
  return {
    TableName: table,
    Item: { ...usageKey(usage.site, usage.owner), usage_site: usage.site, version: usage.version + 1, entries: serialised },
    ...conditionOn(usage),
  };
}

type UsageWrite = { Put: PutCommandInput } | { ConditionCheck: ReturnType<typeof usageCheck> };

/**
 * Each usage item read, in the plan's transaction: rewritten on its version where the plan changes
 * its listing (the event at its new times, no longer at its old ones, entries long ended dropped),
 * even when the entries come out the same (so the migration, which adds events written before
 * usage items existed, never puts back one a write removed in between: usage-migration.ts); else
 * checked on its version, where only a condition reads it.
 */
export function planUsageWrites(table: string, plan: WritePlan, usage: readonly Usage[]): UsageWrite[] {
  const changed = new Set(changedKeys(plan).map(([site, owner]) => keyOf(site, owner)));
  const { after } = plan;
  return usage.map((listing): UsageWrite => {
    if (!changed.has(keyOf(listing.site, listing.owner))) return { ConditionCheck: usageCheck(table, listing) };
    const kept = recentEntries(listing.entries, plan.history.at).filter(([id]) => id !== plan.eventId);
    const lists = after !== null && after.site === listing.site && after.creator_id === listing.owner && ownerCounts(after, listing.owner);
    const entries: UsageEntry[] = lists ? [...kept, [after.event_id, after.start, after.end]] : kept;
    return { Put: usagePut(table, listing, entries) };
  });
}
