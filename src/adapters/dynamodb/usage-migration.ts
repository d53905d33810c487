/**
 * The migration's step that builds the usage items (usage-items.ts) for events stored before they
 * existed, so allowances count them. It runs beside live writes: each item is written on the version
 * read, and adds only the events it finds stored as they are now, read again after the item.
 * A write that removes or moves a booking after the scan rewrites the item of its listing (always,
 * even where the item did not list it yet), so either the event read again shows the change, or the
 * item's version moved and the put fails and is made again on fresh reads. Events the item already
 * lists are left as the item has them: the writes since keep them. Running it again writes nothing.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient, type QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError } from '../../domain/errors.js';
import { formatUtcTime } from '../../domain/time.js';
import { ownerCounts } from '../../domain/write-plan.js';
import { getEventItem } from './event-reads.js';
import { lookbackStart, readUsage, recentEntries, usagePut, type UsageEntry } from './usage-items.js';

type Item = Record<string, unknown>;

/** Attempts at one item before the step gives up on it (each lost to a live write of that owner at that site). */
const ATTEMPTS = 20;

export interface UsageReport {
  /** Per site: how many bookings its usage items list. */
  readonly listed: Record<string, number>;
  /** `site owner` of each listing that would pass the item's size cap: not written (the owner's allowances then miss those bookings). */
  readonly tooLarge: string[];
}

/** One booking of a scanned event item, if it is one an owner's usage item lists at `since` or later. */
function entryOf(item: Item, since: string): { site: string; owner: string; entry: UsageEntry } | undefined {
  const { event_id, site, start, end, creator_id, origin } = item;
  if ([event_id, site, start, end, creator_id].some((v) => typeof v !== 'string') || String(end) <= since || String(start) >= String(end)) return undefined;
  if (!ownerCounts({ creator_id: String(creator_id), origin: String(origin ?? 'PTR') }, String(creator_id))) return undefined;
  return { site: String(site), owner: String(creator_id), entry: [String(event_id), String(start), String(end)] };
}

/** Builds the usage items of `events` (the scanned event items, canonical times) as of `nowMs`. */
export async function migrateUsage(client: DynamoDBDocumentClient, table: string, events: readonly Item[], nowMs: number): Promise<UsageReport> {
  const at = formatUtcTime(Math.floor(nowMs / 1000));
  const cutoff = lookbackStart(at);
  const byKey = new Map<string, { site: string; owner: string; ids: string[] }>();
  for (const event of events) {
    const found = entryOf(event, cutoff);
    if (!found) continue;
    const key = JSON.stringify([found.site, found.owner]);
    if (!byKey.has(key)) byKey.set(key, { site: found.site, owner: found.owner, ids: [] });
    byKey.get(key)!.ids.push(found.entry[0]);
  }
  const report: UsageReport = { listed: {}, tooLarge: [] };
  for (const { site, owner, ids } of byKey.values()) {
    try {
      const entries = await writeListing(client, table, site, owner, ids, at);
      report.listed[site] = (report.listed[site] ?? 0) + entries;
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      report.tooLarge.push(`${site} ${owner}`);
    }
  }
  return report;
}

/** Adds the events `ids` (read again now) to the usage item of (site, owner) on its version; returns how many it lists. */
async function writeListing(client: DynamoDBDocumentClient, table: string, site: string, owner: string, ids: readonly string[], at: string): Promise<number> {
  const send = (command: QueryCommand) => client.send(command);
  for (let attempt = 1; ; attempt++) {
    const usage = await readUsage(client, table, site, owner);
    const listed = new Set(usage.entries.map(([id]) => id));
    const added: UsageEntry[] = [];
    for (const id of ids.filter((i) => !listed.has(i))) {
      const item = await getEventItem(send, table, id);
      const found = item && entryOf(item, '');
      if (found && found.site === site && found.owner === owner) added.push(found.entry);
    }
    const entries = recentEntries([...usage.entries, ...added], at);
    if (added.length === 0) return usage.entries.length;
    try {
      await client.send(new PutCommand(usagePut(table, usage, entries)));
      return entries.length;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) || attempt >= ATTEMPTS) throw error;
    }
  }
}
