/**
 * Reading event items from the calendar table: paged queries that skip every other kind of item, the site
 * window on its GSI, and the consistent read of one event by id.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Interval } from '../../domain/interval.js';
import type { Reservation } from '../../domain/reservation.js';
import { reservationFromStored } from '../../domain/stored-reservation.js';
import { isEventItem } from './item-kinds.js';
import { SITE_END_INDEX } from './tables.js';

type Item = Record<string, unknown>;
/** The store's own send, so that every call goes through its translation of passing failures. */
type Send = (command: QueryCommand) => Promise<{ Items?: Item[]; LastEvaluatedKey?: Item }>;

export function windowQuery(table: string, site: string, window: Interval): QueryCommandInput {
  return {
    TableName: table,
    IndexName: SITE_END_INDEX,
    KeyConditionExpression: 'site = :site AND #end > :from',
    FilterExpression: '#start < :to',
    ExpressionAttributeNames: { '#end': 'end', '#start': 'start' },
    ExpressionAttributeValues: { ':site': site, ':from': window.start, ':to': window.end },
  };
}

/**
 * The reservations a query finds that pass `keep`, ordered by start, at most `limit` of them. The
 * index is ordered by end, not start, so the first `limit` by start are only known once every
 * page is read; but once more than `limit` have passed, the caller (which asks for one more than it
 * answers) has its answer to "too many", and reading stops there.
 */
export async function querySorted(send: Send, input: QueryCommandInput, keep: (r: Reservation) => boolean, limit?: number): Promise<Reservation[]> {
  const kept: Reservation[] = [];
  for await (const page of eventPages(send, input)) {
    for (const item of page) {
      const reservation = reservationFromStored(item);
      if (keep(reservation)) kept.push(reservation);
    }
    if (limit !== undefined && kept.length > limit) break;
  }
  const sorted = sortByStart(kept);
  return limit === undefined ? sorted : sorted.slice(0, limit);
}

/** The event items (never a guard or journal item: item-kinds.ts) a query finds, page by page, following LastEvaluatedKey. */
async function* eventPages(send: Send, input: QueryCommandInput): AsyncGenerator<Item[]> {
  let startKey: Item | undefined;
  do {
    const page = await send(new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    yield (page.Items ?? []).filter(isEventItem);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** The event item with this id (read consistently from the base table), whatever its start. */
export async function getEventItem(send: Send, table: string, eventId: string): Promise<Item | undefined> {
  const query = { TableName: table, KeyConditionExpression: 'event_id = :id', ExpressionAttributeValues: { ':id': eventId }, ConsistentRead: true };
  for await (const [item] of eventPages(send, query)) if (item) return item;
  return undefined;
}

function sortByStart(events: Reservation[]): Reservation[] {
  return events.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0));
}
