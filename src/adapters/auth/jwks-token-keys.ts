import { createPublicKey, type KeyObject } from 'node:crypto';
import jwksRsa from 'jwks-rsa';
import type { TokenHeader, TokenKeys } from '../../application/ports/token-keys.port.js';
import { IdentityUnavailableError, UnauthenticatedError } from '../../domain/errors.js';

export interface JwksOptions {
  readonly jwksUri: string;
  /** JWKS fetches allowed per minute, whatever tokens arrive (unknown kids cause refetches). */
  readonly requestsPerMinute?: number;
  readonly timeoutMs?: number;
}

/**
 * Keys from the identity provider's JWKS endpoint (Auth0), fetched by jwks-rsa with its cache and
 * rate limit, and kept here as parsed KeyObjects per `kid`: a known key is never re-fetched or
 * re-parsed per request.
 */
export class JwksTokenKeys implements TokenKeys {
  private readonly client: jwksRsa.JwksClient;
  private readonly keys = new Map<string, KeyObject>();
  private readonly pending = new Map<string, Promise<KeyObject>>();

  constructor(options: JwksOptions) {
    this.client = jwksRsa({
      jwksUri: options.jwksUri,
      cache: true,
      cacheMaxEntries: 16,
      cacheMaxAge: 10 * 60 * 60 * 1000,
      rateLimit: true,
      jwksRequestsPerMinute: options.requestsPerMinute ?? 10,
      timeout: options.timeoutMs ?? 5000,
    });
  }

  async keyFor(header: TokenHeader): Promise<KeyObject> {
    if (header.alg !== 'RS256') throw new UnauthenticatedError('Unauthorized: only RS256 tokens are accepted.');
    if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 256) {
      throw new UnauthenticatedError('Unauthorized: the token names no signing key (kid).');
    }
    const kid = header.kid;
    const known = this.keys.get(kid);
    if (known) return known;
    let inFlight = this.pending.get(kid);
    if (!inFlight) {
      inFlight = this.fetch(kid).finally(() => this.pending.delete(kid));
      this.pending.set(kid, inFlight);
    }
    return inFlight;
  }

  private async fetch(kid: string): Promise<KeyObject> {
    try {
      const signingKey = await this.client.getSigningKey(kid);
      const key = createPublicKey(signingKey.getPublicKey());
      if (this.keys.size >= 64) this.keys.clear();
      this.keys.set(kid, key);
      return key;
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'SigningKeyNotFoundError' || name === 'JwksRateLimitError') {
        throw new UnauthenticatedError('Unauthorized: the token was signed by an unknown key.');
      }
      throw new IdentityUnavailableError('The identity provider cannot be reached to check the token; retry later.');
    }
  }
}
