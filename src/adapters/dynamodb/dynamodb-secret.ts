import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unavailableWhenTransient } from './unavailable.js';

/** How many random bytes a stored secret holds. */
const SECRET_BYTES = 32;
const SECRET_ITEM = '#';
const secretItem = (name: string): string => `secret#${name}`;

/**
 * A secret of the deployment kept in the event table, in a partition of its own (`secret#<name>`,
 * sort key `#`, never an event's: item-kinds.ts), made on first use. The put is conditional on the
 * item's absence, so of instances starting together exactly one makes it and every other reads
 * that one; reads are consistent. Every Lambda instance, and every one after a redeploy, shares it.
 */
export async function loadOrCreateDynamoDbSecret(client: DynamoDBDocumentClient, table: string, name: string): Promise<Buffer> {
  const key = { event_id: secretItem(name), start: SECRET_ITEM };
  const read = async (): Promise<Buffer | undefined> => {
    const { Item: item } = await unavailableWhenTransient(client.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true })));
    return item === undefined ? undefined : Buffer.from(String(item.secret), 'base64url');
  };
  const stored = await read();
  if (stored) return stored;
  try {
    const secret = randomBytes(SECRET_BYTES);
    await unavailableWhenTransient(client.send(new PutCommand({
      TableName: table, Item: { ...key, secret: secret.toString('base64url') }, ConditionExpression: 'attribute_not_exists(event_id)',
    })));
    return secret;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException) && (error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const theirs = await read();
    if (!theirs) throw error;
    return theirs;
  }
}
