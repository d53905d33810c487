/**
 * Optimistic writes: read, decide, and commit conditionally; a condition that failed or a transaction
 * that collided means someone else wrote first, so the attempt starts again from a fresh read.
 * Contention costs time, not a refusal: attempts go on, spread by jittered backoff, for as long as
 * the budget in time lasts, however many that takes on a busy site or a loaded machine.
 */
import { StoreUnavailableError } from '../../domain/errors.js';

/**
 * Thrown by an attempt whose conditional write lost a race: re-read the state and try again.
 * `waitedMs` is how long the attempt waited for its turn at a site (site-turns.ts): waiting behind
 * the process's other writes is not trying, so it is not charged to the budget.
 */
export class Retry extends Error {
  constructor(readonly waitedMs = 0) {
    super('lost a race; retry');
  }
}

interface RetryOptions {
  /** How long attempts may go on (not counting waits for a turn) before StoreUnavailableError. */
  readonly budgetMs?: number;
  /**
   * Attempts made before the budget in time can end them: on a loaded machine each attempt's reads
   * are slow, and a few lost races must not spend the budget alone.
   */
  readonly minAttempts?: number;
  /** Attempts at most, whatever the time left (no cap by default). */
  readonly maxAttempts?: number;
  /** The first backoff's ceiling; each retry doubles it (to at most 64 times this) and waits a random part of it. */
  readonly baseBackoffMs: number;
}

/** Full jitter: a random wait up to `base` × 2^n (at most 64 × base), so contenders that collided spread out. */
export function backoff(n: number, baseMs: number): Promise<void> {
  const ceiling = baseMs * 2 ** Math.min(n, 6);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const started = performance.now();
  let waited = 0;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof Retry)) throw error;
      waited += error.waitedMs;
      const spent = performance.now() - started - waited;
      const made = n + 1;
      if (made >= (options.maxAttempts ?? Infinity) || (spent >= (options.budgetMs ?? Infinity) && made >= (options.minAttempts ?? 0))) {
        throw new StoreUnavailableError('The calendar is busy with other bookings at this site; please retry.');
      }
      await backoff(n, options.baseBackoffMs);
    }
  }
}
