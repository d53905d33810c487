/**
 * The change feed and the retention purge on DynamoDB, in the event table under partitions of
 * their own (their items carry no site, end or creator_id attribute, so no GSI sees them).
 *
 * Each site has a head item (`feed#<site>`, sort key `#head`) holding the site's last seq and the
 * highest seq the purge removed, and one item per change-feed entry in the same partition, sorted
 * by seq.
 * A write reads the head consistently, and its transaction advances the head on the value read and
 * puts the entry with the next seq: two writes at one site cannot take the same seq, and seq N can
 * only commit after N-1 has. A reader reads the head first and then asks only for entries up to it.
 * Entries above that head may be in flight; every one up to it is committed, and a Query is
 * read-committed, so none is missing. Reading the query's results alone would not be enough: in
 * one query a reader could pass N-1's place before N-1 commits and reach N after N commits.
 *
 * A removal also leaves a tombstone in the `removals` partition, sorted by time, so the purge finds
 * the deleted events whose history has expired without scanning the table.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { FeedEntry, FeedPage, UnnumberedEntry } from '../../domain/feed.js';
import { isRemoval, type HistoryAction, type HistoryEntry } from '../../domain/history.js';
import type { Reservation } from '../../domain/reservation.js';
import { historyKey, historyPut, retiredUpdate } from './history-items.js';
import { FEED_SORT_KEY, HISTORY_SORT_KEY, sortKeyMatches } from './item-kinds.js';

type Item = Record<string, unknown>;
export type JournalCommand = QueryCommand | GetCommand | UpdateCommand | DeleteCommand;
/** The store's own send, so that every call goes through its translation of passing failures. */
export type JournalSend = <T>(command: JournalCommand) => Promise<T>;

const HEAD = '#head';
const REMOVALS = 'removals';
const feedKey = (site: string): string => `feed#${site}`;
/** Twelve digits sort as numbers, and `#head` sorts before all of them. */
const seqKey = (seq: number): string => String(seq).padStart(12, '0');

/**
 * Whether a transaction item numbers a change-feed entry: the head's update (the site's seq), or the put of
 * the entry under that seq. Both fail together when another write took the seq first.
 */
export function isFeedNumbering(item: unknown): boolean {
  const { Update: update, Put: put } = (item ?? {}) as { Update?: { Key?: Item }; Put?: { Item?: Item } };
  const key = update?.Key ?? put?.Item;
  if (!key || !String(key.event_id).startsWith('feed#')) return false;
  return update ? key.start === HEAD : FEED_SORT_KEY.test(String(key.start));
}

/** The sites whose change-feed heads these transaction items advance. */
export function feedSites(items: readonly unknown[]): string[] {
  return items.flatMap((item) => {
    const key = (item as { Update?: { Key?: Item } }).Update?.Key;
    return key && key.start === HEAD && String(key.event_id).startsWith('feed#') ? [String(key.event_id).slice('feed#'.length)] : [];
  });
}

interface Head {
  readonly seq: number;
  readonly purged: number;
}

async function readHead(send: JournalSend, table: string, site: string): Promise<Head> {
  const { Item: head } = await send<{ Item?: Item }>(new GetCommand({ TableName: table, Key: { event_id: feedKey(site), start: HEAD }, ConsistentRead: true }));
  return { seq: Number(head?.seq ?? 0), purged: Number(head?.purged ?? 0) };
}

/**
 * The writes that record a change (its plan's history and change-feed entries), for the change's
 * own transaction: its history item, its entry in each site's change feed it belongs to (with that
 * head advanced on the seq read now), and a tombstone for a removal. Read inside the write's
 * attempt, so a retry reads the heads again.
 */
export async function journalWrites(send: JournalSend, table: string, entry: HistoryEntry, entries: readonly UnnumberedEntry[]) {
  const history = historyPut(table, entry);
  const { at, action, event } = entry;
  const writes: object[] = [];
  const refs: string[] = [];
  const heads = await Promise.all(entries.map((e) => readHead(send, table, e.site)));
  for (const [i, { site, event: body, event_id: eid, version, action: entryAction, at: entryAt }] of entries.entries()) {
    const read = heads[i]!.seq;
    const seq = read + 1;
    refs.push(`${site}#${seq}`);
    writes.push({
      Update: {
        TableName: table, Key: { event_id: feedKey(site), start: HEAD }, UpdateExpression: 'SET seq = :next',
        ConditionExpression: read === 0 ? 'attribute_not_exists(seq)' : 'seq = :read',
        ExpressionAttributeValues: { ':next': seq, ...(read === 0 ? {} : { ':read': read }) },
      },
    }, {
      Put: {
        TableName: table,
        Item: { event_id: feedKey(site), start: seqKey(seq), eid, version, action: entryAction, at: entryAt, ...(body ? { body: JSON.stringify(body) } : {}) },
        ConditionExpression: 'attribute_not_exists(event_id)',
      },
    });
  }
  // The history item lists its feed entries, so that the purge can find them.
  writes.push({ Put: { ...history.Put, Item: { ...history.Put.Item, feed: refs } } });
  if (isRemoval(action)) writes.push({ Put: { TableName: table, Item: { event_id: REMOVALS, start: `${at}#${event.event_id}`, eid: event.event_id } } });
  return writes;
}

