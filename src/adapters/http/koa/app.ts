import Router from '@koa/router';
import { randomUUID } from 'node:crypto';
import Koa, { type Context, type Next } from 'koa';
import type koaJwt from 'koa-jwt';
import type { Logger } from 'pino';
import { VerifiedTokenCache } from '../verified-token-cache.js';
import { JsonText } from '../../../application/json-text.js';
import type { IdentityResolver } from '../../../application/ports/identity-resolver.port.js';
import type { TokenKeys } from '../../../application/ports/token-keys.port.js';
import type { Actor } from '../../../domain/actor.js';
import { UnauthenticatedError } from '../../../domain/errors.js';
import { CORS_HEADERS } from '../cors.js';
import { errorResponse, HttpProblem } from '../errors.js';
import { BODY_LIMIT_BYTES, parseJsonObject } from '../json-body.js';
import { RateLimiter } from '../rate-limit.js';
import { readBody } from '../read-body.js';
import type { AuthMode, Route } from '../routes.js';

export interface KoaAppOptions {
  readonly routes: readonly Route[];
  readonly tokenKeys: TokenKeys;
  readonly identity: IdentityResolver;
  /** Expected `aud` and `iss` of access tokens. */
  readonly audience: string;
  readonly issuer: string;
  readonly clockToleranceSeconds: number;
  /** CONTRACT.md's compatibility switch: anonymous project linking. */
  readonly allowAnonymousProjectLinks: boolean;
  readonly logger: Logger;
  /** Throws when the service cannot serve (storage unreachable). */
  readonly healthCheck: () => Promise<void>;
  /** Requests a client may make to mutating routes per minute (a burst of as many); 0: no limit. */
  readonly rateLimitPerMinute: number;
  /** Requests handled at once; past it, new ones are shed at once with 503 and Retry-After. */
  readonly maxInFlight: number;
}

const ANONYMOUS: Actor = { kind: 'anonymous' };
const REQUEST_ID = /^[\w.:-]{1,64}$/;

interface CalendarState {
  requestId: string;
  actor?: Actor;
  claims?: Record<string, unknown>;
  token?: string;
}

type CalendarContext = Context & { state: CalendarState };

/** The calendar API as a Koa application; the caller owns the HTTP server around it. */
export function buildKoaApp(options: KoaAppOptions): Koa {
  const { logger } = options;
  const app = new Koa();
  app.silent = true;
  let inFlight = 0;

  app.use(async (ctx: CalendarContext, next: Next) => {
    const started = performance.now();
    const offered = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(offered) ? offered : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set(CORS_HEADERS);
    ctx.set('X-Request-Id', requestId);
    try {
      if (ctx.method === 'OPTIONS') {
        ctx.status = 204;
        return;
      }
      if (inFlight >= options.maxInFlight) {
        throw new HttpProblem(503, 'The calendar is busy; please retry in a moment.', { 'Retry-After': '1' });
      }
      inFlight += 1;
      try {
        await next();
      } finally {
        inFlight -= 1;
      }
      if (ctx.body === undefined || ctx.body === null) {
        if (ctx.status === 405) throw new HttpProblem(405, 'Method not allowed.');
        if (ctx.status === 404) throw new HttpProblem(404, 'Not found.');
      }
    } catch (error) {
      const response = errorResponse(error, requestId);
      ctx.status = response.status;
      ctx.set(response.headers);
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = response.body;
      if (response.unexpected) logger.error({ err: error, requestId }, 'request failed');
    } finally {
      logger.info(
        { requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) },
        'request',
      );
    }
  });

  const authenticate = authenticator(options);
  const limit = rateLimiter(options.rateLimitPerMinute);
  const router = new Router();
  router.get('/healthz', async (ctx) => {
    await options.healthCheck();
    ctx.body = { status: 'ok' };
  });
  for (const route of options.routes) {
    const handler = async (ctx: CalendarContext): Promise<void> => {
      const body = route.hasBody ? await readJsonBody(ctx) : {};
      const params = (ctx as unknown as { params?: Record<string, string> }).params ?? {};
      const result = await route.handle({ body, actor: ctx.state.actor ?? ANONYMOUS, params });
      ctx.type = 'application/json';
      ctx.body = result instanceof JsonText ? result.text : JSON.stringify(result);
    };
    // Routes are written API Gateway style (`/{name}`); Koa's router spells parameters `/:name`.
    const stack = route.mutating ? [authenticate(route.auth), limit, handler] : [authenticate(route.auth), handler];
    router.register(route.path.replace(/\{(\w+)\}/g, ':$1'), [route.method], stack);
  }
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/**
 * The per-client limit on mutating routes, after authentication: a signed-in user or a service is
 * one client wherever it calls from; anyone else is counted by address.
 */
function rateLimiter(perMinute: number): (ctx: CalendarContext, next: Next) => Promise<void> {
  if (perMinute <= 0) return (_ctx, next) => next();
  const limiter = new RateLimiter(perMinute);
  return async (ctx, next) => {
    const actor = ctx.state.actor;
    const client = actor?.kind === 'user' ? `user:${actor.sub}` : actor?.kind === 'service' ? `service:${actor.name}` : `ip:${ctx.ip}`;
    const decision = limiter.take(client);
    if (!decision.allowed) {
      throw new HttpProblem(429, `Too many requests: at most ${perMinute} changes a minute per client; retry in ${decision.retryAfterSeconds} s.`, {
        'Retry-After': String(decision.retryAfterSeconds),
      });
    }
    await next();
  };
}

async function readJsonBody(ctx: Context): Promise<Record<string, unknown>> {
  return parseJsonObject(await readBody(ctx.req, BODY_LIMIT_BYTES));
}

/** Middleware per auth mode; see AuthMode. A bad credential is never downgraded to anonymous. */
function authenticator(options: KoaAppOptions): (mode: AuthMode) => (ctx: CalendarContext, next: Next) => Promise<void> {
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
  const user = async (ctx: CalendarContext, next: Next): Promise<void> => {
    const header = ctx.get('authorization');
    if (!header) {
      throw new UnauthenticatedError('Unauthorized: this route needs an "Authorization: Bearer <access token>" header.');
    }
    // The same scheme koa-jwt accepts; anything else goes to koa-jwt for its refusal.
    const [scheme, token, ...rest] = header.split(' ');
    const claims = token && rest.length === 0 && /^Bearer$/i.test(scheme ?? '') ? verified.get(token) : undefined;
    if (claims && token) {
      ctx.state.claims = claims;
      ctx.state.token = token;
    } else {
      await verifyJwt(ctx);
      if (ctx.state.token && ctx.state.claims) verified.set(ctx.state.token, ctx.state.claims);
    }
    ctx.state.actor = await options.identity.userFromClaims(ctx.state.claims ?? {}, ctx.state.token ?? '');
    await next();
  };

  const link = async (ctx: CalendarContext, next: Next): Promise<void> => {
    if (ctx.get('authorization')) return user(ctx, next);
    const apiKey = ctx.get('x-api-key');
    if (apiKey) {
      const service = options.identity.serviceFromKey(apiKey);
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
