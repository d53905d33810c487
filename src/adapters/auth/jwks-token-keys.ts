import { createPublicKey, type KeyObject } from 'node:crypto';
import jwksRsa from 'jwks-rsa';
import type { TokenHeader, TokenKeys } from '../../application/ports/token-keys.port.js';
import { IdentityUnavailableError, UnauthenticatedError } from '../../domain/errors.js';

interface JwksOptions {
  readonly jwksUri: string;
  /** How old the key set may get before it is fetched again, before it is used. */
  readonly refreshSeconds?: number;
  /**
   * The shortest time between two fetches that tokens ask for (a `kid` not in the set, or a failed
   * fetch): however many unknown kids arrive, from however many callers, at most one fetch per this.
   */
  readonly refetchCooldownSeconds?: number;
  readonly timeoutMs?: number;
  /** Told of a failed fetch (the set in hand, if any, stays in use). */
  readonly onFetchError?: (error: unknown) => void;
  readonly nowMs?: () => number;
}

/**
 * The identity provider's key set (Auth0's JWKS), fetched whole by jwks-rsa and kept here as parsed
 * KeyObjects by `kid`. The set is replaced by every successful fetch, so a key the provider stops
 * listing stops verifying within `refreshSeconds`; a key it starts listing is accepted as soon as a
 * token names it (one shared refetch, at most one per cooldown). No per-kid budget exists for junk
 * tokens to drain: a `kid` in the latest set always verifies.
 */
export class JwksTokenKeys implements TokenKeys {
  private readonly client: jwksRsa.JwksClient;
  private readonly refreshMs: number;
  private readonly cooldownMs: number;
  private readonly nowMs: () => number;
  private keys?: ReadonlyMap<string, KeyObject>;
  private pems = new Map<string, string>();
  private fetchedAtMs = -Infinity;
  private attemptedAtMs = -Infinity;
  private fetching?: Promise<void>;

  constructor(private readonly options: JwksOptions) {
    // jwks-rsa's own cache and rate limit work per kid; this class keeps the set and the budget.
    this.client = jwksRsa({ jwksUri: options.jwksUri, cache: false, rateLimit: false, timeout: options.timeoutMs ?? 5000 });
    this.refreshMs = (options.refreshSeconds ?? 600) * 1000;
    this.cooldownMs = (options.refetchCooldownSeconds ?? 30) * 1000;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Fetches the key set now (at start), so that the first tokens are checked without waiting. */
  async prefetch(): Promise<void> {
    await this.fetch();
  }

  async keyFor(header: TokenHeader): Promise<KeyObject> {
    if (header.alg !== 'RS256') throw new UnauthenticatedError('Unauthorized: only RS256 tokens are accepted.');
    if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 256) {
      throw new UnauthenticatedError('Unauthorized: the token names no signing key (kid).');
    }
    const now = this.nowMs();
    const sinceAttempt = now - this.attemptedAtMs;
    // A set older than the refresh interval is fetched again before it is trusted (after a failed
    // attempt, not again within the cooldown); one that lacks this kid is fetched again when the
    // cooldown since the last attempt allows. A fetch under way is waited for, whoever started it.
    const stale = now - this.fetchedAtMs >= this.refreshMs && sinceAttempt >= Math.min(this.refreshMs, this.cooldownMs);
    const unknown = !this.keys?.has(header.kid) && sinceAttempt >= this.cooldownMs;
    if (stale || unknown || this.fetching) await this.fetch().catch(() => undefined);
    if (!this.keys) throw new IdentityUnavailableError('The identity provider cannot be reached to check the token; retry later.');
    const key = this.keys.get(header.kid);
    if (!key) throw new UnauthenticatedError('Unauthorized: the token was signed by an unknown key.');
    return key;
  }

  /** One fetch at a time, shared by every caller that asks while it runs. */
  private fetch(): Promise<void> {
    this.fetching ??= this.fetchOnce().finally(() => {
      this.fetching = undefined;
    });
    return this.fetching;
  }

  private async fetchOnce(): Promise<void> {
    this.attemptedAtMs = this.nowMs();
    try {
      const signingKeys = await this.client.getSigningKeys();
      const keys = new Map<string, KeyObject>();
      const pems = new Map<string, string>();
      for (const signingKey of signingKeys.slice(0, 64)) {
        if (!signingKey.kid) continue;
        const pem = signingKey.getPublicKey();
        // An unchanged key keeps its KeyObject, so what was verified with it stays valid (see the port).
        const same = this.pems.get(signingKey.kid) === pem ? this.keys?.get(signingKey.kid) : undefined;
        keys.set(signingKey.kid, same ?? createPublicKey(pem));
        pems.set(signingKey.kid, pem);
      }
      this.keys = keys;
      this.pems = pems;
      this.fetchedAtMs = this.nowMs();
    } catch (error) {
      this.options.onFetchError?.(error);
      throw error;
    }
  }
}
