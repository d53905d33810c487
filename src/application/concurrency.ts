/**
 * Starts `tasks` with at most `concurrency` running at once and returns, in the tasks' order, a promise of
 * each one's outcome (never rejected, so a caller may await them one by one, in order, without an
 * unhandled rejection from a later one).
 */
export function settleWithConcurrency<T>(tasks: ReadonlyArray<() => Promise<T>>, concurrency: number): Array<Promise<PromiseSettledResult<T>>> {
  const settle: Array<(outcome: PromiseSettledResult<T>) => void> = [];
  const outcomes = tasks.map(() => new Promise<PromiseSettledResult<T>>((resolve) => settle.push(resolve)));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      try {
        settle[i]!({ status: 'fulfilled', value: await tasks[i]!() });
      } catch (reason) {
        settle[i]!({ status: 'rejected', reason });
      }
    }
  };
  for (let w = 0; w < Math.min(Math.max(1, concurrency), tasks.length); w++) void worker();
  return outcomes;
}
