/**
 * The sites that have had events, on DynamoDB: one item with a string set, because a table has no
 * cheap "distinct partition values". A write adds its site after it commits, once per site per
 * process; it is a listing, so a lost add only delays a site until the next write there (or
 * `npm run migrate`, which adds every site it meets), and it never touches a write's transaction,
 * where one item shared by every site would make all writes take turns.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JournalSend } from './feed-items.js';

const REGISTRY = { event_id: 'sites#registry', start: '#' };

export class SiteRegistry {
  private readonly known = new Set<string>();

  constructor(private readonly send: JournalSend, private readonly table: string) {}

  /** Records the sites (best effort: a failure leaves them for the next write to add). */
  async add(sites: Iterable<string>): Promise<void> {
    const fresh = [...new Set(sites)].filter((site) => !this.known.has(site));
    if (fresh.length === 0) return;
    try {
      await this.send(new UpdateCommand({ TableName: this.table, Key: REGISTRY, UpdateExpression: 'ADD sites :s', ExpressionAttributeValues: { ':s': new Set(fresh) } }));
      for (const site of fresh) this.known.add(site);
    } catch {
      // The write it follows has committed; the listing catches up on a later write.
    }
  }

  async list(): Promise<string[]> {
    const { Item: item } = await this.send<{ Item?: Record<string, unknown> }>(new GetCommand({ TableName: this.table, Key: REGISTRY, ConsistentRead: true }));
    const sites = item?.sites;
    return sites instanceof Set ? [...sites].map(String).sort() : [];
  }
}
