/**
 * Event history on DynamoDB. Each entry is an item in the event table under its own partition
 * (`history#<event_id>`, sorted by version; a removal is one past the version it removes, or, in
 * entries written before that rule, at that version and sorted after it), written in the
 * change's own TransactWriteItems. It carries no site, end or creator_id attribute, so no GSI and no
 * event query ever sees it.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { HistoryRange } from '../../application/ports/event-journal.port.js';
import { isRemoval, type HistoryAction, type HistoryEntry } from '../../domain/history.js';
import type { Reservation } from '../../domain/reservation.js';
import { HISTORY_SORT_KEY, RETIRED_SORT_KEY, sortKeyMatches } from './item-kinds.js';

type Item = Record<string, unknown>;

export const historyKey = (eventId: string): string => `history#${eventId}`;

/**
 * The Put of a change's history item, for the change's transaction: only if absent, so that two
 * writes planned on the same state (which give their entries the same version) cannot both commit.
 */
export function historyPut(table: string, entry: HistoryEntry) {
  const { event, action } = entry;
  return {
    Put: {
      TableName: table,
      Item: {
        event_id: historyKey(event.event_id), start: `${String(entry.version).padStart(12, '0')}#${isRemoval(action) ? 'z' : 'a'}`,
        version: entry.version, at: entry.at, by: entry.by, action, body: JSON.stringify(event),
      },
      ConditionExpression: 'attribute_not_exists(event_id)',
    },
  };
}

type Send = (command: QueryCommand) => Promise<{ Items?: Item[]; LastEvaluatedKey?: Item }>;

const toEntry = (eventId: string, item: Item): HistoryEntry => ({
  event_id: eventId, version: Number(item.version), at: String(item.at), by: String(item.by),
  action: item.action as HistoryAction, event: JSON.parse(String(item.body)) as Reservation,
});

/**
 * An event's entries, read consistently: every one, oldest first, or with a range (HistoryRange)
 * only that part, by a key condition on the sort key (the versions above `afterVersion`, up to the
 * largest twelve-digit one, so no retired item) and a Limit, oldest or newest first. An item of
 * another kind in that key range (an event whose own id is `history#<id>`) counts against the
 * Limit but is skipped, and the Query goes on for the entries still wanted.
 */
export async function readHistory(send: Send, table: string, eventId: string, range?: HistoryRange): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  const wanted = range === undefined ? Infinity : Math.max(0, range.limit);
  const keyRange = range === undefined ? {} : {
    KeyConditionExpression: 'event_id = :h AND #s BETWEEN :from AND :to', ExpressionAttributeNames: { '#s': 'start' },
    ExpressionAttributeValues: {
      ':h': historyKey(eventId), ':from': String((range.afterVersion ?? 0) + 1).padStart(12, '0'), ':to': `${'9'.repeat(12)}#z`,
    },
    ScanIndexForward: range.newest !== true,
  };
  let startKey: Item | undefined;
  while (entries.length < wanted) {
    const page = await send(new QueryCommand({
      TableName: table, KeyConditionExpression: 'event_id = :h', ExpressionAttributeValues: { ':h': historyKey(eventId) },
      ...keyRange, ...(wanted === Infinity ? {} : { Limit: wanted - entries.length }),
      ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }));
    for (const item of (page.Items ?? []).filter(sortKeyMatches(HISTORY_SORT_KEY))) entries.push(toEntry(eventId, item));
    startKey = page.LastEvaluatedKey;
    if (!startKey) break;
  }
  return entries;
}

/**
 * The item the purge leaves in place of an event's history entries: the id and its last version, so
 * the id stays used (arrivalVersion).
 */
export function retiredUpdate(table: string, eventId: string, version: number) {
  return {
    TableName: table, Key: { event_id: historyKey(eventId), start: RETIRED_SORT_KEY },
    UpdateExpression: 'SET version = :v', ExpressionAttributeValues: { ':v': version },
  };
}

/**
 * The id's last version, read consistently, newest first: its last history entry's, or once the
 * purge removed them, the one it kept (which sorts after them). An event whose own id is
 * `history#<id>` shares the partition, and is skipped like every other kind of item.
 */
export async function lastHistoryEntry(
  send: (command: QueryCommand) => Promise<{ Items?: Item[]; LastEvaluatedKey?: Item }>,
  table: string,
  eventId: string,
): Promise<{ version: number } | undefined> {
  let retired: number | undefined;
  let startKey: Item | undefined;
  do {
    const page = await send(new QueryCommand({
      TableName: table, KeyConditionExpression: 'event_id = :h', ExpressionAttributeValues: { ':h': historyKey(eventId) },
      ProjectionExpression: '#s, #v', ExpressionAttributeNames: { '#s': 'start', '#v': 'version' },
      ScanIndexForward: false, Limit: 3, ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }));
    const items = page.Items ?? [];
    const last = items.find(sortKeyMatches(HISTORY_SORT_KEY));
    if (last) return { version: Number(last.version) };
    const kept = items.find((item) => item.start === RETIRED_SORT_KEY);
    if (kept) retired = Number(kept.version);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return retired === undefined ? undefined : { version: retired };
}
