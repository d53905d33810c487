import type { StoreVersion } from '../../application/ports/store-version.port.js';

export interface ReadCacheLimits {
  /** What all the kept answers and their keys may take, in bytes (strings counted at 2 bytes a character). */
  readonly maxBytes: number;
}

/**
 * Answers of the pure read routes, by route and request body, kept while the store's version (see
 * StoreVersion) stays the one they were computed at; the first request after any commit, from any
 * process, empties the cache. Least recently used answers go first past `maxBytes`; an answer
 * larger than a sixteenth of it is not kept.
 */
export class ReadCache {
  private readonly entries = new Map<string, string>();
  private bytes = 0;
  private version: number;
  private readonly maxEntryBytes: number;

  constructor(private readonly store: StoreVersion, private readonly limits: ReadCacheLimits) {
    this.version = store.current();
    this.maxEntryBytes = limits.maxBytes / 16;
  }

  /**
   * The answer kept for `key`, if the store has not changed since. On a miss, compute the answer and
   * hand it to `set` with the version this returned beside it.
   */
  get(key: string): { answer?: string; version: number } {
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
  set(key: string, answer: string, version: number): void {
    const size = 2 * (key.length + answer.length);
    if (size > this.maxEntryBytes || version !== this.version) return;
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.entries.delete(key);
      this.bytes -= 2 * (key.length + previous.length);
    }
    for (const [oldest, kept] of this.entries) {
      if (this.bytes + size <= this.limits.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= 2 * (oldest.length + kept.length);
    }
    this.entries.set(key, answer);
    this.bytes += size;
  }

  /** How much is kept now, for tests and figures. */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}
