/**
 * Optimistic writes: read, decide, and commit conditionally; a condition that failed or a transaction
 * that collided means someone else wrote first, so the attempt starts again from a fresh read.
 */
import { StoreUnavailableError } from '../../domain/errors.js';

/** Thrown by an attempt whose conditional write lost a race: re-read the state and try again. */
export class Retry extends Error {}

export interface RetryOptions {
  /** Attempts before giving up with StoreUnavailableError. */
  readonly maxAttempts: number;
  /** The first backoff's ceiling; each retry doubles it (to at most 64 times this) and waits a random part of it. */
  readonly baseBackoffMs: number;
}

export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof Retry)) throw error;
      if (n + 1 >= options.maxAttempts) {
        throw new StoreUnavailableError('The calendar is busy with other bookings at this site; please retry.');
      }
      // Full jitter: contenders that collided once spread out instead of colliding again.
      const ceiling = options.baseBackoffMs * 2 ** Math.min(n, 6);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}
