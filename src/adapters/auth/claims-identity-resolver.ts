import { createHash, timingSafeEqual } from 'node:crypto';
import type { IdentityResolver } from '../../application/ports/identity-resolver.port.js';
import { ADMIN_ROLE, type Actor } from '../../domain/actor.js';
import { UnauthenticatedError } from '../../domain/errors.js';
import { ROLES_CLAIM } from './local-signing-key.js';
import type { ServiceKeySource } from './service-keys.js';

interface IdentityOptions {
  /** Auth0 `/userinfo`, asked for roles when a token does not carry the Photon Ranch claim. */
  readonly userinfoUrl?: string;
  /** Keys that trusted backends send as `X-Api-Key`: a fixed list, or a source that fetches them (SSM). */
  readonly serviceApiKeys: readonly string[] | ServiceKeySource;
  readonly userinfoTimeoutMs?: number;
  /** Logs a failed userinfo call (the caller is then treated as having no roles). */
  readonly onUserinfoError?: (error: unknown) => void;
  /** GROUP_CLAIM: the claim naming the caller's group or groups, added to their roles (the booking rules read them). */
  readonly groupClaim?: string;
  /** Compares two SHA-256 digests; crypto.timingSafeEqual unless a test counts the comparisons. */
  readonly compareDigests?: (a: Buffer, b: Buffer) => boolean;
}

const MAX_CACHED_USERINFO = 10_000;

function rolesFrom(metadata: unknown): string[] | undefined {
  if (metadata === null || typeof metadata !== 'object') return undefined;
  const roles = (metadata as Record<string, unknown>).roles;
  return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : undefined;
}

/** A group claim's names: a string or a list of strings, each kept only when it is a short plain name. */
function groupsFrom(value: unknown): string[] {
  const names = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  return names.filter((n): n is string => typeof n === 'string' && n.length > 0 && n.length <= 128).slice(0, 64);
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Actors from verified token claims: the caller is `sub`, an admin when the Photon Ranch roles
 * claim (or, lacking it, the userinfo answer, cached until the token expires) holds "admin".
 * Service keys are compared in constant time against every configured key.
 */
export class ClaimsIdentityResolver implements IdentityResolver {
  private readonly userinfoCache = new Map<string, { roles: string[]; name?: string; expiresAt: number }>();
  /** The digests of the keys, made again only when the source hands over a different set. */
  private digests: { keys: readonly string[]; digests: Buffer[] } = { keys: [], digests: [] };

  constructor(private readonly options: IdentityOptions) {}

  async userFromClaims(claims: Readonly<Record<string, unknown>>, rawToken: string): Promise<Actor> {
    const sub = claims.sub;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256) {
      throw new UnauthenticatedError('Unauthorized: the token has no subject.');
    }
    // The JWT library accepts a token without `exp` forever; an access token must expire.
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) {
      throw new UnauthenticatedError('Unauthorized: the token has no expiry (exp).');
    }
    const tokenRoles = rolesFrom(claims[ROLES_CLAIM]);
    const userinfo = tokenRoles === undefined ? await this.userinfo(rawToken, claims.exp) : undefined;
    const roles = tokenRoles ?? userinfo?.roles ?? [];
    // The display name the event's creator is stored as (domain/actor.ts creatorNameFor): the
    // token's, or else the userinfo answer's when it was asked for the roles anyway.
    const name = typeof claims.name === 'string' ? claims.name : userinfo?.name;
    const groups = this.options.groupClaim ? groupsFrom(claims[this.options.groupClaim]) : [];
    const all = [...new Set([...roles, ...groups])];
    return { kind: 'user', sub, isAdmin: roles.includes(ADMIN_ROLE), ...(all.length > 0 ? { roles: all } : {}), ...(name === undefined ? {} : { name }) };
  }

  async serviceFromKey(apiKey: string): Promise<Actor | undefined> {
    const source = this.options.serviceApiKeys;
    const keys = isKeyList(source) ? source : await source.keys();
    if (this.digests.keys !== keys) this.digests = { keys, digests: keys.map(digest) };
    const presented = digest(apiKey);
    let match = false;
    const equal = this.options.compareDigests ?? timingSafeEqual;
    // Every configured key is compared, each as a fixed-length digest: no early exit on a match, and
    // nothing about how much of a key was right.
    for (const expected of this.digests.digests) match = equal(presented, expected) || match;
    return match ? { kind: 'service', name: 'service-key' } : undefined;
  }

  private async userinfo(rawToken: string, exp: unknown): Promise<{ roles: string[]; name?: string }> {
    const url = this.options.userinfoUrl;
    if (!url) return { roles: [] };
    const now = Date.now();
    const cached = this.userinfoCache.get(rawToken);
    if (cached && cached.expiresAt > now) return cached;
    try {
      // got is loaded on first use: most deployments put the roles in the token and never get here.
      const { default: got } = await import('got');
      const info = await got
        .get(url, {
          headers: { authorization: `Bearer ${rawToken}` },
          timeout: { request: this.options.userinfoTimeoutMs ?? 3000 },
          retry: { limit: 1 },
        })
        .json<Record<string, unknown>>();
      const roles = rolesFrom(info[ROLES_CLAIM]) ?? rolesFrom(info) ?? [];
      const name = typeof info.name === 'string' ? info.name : undefined;
      const expiresAt = typeof exp === 'number' ? exp * 1000 : now + 60_000;
      if (this.userinfoCache.size >= MAX_CACHED_USERINFO) this.evictExpired(now);
      const entry = { roles, ...(name === undefined ? {} : { name }), expiresAt };
      this.userinfoCache.set(rawToken, entry);
      return entry;
    } catch (error) {
      this.options.onUserinfoError?.(error);
      return { roles: [] };
    }
  }

  private evictExpired(now: number): void {
    for (const [token, entry] of this.userinfoCache) if (entry.expiresAt <= now) this.userinfoCache.delete(token);
    if (this.userinfoCache.size >= MAX_CACHED_USERINFO) this.userinfoCache.clear();
  }
}

const isKeyList = (source: readonly string[] | ServiceKeySource): source is readonly string[] => Array.isArray(source);