/** The site's entries after `after`, up to the head read first (see above), at most `limit`. */
export async function readFeed(send: JournalSend, table: string, site: string, after: number, limit: number): Promise<FeedPage> {
  const head = await readHead(send, table, site);
  const entries: FeedEntry[] = [];
  if (head.seq > after) {
    const query: QueryCommandInput = {
      TableName: table,
      KeyConditionExpression: 'event_id = :f AND #s BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#s': 'start' },
      ExpressionAttributeValues: { ':f': feedKey(site), ':from': seqKey(after + 1), ':to': seqKey(head.seq) },
      ConsistentRead: true,
    };
    let startKey: Item | undefined;
    do {
      const page = await send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(new QueryCommand({
        ...query, Limit: limit - entries.length, ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }));
      for (const item of (page.Items ?? []).filter(sortKeyMatches(FEED_SORT_KEY))) {
        entries.push({
          seq: Number(item.start), event_id: String(item.eid), version: Number(item.version), action: item.action as HistoryAction,
          at: String(item.at), event: typeof item.body === 'string' ? (JSON.parse(item.body) as Reservation) : null,
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && entries.length < limit);
  }
  // The purge raises a head's purged seq before it removes entries: read it after the query, so
  // entries removed while the query ran count as purged.
  const { purged } = await readHead(send, table, site);
  return { entries, purgedThrough: purged };
}

/** When the site's change feed got its last entry: the entry at the head's seq, read by its exact key. */
export async function lastEntryAt(send: JournalSend, table: string, site: string): Promise<string | undefined> {
  const { seq } = await readHead(send, table, site);
  if (seq === 0) return undefined;
  const { Item: entry } = await send<{ Item?: Item }>(new GetCommand({ TableName: table, Key: { event_id: feedKey(site), start: seqKey(seq) } }));
  return entry ? String(entry.at) : undefined;
}

async function queryAll(send: JournalSend, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(new QueryCommand({ ...input, ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * The retention purge: for each tombstone older than `before`, removes the event's history and feed
 * entries when the event is still gone and nothing changed it since (a later removal leaves its own
 * tombstone), keeping its last version (history-items.ts: retiredUpdate). Idempotent: a purge cut
 * short leaves the tombstone, and the next one finishes it.
 */
export async function purgeRemovals(
  send: JournalSend, table: string, before: string, exists: (eventId: string) => Promise<boolean>,
): Promise<number> {
  const tombstones = await queryAll(send, {
    TableName: table, KeyConditionExpression: 'event_id = :r AND #s < :before',
    ExpressionAttributeNames: { '#s': 'start' }, ExpressionAttributeValues: { ':r': REMOVALS, ':before': before },
  });
  let purged = 0;
  for (const tombstone of tombstones.filter((item) => String(item.start).includes('#') && typeof item.eid === 'string')) {
    const eventId = String(tombstone.eid);
    if (!(await exists(eventId))) {
      const history = (await queryAll(send, { TableName: table, KeyConditionExpression: 'event_id = :h', ExpressionAttributeValues: { ':h': historyKey(eventId) } }))
        .filter(sortKeyMatches(HISTORY_SORT_KEY));
      const last = history.at(-1);
      if (last && isRemoval(last.action as HistoryAction) && String(last.at) < before) {
        const feed = history.flatMap((item) => (Array.isArray(item.feed) ? item.feed.map(String) : []));
        await advancePurged(send, table, feed);
        await Promise.all(feed.map((ref) => {
          const [site, seq] = ref.split('#') as [string, string];
          return send(new DeleteCommand({ TableName: table, Key: { event_id: feedKey(site), start: seqKey(Number(seq)) } }));
        }));
        // The id stays used (arrivalVersion): its last version is kept before its entries go.
        await send(new UpdateCommand(retiredUpdate(table, eventId, Number(last.version))));
        await Promise.all(history.map((item) => send(new DeleteCommand({ TableName: table, Key: { event_id: item.event_id, start: item.start } }))));
        purged += 1;
      }
    }
    await send(new DeleteCommand({ TableName: table, Key: { event_id: REMOVALS, start: tombstone.start } }));
  }
  return purged;
}

/** Raises each site's purged seq to the highest of `refs` (`<site>#<seq>`) at that site, never lowers it. */
async function advancePurged(send: JournalSend, table: string, refs: readonly string[]): Promise<void> {
  const highest = new Map<string, number>();
  for (const ref of refs) {
    const [site, seq] = ref.split('#') as [string, string];
    highest.set(site, Math.max(highest.get(site) ?? 0, Number(seq)));
  }
  await Promise.all([...highest].map(async ([site, seq]) => {
    try {
      await send(new UpdateCommand({
        TableName: table, Key: { event_id: feedKey(site), start: HEAD }, UpdateExpression: 'SET purged = :w',
        ConditionExpression: 'attribute_not_exists(purged) OR purged < :w', ExpressionAttributeValues: { ':w': seq },
      }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }));
}
