/**
 * The read cache's rules, against a store version the test moves: an answer is kept only while the
 * version it was computed at lasts, never when a commit came while it was computed, and within a
 * bounded size, least recently used first out.
 */
import { ReadCache } from '../../src/adapters/http/read-cache.js';
import type { StoreVersion } from '../../src/application/ports/store-version.port.js';

class MovableVersion implements StoreVersion {
  value = 1;
  current(): number {
    return this.value;
  }
}

const miss = (cache: ReadCache, key: string, answer: string): void => {
  const kept = cache.get(key);
  expect(kept.answer).toBeUndefined();
  cache.set(key, Buffer.from(answer), kept.version);
};

it('answers what was kept until the store changes, then forgets everything', () => {
  const version = new MovableVersion();
  const cache = new ReadCache(version, { maxBytes: 1 << 20 });
  miss(cache, 'a', '[1]');
  miss(cache, 'b', 'true');
  expect(cache.get('a').answer?.toString()).toBe('[1]');
  expect(cache.get('b').answer?.toString()).toBe('true');
  version.value = 2;
  expect(cache.get('b').answer).toBeUndefined();
  expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  expect(cache.get('a').answer).toBeUndefined();
});

it('never answers with what was computed across a commit', () => {
  const version = new MovableVersion();
  const cache = new ReadCache(version, { maxBytes: 1 << 20 });
  const kept = cache.get('a');
  version.value = 2; // another process commits while the answer is computed
  cache.set('a', Buffer.from('[old or new]'), kept.version);
  expect(cache.get('a').answer).toBeUndefined();
  // Nor what a request began before another request saw the store move on.
  const early = cache.get('b');
  version.value = 3;
  expect(cache.get('c').version).toBe(3);
  cache.set('b', Buffer.from('[old]'), early.version);
  expect(cache.get('b').answer).toBeUndefined();
  expect(cache.size.entries).toBe(0);
});

it('stays within its bytes, dropping the least recently used, and keeps no answer over a sixteenth of them', () => {
  const version = new MovableVersion();
  // Each entry: a 3-character key (6 bytes) and a 194-byte answer, 200 bytes; room for 16.
  const cache = new ReadCache(version, { maxBytes: 3200 });
  for (let i = 10; i < 26; i++) miss(cache, `k${i}`, 'x'.repeat(194));
  expect(cache.size).toEqual({ entries: 16, bytes: 3200 });
  expect(cache.get('k10').answer).toBeDefined(); // k10 is now the most recently used
  miss(cache, 'k26', 'y'.repeat(194));
  expect(cache.size).toEqual({ entries: 16, bytes: 3200 });
  expect(cache.get('k11').answer).toBeUndefined();
  expect(cache.get('k10').answer).toBeDefined();
  // 6 + 195 = 201 bytes > 3200 / 16 = 200: not kept, and nothing evicted for it.
  const big = cache.get('k27');
  cache.set('k27', Buffer.from('z'.repeat(195)), big.version);
  expect(cache.get('k27').answer).toBeUndefined();
  expect(cache.size.entries).toBe(16);
  // Replacing a key's answer counts it once.
  const again = cache.get('k26');
  cache.set('k26', Buffer.from('w'.repeat(14)), again.version);
  expect(cache.size.bytes).toBe(3200 - 200 + 20);
});
