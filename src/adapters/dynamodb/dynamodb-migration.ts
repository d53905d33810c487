import {
  PutCommand, ScanCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { findConflictingPairs } from '../../domain/conflicts.js';
import { normaliseProjectId } from '../../domain/reservation.js';
import { storedVersion } from '../../domain/stored-reservation.js';
import { isEventItem } from './item-kinds.js';
import { SiteRegistry } from './site-registry.js';
import { migrateUsage, type UsageReport } from './usage-migration.js';
import { epochSecondsOf, formatUtcTime } from '../../domain/time.js';
import {
  guardDays, guardInterval, guardPut, readGuards, serialiseIntervals, type GuardInterval,
} from './day-guards.js';

type Item = Record<string, unknown>;

interface MigrationReport {
  scanned: number;
  /** Items whose `start` changed: moved to their canonical key in one transaction. */
  rekeyed: string[];
  /** Items rewritten in place (end, project_id, or a version for one written before versions). */
  updated: string[];
  /** Items whose times do not parse; left as they are. */
  invalid: string[];
  /** Per site: how many bookings its day guards list (a booking over several days counts once). */
  guards: Record<string, number>;
  /** Pairs of events of different creators that already overlap at a site: reported, never deleted. */
  overlaps: Array<{ site: string; events: [string, string] }>;
  /** The usage items the allowances count (usage-migration.ts): per site how many bookings they list, and listings too large to write. */
  usage: UsageReport;
}

const canonical = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return undefined;
  const epoch = epochSecondsOf(value);
  return epoch === undefined ? undefined : formatUtcTime(epoch);
};

/**
 * Takes over a table the previous service wrote: canonical times (re-keying an item when its sort
 * key `start` changes), normalised project ids, the per-site guard items this service's conflict
 * check relies on, the per-owner usage items its allowances count (usage-migration.ts), and a report
 * of overlaps that already exist. Running it again changes nothing.
 */
export class DynamoDbMigration {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** When the usage items are built: entries that ended OWNER_LOOKBACK_DAYS before are left out. */
    private readonly now: () => number = Date.now,
  ) {}

  async run(): Promise<MigrationReport> {
    const report: MigrationReport = { scanned: 0, rekeyed: [], updated: [], invalid: [], guards: {}, overlaps: [], usage: { listed: {}, tooLarge: [] } };
    // Keyed by id: an item moved to its canonical key may be met again later in the same scan.
    const byId = new Map<string, Item>();
    for await (const item of this.scan()) {
      if (!isEventItem(item) || byId.has(String(item.event_id))) continue;
      report.scanned += 1;
      byId.set(String(item.event_id), await this.normalise(item, report));
    }
    const events = [...byId.values()];
    await new SiteRegistry((command) => this.client.send(command as never) as never, this.tableName)
      .add(events.map((e) => String(e.site)).filter((site) => site !== 'undefined'));

    const valid = events.filter((e) => canonical(e.start) === e.start && canonical(e.end) === e.end && e.start! < e.end!);
    const bookings = valid.map((e) => ({
      event_id: String(e.event_id), site: String(e.site), start: String(e.start), end: String(e.end),
      creator_id: String(e.creator_id), origin: String(e.origin ?? 'PTR'),
    }));
    report.overlaps = findConflictingPairs(bookings).map(([a, b]) => ({ site: a.site, events: [a.event_id, b.event_id] }));

    // Every booking, past ones included, goes into the guard of each UTC day it touches.
    const byDay = new Map<string, { site: string; day: string; intervals: GuardInterval[] }>();
    for (const b of bookings) {
      let days: string[];
      try {
        days = guardDays(b.start, b.end);
      } catch {
        report.invalid.push(b.event_id); // longer than any booking the service accepts: left unguarded, reported
        continue;
      }
      for (const day of days) {
        const key = `${b.site}#${day}`;
        if (!byDay.has(key)) byDay.set(key, { site: b.site, day, intervals: [] });
        byDay.get(key)!.intervals.push(guardInterval(b));
      }
      report.guards[b.site] = (report.guards[b.site] ?? 0) + 1;
    }
    for (const { site, day, intervals } of byDay.values()) await this.writeGuard(site, day, intervals);
    report.usage = await migrateUsage(this.client, this.tableName, valid, this.now());
    return report;
  }

  private async normalise(item: Item, report: MigrationReport): Promise<Item> {
    const id = String(item.event_id);
    const start = canonical(item.start);
    const end = canonical(item.end);
    if (start === undefined || end === undefined) {
      report.invalid.push(id);
      return item;
    }
    const projectId = normaliseProjectId(typeof item.project_id === 'string' ? item.project_id : undefined);
    // An item written before versions existed is at version 1 (later writes count on from there).
    const version = storedVersion(item.version);
    const next = { ...item, start, end, project_id: projectId, version };
    if (start !== item.start) {
      await this.client.send(new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: this.tableName, Key: { event_id: id, start: item.start }, ConditionExpression: 'attribute_exists(event_id)' } },
          { Put: { TableName: this.tableName, Item: next, ConditionExpression: 'attribute_not_exists(event_id)' } },
        ],
      }));
      report.rekeyed.push(id);
    } else if (end !== item.end || projectId !== item.project_id || version !== item.version) {
      await this.client.send(new UpdateCommand({
        TableName: this.tableName,
        Key: { event_id: id, start },
        UpdateExpression: 'SET #end = :end, project_id = :p, version = :v',
        ExpressionAttributeNames: { '#end': 'end' },
        ExpressionAttributeValues: { ':end': end, ':p': projectId, ':v': version },
      }));
      report.updated.push(id);
    }
    return next;
  }

  /** Writes the day's guard unless it already lists exactly these bookings. */
  private async writeGuard(site: string, day: string, intervals: readonly GuardInterval[]): Promise<void> {
    const [guard] = await readGuards(this.client, this.tableName, site, [day]);
    if (guard!.version > 0 && serialiseIntervals(guard!.intervals) === serialiseIntervals(intervals)) return;
    await this.client.send(new PutCommand(guardPut(this.tableName, guard!, intervals)));
  }

  private async *scan(): AsyncGenerator<Item> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
      for (const item of page.Items ?? []) yield item;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}
