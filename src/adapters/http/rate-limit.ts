type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * A per-client token bucket: each client may spend `perMinute` requests at once, and earns them back
 * at `perMinute` a minute. Memory is bounded: past `maxClients` the least recently seen client is
 * forgotten (it comes back with a full bucket, which only ever errs on the lenient side).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly nowMs: () => number = Date.now,
    private readonly maxClients = 50_000,
  ) {
    this.perMs = perMinute / 60_000;
  }

  take(client: string): RateDecision {
    const now = this.nowMs();
    const bucket = this.buckets.get(client) ?? { tokens: this.perMinute, updatedMs: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + Math.max(0, now - bucket.updatedMs) * this.perMs);
    bucket.updatedMs = now;
    // Re-inserting keeps the Map in least-recently-seen order, so the first key is the one to forget.
    this.buckets.delete(client);
    this.buckets.set(client, bucket);
    if (this.buckets.size > this.maxClients) this.buckets.delete(this.buckets.keys().next().value as string);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)) };
  }

  get clients(): number {
    return this.buckets.size;
  }
}
