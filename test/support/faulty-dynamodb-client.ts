import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface Faults {
  /** Probability (0..1) that a TransactWriteItems is cancelled with TransactionConflict. */
  transactionConflictRate: number;
  /** How many TransactWriteItems to cancel first, whatever the rate. */
  transactionConflictsFirst: number;
  /**
   * Cancel at the site's feed head (the item every write at a site updates, where DynamoDB's
   * contending transactions collide) rather than at the first item.
   */
  conflictAtFeedHead?: boolean;
  /** GSI queries answer with nothing, as a lagging index may. */
  staleIndexes: boolean;
  /** Forces every Query to answer in pages of this many items (DynamoDB pages at 1 MB). */
  pageSize?: number;
  /**
   * Every request fails with what this returns, as the SDK would surface it once its own retries are
   * spent (throttling, a timeout, a reset socket, ...).
   */
  failure?: () => unknown;
  /** Runs before each request is forwarded (to interleave another writer at an exact point). */
  before?: (command: unknown) => Promise<void> | void;
}

/**
 * A document client that forwards to a real one (DynamoDB Local) but injects what DynamoDB Local
 * never does: cancelled transactions (TransactionConflict), stale GSI reads, and failing requests.
 */
export function faultyClient(real: DynamoDBDocumentClient, faults: Partial<Faults>): { client: DynamoDBDocumentClient; stats: { cancelled: number; staleQueries: number; transactions: number; failed: number } } {
  const f: Faults = { transactionConflictRate: 0, transactionConflictsFirst: 0, staleIndexes: false, ...faults };
  const stats = { cancelled: 0, staleQueries: 0, transactions: 0, failed: 0 };
  const client = {
    send: async (command: unknown) => {
      await f.before?.(command);
      if (f.failure) {
        stats.failed += 1;
        throw f.failure();
      }
      if (command instanceof TransactWriteCommand) {
        stats.transactions += 1;
        if (f.transactionConflictsFirst > 0 || Math.random() < f.transactionConflictRate) {
          f.transactionConflictsFirst = Math.max(0, f.transactionConflictsFirst - 1);
          stats.cancelled += 1;
          const items = command.input.TransactItems ?? [];
          const head = f.conflictAtFeedHead ? items.findIndex((item) => item.Update?.Key?.start === '#head') : 0;
          throw new TransactionCanceledException({
            message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
            CancellationReasons: f.conflictAtFeedHead
              ? items.map((_, i) => ({ Code: i === head ? 'TransactionConflict' : 'None' }))
              : [{ Code: 'TransactionConflict' }, { Code: 'None' }],
            $metadata: { httpStatusCode: 400 },
          });
        }
      }
      if (f.staleIndexes && command instanceof QueryCommand && command.input.IndexName) {
        stats.staleQueries += 1;
        return { Items: [], Count: 0 };
      }
      if (f.pageSize && command instanceof QueryCommand) {
        return real.send(new QueryCommand({ ...command.input, Limit: f.pageSize }));
      }
      return real.send(command as never);
    },
  };
  return { client: client as unknown as DynamoDBDocumentClient, stats };
}
