import Router from '@koa/router';
import Koa, { type Next } from 'koa';
import type { Logger } from 'pino';
import { JsonText } from '../../../application/json-text.js';
import { DomainError } from '../../../domain/errors.js';
import { RESPONSE_HEADERS, SAME_ORIGIN_RESPONSE_HEADERS } from '../cors.js';
import { errorResponse, HttpProblem } from '../errors.js';
import { BODY_CAP_BYTES, parseJsonObject } from '../json-body.js';
import type { HttpMetrics } from '../prometheus-metrics.js';
import { readBody } from '../read-body.js';
import type { AnonymousRoute, Route } from '../route.js';
import { RawAnswer } from '../raw-answer.js';
import type { ReadCache } from '../read-cache.js';
import { loggedPath, REQUEST_ID, requestIds } from './access-log.js';
import { authenticator, type AuthenticatorOptions } from './authenticator.js';
import type { CalendarContext } from './context.js';
import { isMetricsPath, METRICS_PATH, metricsHandler, type MetricsAccess } from './metrics-route.js';
import { SERVICE_OPERATIONS } from '../openapi.js';
import { registerDocs, type DocsOptions } from './docs-route.js';
import { DEV_TOKEN_PATH, isDevTokenPath, registerDevToken, type LocalTokenMinter } from './dev-token-route.js';
import { registerPage, type PageSettings } from './page-route.js';
import { rateLimiter } from './rate-limiter.js';
import { inFlightSlots } from './slots.js';

export interface KoaAppOptions extends AuthenticatorOptions {
  readonly routes: readonly Route[];
  readonly logger: Logger;
  /** Request, shed, rate-limit and store-error figures, and GET /metrics; none when undefined. */
  readonly metrics?: HttpMetrics;
  /** Who may read GET /metrics (see MetricsAccess). */
  readonly metricsAccess?: MetricsAccess;
  /** What GET /about tells a visitor about this deployment (service, version, storage, ...). */
  readonly about: Readonly<Record<string, unknown>>;
  /** GET /: the calendar page, told how its users sign in. */
  readonly page: PageSettings;
  /** Where the built page is (page-route.ts finds it when undefined). */
  readonly pageFolder?: string;
  /** Local auth mode only: POST /dev/token, the page's "sign in as" (dev-token-route.ts). */
  readonly localSignIn?: LocalTokenMinter;
  /** GET /openapi.json: the API's description (openapi.ts). */
  readonly openApi: Readonly<Record<string, unknown>>;
  /** GET /docs: the interactive reference over it. */
  readonly docs: DocsOptions;
  /** Answers of the pure read routes kept until the store changes; none when undefined. */
  readonly readCache?: ReadCache;
  /** Readiness: throws when the service cannot serve (storage unreachable). */
  readonly readinessCheck: () => Promise<void>;
  /** Requests a client may make to the changing routes per minute (a burst of as many); 0: no rate limit. */
  readonly rateLimitPerMinute: number;
  /** Import triggers a client may send per minute (a burst of as many); 0: no rate limit. */
  readonly importTriggersPerMinute: number;
  /** Requests handled at once; past it, new ones are shed at once with 503 and Retry-After. */
  readonly maxInFlight: number;
  /**
   * Requests waiting on one other service (Route.readsThrough) at once, counted apart from
   * maxInFlight: a slow or hung service never holds the slots the rest of the API needs (16 when undefined).
   */
  readonly maxUpstreamInFlight?: number;
  /** A request body must arrive within this, and (after 2 s) at this rate at least. */
  readonly bodyTimeoutSeconds: number;
  readonly bodyMinBytesPerSecond: number;
}

