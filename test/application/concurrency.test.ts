import fc from 'fast-check';
import { settleWithConcurrency } from '../../src/application/concurrency.js';

it('runs at most `limit` tasks at once, all of them, and reports each outcome in order', async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.record({ ms: fc.integer({ min: 0, max: 5 }), fails: fc.boolean() }), { maxLength: 30 }),
    fc.integer({ min: 1, max: 10 }),
    async (specs, limit) => {
      let running = 0;
      let peak = 0;
      const outcomes = await Promise.all(settleWithConcurrency(specs.map((spec, i) => async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, spec.ms));
        running -= 1;
        if (spec.fails) throw new Error(`task ${i}`);
        return i;
      }), limit));
      expect(peak).toBeLessThanOrEqual(limit);
      if (specs.length >= limit) expect(peak).toBe(limit);
      expect(outcomes).toEqual(specs.map((spec, i) => (spec.fails
        ? { status: 'rejected', reason: new Error(`task ${i}`) }
        : { status: 'fulfilled', value: i })));
    },
  ), { numRuns: 40 });
});
