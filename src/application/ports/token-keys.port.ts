import { token } from '../token.js';
/**
 * Verification keys for access tokens (RS256 JWTs: the identity provider's, or local mode's own). The key is opaque here: the HTTP edge
 * hands it to the JWT verifier as it is, so it can be parsed once and cached.
 */
export type VerificationKey = object;

export interface TokenHeader {
  readonly kid?: string;
  readonly alg?: string;
}

export interface TokenKeys {
  /**
   * The key for a token with this header. Throws UnauthenticatedError when none fits. The same key
   * object is returned for as long as the key is trusted, so a caller may cache what it verified
   * with it and check it is still the current key.
   */
  keyFor(header: TokenHeader): Promise<VerificationKey>;
  /** Loads the keys ahead of the first token (at start), where the source is remote. */
  prefetch?(): Promise<void>;
}

export const TokenKeysToken = token<TokenKeys>('TokenKeys');
