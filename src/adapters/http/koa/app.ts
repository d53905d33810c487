import Router from '@koa/router';
import { randomUUID } from 'node:crypto';
import Koa, { type Context, type Next } from 'koa';
import type koaJwt from 'koa-jwt';
import type { Logger } from 'pino';
import { tokenKid, VerifiedTokenCache } from '../verified-token-cache.js';
import { JsonText } from '../../../application/json-text.js';
import type { IdentityResolver } from '../../../application/ports/identity-resolver.port.js';
import type { TokenKeys } from '../../../application/ports/token-keys.port.js';
import type { Actor } from '../../../domain/actor.js';
import { DomainError, UnauthenticatedError } from '../../../domain/errors.js';
import { RESPONSE_HEADERS } from '../cors.js';
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
  /** What GET / tells a visitor about this deployment (service, version, storage, ...). */
  readonly about: Readonly<Record<string, unknown>>;
  /** Readiness: throws when the service cannot serve (storage unreachable). */
  readonly readinessCheck: () => Promise<void>;
  /** Requests a client may make to the changing routes per minute (a burst of as many); 0: no limit. */
  readonly rateLimitPerMinute: number;
  /** Import triggers a client may send per minute (a burst of as many); 0: no limit. */
  readonly importTriggersPerMinute: number;
  /** Requests handled at once; past it, new ones are shed at once with 503 and Retry-After. */
  readonly maxInFlight: number;
  /** A request body must arrive within this, and (after 2 s) at this rate at least. */
  readonly bodyTimeoutSeconds: number;
  readonly bodyMinBytesPerSecond: number;
}

const ANONYMOUS: Actor = { kind: 'anonymous' };
const REQUEST_ID = /^[\w.:-]{1,64}$/;

interface CalendarState {
  requestId: string;
  body?: Record<string, unknown>;
  /** Set when the in-flight limit turned the request away. */
  shed?: boolean;
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

  let shedTotal = 0;

  app.use(async (ctx: CalendarContext, next: Next) => {
    const started = performance.now();
    const offered = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(offered) ? offered : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set(RESPONSE_HEADERS);
    ctx.set('X-Request-Id', requestId);
    try {
      if (ctx.method === 'OPTIONS') {
        ctx.status = 204;
        return;
      }
      await next();
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
      const line = { requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) };
      // A shed request is expected under load: one short warning line with the running count, no stack.
      if (ctx.state.shed) logger.warn({ ...line, shedTotal }, 'request shed');
      else logger.info(line, 'request');
    }
  });

  /**
   * The in-flight limit, taken only once a request's body is in: a client trickling its body holds
   * a connection (capped per address by the server) but never a handler slot.
   */
  let inFlight = 0;
  const slot = async (ctx: CalendarContext, next: Next): Promise<void> => {
    if (inFlight >= options.maxInFlight) {
      shedTotal += 1;
      ctx.state.shed = true;
      throw new HttpProblem(503, 'The calendar is busy; please retry in a moment.', { 'Retry-After': '1' });
    }
    inFlight += 1;
    try {
      await next();
    } finally {
      inFlight -= 1;
    }
  };

  const bodyLimits = {
    maxBytes: BODY_LIMIT_BYTES, deadlineMs: options.bodyTimeoutSeconds * 1000, minBytesPerSecond: options.bodyMinBytesPerSecond,
  };
  const body = async (ctx: CalendarContext, next: Next): Promise<void> => {
    ctx.state.body = parseJsonObject(await readBody(ctx.req, bodyLimits));
    await next();
  };

  const authenticate = authenticator(options);
  const limits = {
    changes: rateLimiter(options.rateLimitPerMinute, 'changes'),
    imports: rateLimiter(options.importTriggersPerMinute, 'import triggers'),
  };
  const router = new Router();
  // A visitor (or a script) at the root learns what this is and where to go next.
  const index = JSON.stringify({
    ...options.about,
    health: '/healthz',
    readiness: '/readyz',
    routes: [...options.routes.map((r) => `${r.method} ${r.path}`), 'GET /healthz', 'GET /readyz'],
  });
  router.get('/', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = index;
  });
  // Liveness: the process answers. A probe that restarts the process must not ask the store, or a
  // database outage would restart every instance while it lasts.
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  // Readiness: the store answers a real query; a load balancer stops sending traffic while it does not.
  router.get('/readyz', async (ctx) => {
    try {
      await options.readinessCheck();
    } catch (error) {
      const reason = error instanceof DomainError ? error.message : 'the store could not be queried';
      if (!(error instanceof DomainError)) options.logger.error({ err: error }, 'readiness check failed');
      throw new HttpProblem(503, `Not ready: ${reason}`, { 'Retry-After': '5' });
    }
    ctx.body = { status: 'ready' };
  });
  for (const route of options.routes) {
    const handler = async (ctx: CalendarContext): Promise<void> => {
      const params = (ctx as unknown as { params?: Record<string, string> }).params ?? {};
      const result = await route.handle({ body: ctx.state.body ?? {}, actor: ctx.state.actor ?? ANONYMOUS, params });
      ctx.type = 'application/json';
      ctx.body = result instanceof JsonText ? result.text : JSON.stringify(result);
    };
    // The body first, then the slot: see `slot`. An import trigger joins the one shared run and
    // waits without working, so it takes no slot; its own per-client limit bounds it.
    const stack = [
      ...(route.hasBody ? [body] : []),
      ...(route.limit === 'imports' ? [] : [slot]),
      authenticate(route.auth),
      ...(route.limit ? [limits[route.limit]] : []),
      handler,
    ];
    // Routes are written API Gateway style (`/{name}`); Koa's router spells parameters `/:name`.
    router.register(route.path.replace(/\{(\w+)\}/g, ':$1'), [route.method], stack);
  }
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/**
 * A per-client limit, after authentication: a signed-in user or a service is one client wherever it
 * calls from; anyone else is counted by address.
 */
function rateLimiter(perMinute: number, what: string): (ctx: CalendarContext, next: Next) => Promise<void> {
  if (perMinute <= 0) return (_ctx, next) => next();
  const limiter = new RateLimiter(perMinute);
  return async (ctx, next) => {
    const actor = ctx.state.actor;
    const client = actor?.kind === 'user' ? `user:${actor.sub}` : actor?.kind === 'service' ? `service:${actor.name}` : `ip:${ctx.ip}`;
    const decision = limiter.take(client);
    if (!decision.allowed) {
      throw new HttpProblem(429, `Too many requests: at most ${perMinute} ${what} a minute per client; retry in ${decision.retryAfterSeconds} s.`, {
        'Retry-After': String(decision.retryAfterSeconds),
      });
    }
    await next();
  };
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
