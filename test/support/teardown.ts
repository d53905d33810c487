/** What a suite starts and must stop again: a calendar, a stand-in, DynamoDB Local, a clean-up step. */
export type Stoppable = { close(): unknown } | { stop(): unknown } | (() => unknown);

/**
 * Stops every part, also when one is missing (its beforeAll failed before starting it) or one's stop
 * throws, and then reports the first failure. Stopping them one after another would skip the rest at
 * the first throw, and a single open server or child process keeps jest from ever exiting when it
 * runs the suites in one process (as it does on a 2-core machine): the run then hangs until CI's
 * time-out instead of failing with the real error.
 */
export async function stopAll(...parts: Array<Stoppable | undefined>): Promise<void> {
  const results = await Promise.allSettled(parts.map(async (part) => {
    if (part === undefined) return;
    if (typeof part === 'function') await part();
    else if ('close' in part) await part.close();
    else await part.stop();
  }));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
}

/**
 * Starts parts side by side, like Promise.all, but when one fails it stops the ones that did
 * start before rethrowing: with Promise.all their handles are lost, nothing stops them, and an
 * open server keeps jest (in one process) from exiting, so the real error never shows.
 */
export async function startTogether<T extends readonly Stoppable[]>(...starting: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(starting);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (!failure) return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value as Stoppable] : []));
  await stopAll(...started).catch(() => undefined); // the start's own failure is the one to report
  throw failure.reason;
}
