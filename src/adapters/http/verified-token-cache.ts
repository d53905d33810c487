/** A token's verification: its claims, and what verified it. */
interface VerifiedToken {
  readonly claims: Record<string, unknown>;
  /** The `kid` of the token's header, and the key object that verified it. */
  readonly kid: string | undefined;
  readonly key: object;
}

/**
 * Claims of access tokens that were verified already, so that a browser sending the same token with
 * every request costs one RSA verification, not one per request (it was a fifth of /newevent's CPU).
 * Only a token that passed verification is ever stored, with the key that verified it; it is served
 * until its own `exp` (never beyond, clock tolerance or not) and at most `maxAgeSeconds` after it was
 * verified, and the caller checks that its key is still the current one (a key the identity provider
 * stopped listing takes its tokens with it). Memory is bounded: past `maxEntries` the oldest entry is
 * dropped.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedToken & { until: number }>();

  constructor(
    private readonly maxAgeSeconds = 300,
    private readonly maxEntries = 10_000,
    private readonly nowSeconds: () => number = () => Date.now() / 1000,
  ) {}

  get(token: string): VerifiedToken | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (this.nowSeconds() >= entry.until) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  /** Remembers a verified token; one without a numeric `exp` is not cached. */
  set(token: string, verified: VerifiedToken): void {
    if (typeof verified.claims.exp !== 'number') return;
    const until = Math.min(verified.claims.exp, this.nowSeconds() + this.maxAgeSeconds);
    this.entries.delete(token);
    this.entries.set(token, { ...verified, until });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The `kid` of a compact JWT's header, read without verifying anything (undefined when unreadable). */
export function tokenKid(token: string): string | undefined {
  const head = token.slice(0, token.indexOf('.'));
  try {
    const header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { kid?: unknown };
    return typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
}
