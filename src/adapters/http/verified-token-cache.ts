/**
 * Claims of access tokens that were verified already, so that a browser sending the same token with
 * every request costs one RSA verification, not one per request (it was a fifth of /newevent's CPU).
 * Only a token that passed verification is ever stored; it is served until its own `exp` (never
 * beyond, clock tolerance or not) and at most `maxAgeSeconds` after it was verified. Memory is
 * bounded: past `maxEntries` the oldest entry is dropped.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { claims: Record<string, unknown>; until: number }>();

  constructor(
    private readonly maxAgeSeconds = 300,
    private readonly maxEntries = 10_000,
    private readonly nowSeconds: () => number = () => Date.now() / 1000,
  ) {}

  get(token: string): Record<string, unknown> | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (this.nowSeconds() >= entry.until) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.claims;
  }

  /** Remembers a verified token's claims; a token without a numeric `exp` is not cached. */
  set(token: string, claims: Record<string, unknown>): void {
    if (typeof claims.exp !== 'number') return;
    const until = Math.min(claims.exp, this.nowSeconds() + this.maxAgeSeconds);
    this.entries.delete(token);
    this.entries.set(token, { claims, until });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
