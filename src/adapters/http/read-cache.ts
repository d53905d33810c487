import type { StoreVersion } from '../../application/ports/store-version.port.js';

interface ReadCacheCaps {
  /** What all the kept answers and their keys may take, in bytes (keys counted at 2 bytes a character). */
  readonly maxBytes: number;
}

/**
 * Answers of the pure read routes, by route and request body, kept while the store's version (see
 * StoreVersion) stays the one they were computed at; the first request after any commit, from any
 * process, empties the cache. Least recently used answers go first past `maxBytes`; an answer
 * larger than a sixteenth of it is not kept.
 *
 * Answers are kept encoded, as the bytes sent: a hit is not encoded again, and the bytes live
 * outside the JavaScript heap, where the young generation's collector does not copy them (kept as
 * strings, each week of /siteevents asked anew was copied twice before it settled, and such misses
 * ran at 0.81 of the service without a cache).
 */
export class ReadCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;
  private version: number;
  private readonly maxEntryBytes: number;

  constructor(private readonly store: StoreVersion, private readonly caps: ReadCacheCaps) {
    this.version = store.current();
    this.maxEntryBytes = caps.maxBytes / 16;
  }

  /**
   * The answer kept for `key`, if the store has not changed since. On a miss, compute the answer and
   * hand it to `set` with the version this returned beside it.
   */
  get(key: string): { answer?: Buffer; version: number } {
    const now = this.store.current();
    if (now !== this.version) {
      this.entries.clear();
      this.bytes = 0;
      this.version = now;
      return { version: now };
    }
    const answer = this.entries.get(key);
    if (answer === undefined) return { version: now };
    // Most recently used last: Map keeps insertion order.
    this.entries.delete(key);
    this.entries.set(key, answer);
    return { answer, version: now };
  }

  /**
   * Keeps an answer computed after `get` returned `version`, unless another request has seen the
   * store move on since. An answer whose computation a commit overtook may show the store after
   * that commit, though kept under the version before it; it is never answered all the same, since
   * every `get` asks the store's version first, and the first after that commit empties the cache.
   */
  set(key: string, answer: Buffer, version: number): void {
    const size = sizeOf(key, answer);
    if (size > this.maxEntryBytes || version !== this.version) return;
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.entries.delete(key);
      this.bytes -= sizeOf(key, previous);
    }
    for (const [oldest, kept] of this.entries) {
      if (this.bytes + size <= this.caps.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= sizeOf(oldest, kept);
    }
    this.entries.set(key, answer);
    this.bytes += size;
  }

  /** How much is kept now, for tests and figures. */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}

const sizeOf = (key: string, answer: Buffer): number => 2 * key.length + answer.length;
