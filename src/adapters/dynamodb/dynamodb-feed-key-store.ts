import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FeedKeyOwner, FeedKeyStore } from '../../application/ports/feed-keys.port.js';
import { Retry, withRetries } from './optimistic.js';
import { unavailableWhenTransient } from './unavailable.js';

type Item = Record<string, unknown>;

const KEY_ITEM = '#';
const feedKeyItem = (digest: string): string => `feedkey#${digest}`;
const feedUserItem = (sub: string): string => `feeduser#${sub}`;

/**
 * Calendar-feed-key digests in the event table, under partitions of their own: `feedkey#<digest>`
 * (who owns it, the lookup) and `feeduser#<sub>` (which digest a user has, for a rotation). A bind writes
 * both in one transaction, conditional on the user's digest read, so a rotation retires the old
 * key in the same step and two rotations at once cannot both win.
 */
export class DynamoDbFeedKeyStore implements FeedKeyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async bind(sub: string, digest: string, createdAt: string, replace: boolean): Promise<boolean> {
    return withRetries(async () => {
      const current = await this.get(feedUserItem(sub));
      if (current && !replace) return false;
      const old = current ? String(current.digest) : undefined;
      try {
        await unavailableWhenTransient(this.client.send(new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table, Item: { event_id: feedUserItem(sub), start: KEY_ITEM, digest, created_at: createdAt },
                ConditionExpression: old === undefined ? 'attribute_not_exists(event_id)' : 'digest = :old',
                ...(old === undefined ? {} : { ExpressionAttributeValues: { ':old': old } }),
              },
            },
            ...(old === undefined ? [] : [{ Delete: { TableName: this.table, Key: { event_id: feedKeyItem(old), start: KEY_ITEM } } }]),
            {
              Put: {
                TableName: this.table, Item: { event_id: feedKeyItem(digest), start: KEY_ITEM, sub, created_at: createdAt },
                ConditionExpression: 'attribute_not_exists(event_id)',
              },
            },
          ],
        })));
      } catch (error) {
        if (error instanceof TransactionCanceledException) throw new Retry();
        throw error;
      }
      return true;
    }, { maxAttempts: 5, baseBackoffMs: 15 });
  }

  async owner(digest: string): Promise<FeedKeyOwner | undefined> {
    const item = await this.get(feedKeyItem(digest));
    return item && { sub: String(item.sub), createdAt: String(item.created_at) };
  }

  private async get(key: string): Promise<Item | undefined> {
    const { Item: item } = await unavailableWhenTransient(this.client.send(new GetCommand({
      TableName: this.table, Key: { event_id: key, start: KEY_ITEM }, ConsistentRead: true,
    })));
    return item;
  }
}