/** The calendar API as a Koa application; the caller owns the HTTP server around it. */
export function buildKoaApp(options: KoaAppOptions): Koa {
  const { logger } = options;
  // The access line holds no header or body, so it skips the redaction of credential headers
  // (bootstrap/logger.ts): with its 16 paths (12 of them wildcards), pino took 30 µs a line instead of 5.
  const accessLog = logger.child({}, { redact: [] });
  const nextRequestId = requestIds();
  const app = new Koa();
  app.silent = true;

  const slots = inFlightSlots(options.maxInFlight, options.maxUpstreamInFlight);
  // "Sign in as" answers its own page only, and /metrics scrapers: no CORS on them, their preflights
  // included (dev-token-route.ts, metrics-route.ts).
  const sameOriginOnly = (path: string): boolean => isMetricsPath(path) || (options.localSignIn !== undefined && isDevTokenPath(path));

  app.use(async (ctx: CalendarContext, next: Next) => {
    const started = performance.now();
    const offered = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(offered) ? offered : nextRequestId();
    ctx.state.requestId = requestId;
    ctx.set(sameOriginOnly(ctx.path) ? SAME_ORIGIN_RESPONSE_HEADERS : RESPONSE_HEADERS);
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
      if (response.unexpected) options.metrics?.storeError('unexpected');
      else if ((error as { code?: unknown }).code === 'STORE_UNAVAILABLE') options.metrics?.storeError('STORE_UNAVAILABLE');
      ctx.status = response.status;
      ctx.set(response.headers);
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = response.body;
      if (response.unexpected) logger.error({ err: error, requestId }, 'request failed');
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const matchedRoute = (ctx as { _matchedRoute?: string })._matchedRoute;
      // The route's pattern, never the path itself: a stranger's random paths must not grow the series.
      options.metrics?.requestFinished(ctx.method, matchedRoute ?? 'unmatched', ctx.status, seconds);
      if (ctx.state.shed) options.metrics?.shed();
      const line = { requestId, method: ctx.method, path: loggedPath(ctx.path, matchedRoute), status: ctx.status, ms: Math.round(seconds * 1000) };
      // A shed request is expected under load: one short warning line with the running count, no stack.
      if (ctx.state.shed) accessLog.warn({ ...line, shedTotal: slots.shedTotal }, 'request shed');
      else accessLog.info(line, 'request');
    }
  });

  const bodyLimits = {
    maxBytes: BODY_CAP_BYTES, deadlineMs: options.bodyTimeoutSeconds * 1000, minBytesPerSecond: options.bodyMinBytesPerSecond,
  };
  const body = async (ctx: CalendarContext, next: Next): Promise<void> => {
    const text = await readBody(ctx.req, bodyLimits);
    ctx.state.body = parseJsonObject(text);
    ctx.state.bodyText = text;
    await next();
  };

  const authenticate = authenticator(options);
  const limits = {
    changes: rateLimiter(options.rateLimitPerMinute, 'changes', options.metrics),
    imports: rateLimiter(options.importTriggersPerMinute, 'import triggers', options.metrics),
  };
  const router = new Router();
  // A visitor (or a script) learns what this is and where to go next; the page's footer links here.
  const index = JSON.stringify({
    ...options.about,
    calendar: '/',
    health: '/healthz',
    readiness: '/readyz',
    openapi: '/openapi.json',
    docs: '/docs',
    routes: [
      ...options.routes.map((r) => `${r.method} ${r.path}`), ...SERVICE_OPERATIONS.map((op) => `GET ${op.path}`),
      ...(options.localSignIn ? [`POST ${DEV_TOKEN_PATH}`] : []),
    ],
  });
  const openApi = JSON.stringify(options.openApi);
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = openApi;
  });
  registerDocs(router, options.docs);
  router.get(METRICS_PATH, metricsHandler(options.metrics, options.metricsAccess ?? 'local'));
  router.get('/about', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = index;
  });
  registerPage(router, options.page, options.pageFolder);
  if (options.localSignIn) registerDevToken(router, options.localSignIn, body);
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
  const { readCache } = options;
  /**
   * The read cache, right after the body: a kept answer is sent without taking a slot or passing
   * through the rest of the stack (it costs no more than reading the body did). The body as sent is
   * the key: the same text always parses to the same request.
   */
  const cached = (route: AnonymousRoute, cache: ReadCache, cacheable: NonNullable<AnonymousRoute['cacheable']>) => async (ctx: CalendarContext, next: Next): Promise<void> => {
    if (!cacheable(ctx.state.body ?? {})) return next();
    const key = `${route.path}\n${ctx.state.bodyText ?? ''}`;
    const kept = cache.get(key);
    options.metrics?.readCache(kept.answer !== undefined);
    if (kept.answer !== undefined) {
      ctx.type = 'application/json';
      ctx.body = kept.answer;
      return;
    }
    await next();
    if (ctx.status === 200 && typeof ctx.body === 'string') {
      // Encoded once, here, instead of by Koa as it sends the text: the same bytes go out and are kept.
      const encoded = Buffer.from(ctx.body);
      ctx.body = encoded;
      cache.set(key, encoded, kept.version);
    }
  };
  for (const route of options.routes) {
    // The types allow no other (SignedInRoute); this stops a route that got past them by a cast.
    if (route.auth !== 'none' && (route.cacheable || route.doc.cached)) {
      throw new Error(`${route.method} ${route.path} needs a token (auth ${route.auth}), so its answer cannot be cached`);
    }
    const handler = async (ctx: CalendarContext): Promise<void> => {
      const params = (ctx as unknown as { params?: Record<string, string> }).params ?? {};
      const ifMatch = ctx.get('if-match');
      const ifNoneMatch = ctx.get('if-none-match');
      const ifModifiedSince = ctx.get('if-modified-since');
      const result = await route.handle({
        body: ctx.state.body ?? {}, actor: ctx.state.actor ?? { kind: 'anonymous' }, params, ...(ifMatch ? { ifMatch } : {}),
        conditions: { ...(ifNoneMatch ? { ifNoneMatch } : {}), ...(ifModifiedSince ? { ifModifiedSince } : {}) },
        origin: `${ctx.protocol}://${ctx.host}`,
      });
      if (result instanceof RawAnswer) {
        ctx.set(result.headers);
        ctx.status = result.status;
        ctx.type = result.contentType;
        // A 304 has no body (Koa sends none for it whatever is set).
        if (result.status !== 304) ctx.body = result.body;
        return;
      }
      const etag = route.etag?.(result);
      if (etag) ctx.set('ETag', etag);
      ctx.type = 'application/json';
      ctx.body = result instanceof JsonText ? result.text : JSON.stringify(result);
    };
    // The body first, then the slot: see inFlightSlots. An import trigger joins the one shared run and
    // waits without working, so it takes no slot; its own per-client rate limit bounds it.
    const stack = [
      ...(route.hasBody ? [body] : []),
      // Before authentication, so for an anonymous route only (see AnonymousRoute).
      ...(readCache && route.auth === 'none' && route.cacheable ? [cached(route, readCache, route.cacheable)] : []),
      ...(route.limit === 'imports' ? [] : [slots.slotFor(route)]),
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

