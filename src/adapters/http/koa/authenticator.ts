import type { Next } from 'koa';
import type koaJwt from 'koa-jwt';
import type { IdentityResolver } from '../../../application/ports/identity-resolver.port.js';
import type { TokenKeys } from '../../../application/ports/token-keys.port.js';
import type { Actor } from '../../../domain/actor.js';
import { UnauthenticatedError } from '../../../domain/errors.js';
import type { AuthMode } from '../route.js';
import { tokenKid, VerifiedTokenCache } from '../verified-token-cache.js';
import type { CalendarContext } from './context.js';

const ANONYMOUS: Actor = { kind: 'anonymous' };

export interface AuthenticatorOptions {
  readonly tokenKeys: TokenKeys;
  readonly identity: IdentityResolver;
  /** Expected `aud` and `iss` of access tokens. */
  readonly audience: string;
  readonly issuer: string;
  readonly clockToleranceSeconds: number;
  /** CONTRACT.md's compatibility switch: anonymous project linking. */
  readonly allowAnonymousProjectLinks: boolean;
}

/** Middleware per auth mode; see AuthMode. A bad credential is never downgraded to anonymous. */
export function authenticator(options: AuthenticatorOptions): (mode: AuthMode) => (ctx: CalendarContext, next: Next) => Promise<void> {
  // koa-jwt (and jsonwebtoken under it) is loaded by the first request that needs it, not at start:
  // on Lambda, start-up is paid by the first request, which is often a read.
  let verifier: Promise<koaJwt.Middleware> | undefined;
  const verifyJwt = async (ctx: CalendarContext): Promise<void> => {
    verifier ??= import('koa-jwt').then(({ default: koaJwtMiddleware }) => koaJwtMiddleware({
      secret: (header: { kid?: string; alg?: string }) => options.tokenKeys.keyFor(header),
      algorithms: ['RS256'],
      audience: options.audience,
      issuer: options.issuer,
      clockTolerance: options.clockToleranceSeconds,
      key: 'claims',
      tokenKey: 'token',
    } as koaJwt.Options));
    await (await verifier)(ctx, async () => undefined);
  };

  const verified = new VerifiedTokenCache();
  /** A cached verification counts only while the key that made it is still the current one. */
  const fromCache = async (token: string): Promise<Record<string, unknown> | undefined> => {
    const hit = verified.get(token);
    if (!hit) return undefined;
    const current = await options.tokenKeys.keyFor({ alg: 'RS256', ...(hit.kid === undefined ? {} : { kid: hit.kid }) }).catch(() => undefined);
    if (current === hit.key) return hit.claims;
    verified.delete(token);
    return undefined;
  };
  const user = async (ctx: CalendarContext, next: Next): Promise<void> => {
    const header = ctx.get('authorization');
    if (!header) {
      throw new UnauthenticatedError('Unauthorized: this route needs an "Authorization: Bearer <access token>" header.');
    }
    // The same scheme koa-jwt accepts; anything else goes to koa-jwt for its refusal.
    const [scheme, token, ...rest] = header.split(' ');
    const claims = token && rest.length === 0 && /^Bearer$/i.test(scheme ?? '') ? await fromCache(token) : undefined;
    if (claims && token) {
      ctx.state.claims = claims;
      ctx.state.token = token;
    } else {
      await verifyJwt(ctx);
      const { token: verifiedToken, claims: verifiedClaims } = ctx.state;
      if (verifiedToken && verifiedClaims) {
        const kid = tokenKid(verifiedToken);
        const key = await options.tokenKeys.keyFor({ alg: 'RS256', ...(kid === undefined ? {} : { kid }) });
        verified.set(verifiedToken, { claims: verifiedClaims, kid, key });
      }
    }
    ctx.state.actor = await options.identity.userFromClaims(ctx.state.claims ?? {}, ctx.state.token ?? '');
    await next();
  };

  const link = async (ctx: CalendarContext, next: Next): Promise<void> => {
    if (ctx.get('authorization')) return user(ctx, next);
    const apiKey = ctx.get('x-api-key');
    if (apiKey) {
      const service = await options.identity.serviceFromKey(apiKey);
      if (!service) throw new UnauthenticatedError('Unauthorized: the service key (X-Api-Key) is not valid.');
      ctx.state.actor = service;
      return next();
    }
    if (options.allowAnonymousProjectLinks) {
      ctx.state.actor = ANONYMOUS;
      return next();
    }
    throw new UnauthenticatedError('Unauthorized: this route needs an access token or a service key (X-Api-Key).');
  };

  const none = async (_ctx: CalendarContext, next: Next): Promise<void> => next();
  return (mode) => (mode === 'user' ? user : mode === 'link' ? link : none);
}
