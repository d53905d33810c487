/**
 * DynamoDB failures that say "not now" rather than "no": throttling, timeouts and network errors.
 * The SDK has already retried them (its standard strategy, three attempts) by the time they reach us,
 * so the caller gets a StoreUnavailableError (503 with Retry-After) instead of a 500. The SDK's own
 * classifier decides, so we retry-or-give-up on exactly the errors the SDK itself treats as passing:
 * the throttling codes, 429 and 5xx answers, `TimeoutError`, and Node's socket codes (ECONNRESET,
 * ECONNREFUSED, ETIMEDOUT, EPIPE, ENOTFOUND, ...), also when wrapped as a `cause`.
 */
import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import { StoreUnavailableError } from '../../domain/errors.js';

type SdkError = Parameters<typeof isTransientError>[0];

function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return isThrottlingError(error as SdkError) || isTransientError(error as SdkError);
}

/** The operation's result, or a StoreUnavailableError in place of a passing failure. */
export async function unavailableWhenTransient<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    if (isUnavailable(error)) {
      const reason = (error as { code?: string }).code ?? (error as Error).name;
      throw new StoreUnavailableError(`The calendar's database is not answering just now (${reason}); please retry.`, { cause: error });
    }
    throw error;
  }
}
