import type { Actor } from '../../domain/actor.js';
import { token } from '../token.js';

/** Turns verified credentials into the domain's Actor. */
export interface IdentityResolver {
  /**
   * The user behind verified token claims. Roles come from the token's Photon Ranch claim, or from
   * the identity provider's userinfo endpoint when the token lacks it.
   */
  userFromClaims(claims: Readonly<Record<string, unknown>>, rawToken: string): Promise<Actor>;

  /** The trusted backend holding this service key, or undefined when the key is not valid. */
  serviceFromKey(apiKey: string): Promise<Actor | undefined>;
}

export const IdentityResolverToken = token<IdentityResolver>('IdentityResolver');
