/**
 * Verification keys for access tokens (Auth0 RS256 JWTs). The key is opaque here: the HTTP edge
 * hands it to the JWT verifier as it is, so it can be parsed once and cached.
 */
export type VerificationKey = object;

export interface TokenHeader {
  readonly kid?: string;
  readonly alg?: string;
}

export interface TokenKeys {
  /** The key for a token with this header. Throws UnauthenticatedError when none fits. */
  keyFor(header: TokenHeader): Promise<VerificationKey>;
}

export const TokenKeysToken = Symbol.for('TokenKeys');
