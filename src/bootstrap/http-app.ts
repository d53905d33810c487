import type Koa from 'koa';
import { IdentityResolverToken } from '../application/ports/identity-resolver.port.js';
import { TokenKeysToken } from '../application/ports/token-keys.port.js';
import { buildKoaApp } from '../adapters/http/koa/app.js';
import { PrometheusMetrics } from '../adapters/http/prometheus-metrics.js';
import { MetricsToken } from '../application/ports/metrics.port.js';
import { StoreVersionToken, type StoreVersion } from '../application/ports/store-version.port.js';
import { openApiDocument } from '../adapters/http/openapi.js';
import type { Route } from '../adapters/http/route.js';
import { buildRoutes } from '../adapters/http/routes.js';
import { hasRules } from '../domain/fair-share.js';
import type { AppConfig as Config } from './config.js';
import { ConfigToken, ReadCacheToken, resolve, type AppContainer } from './container.js';
import { serviceVersion } from './version.js';
import { loadOrCreateLocalKeyPair } from '../adapters/auth/local-signing-key.js';
import type { LocalTokenMinter } from '../adapters/http/koa/dev-token-route.js';

/** The page's "sign in as", in local auth mode only: tokens as `npm run token` signs them, for 12 hours. */
function localSignIn(config: Config): LocalTokenMinter | undefined {
  if (config.auth.mode !== 'local') return undefined;
  const keyDir = config.auth.keyDir;
  return async ({ name, admin }) => {
    // Loaded on first use: jsonwebtoken is for signing, which a deployment never does.
    const { signLocalToken } = await import('../adapters/auth/local-token.js');
    const expiresInSeconds = 12 * 3600;
    return { token: signLocalToken(loadOrCreateLocalKeyPair(keyDir), { sub: name, name, admin, audience: config.authAudience, expiresInSeconds }), expiresInSeconds };
  };
}

/** How a deployment configured so gets a token, said on /docs and in the document's bearer scheme. */
function tokenHintFor(config: Config): string {
  return config.auth.mode === 'local'
    ? 'This server is in local auth mode: `npm run token -- --sub <you>` in its checkout prints a token.'
    : 'The routes that change the calendar need an Auth0 access token of Photon Ranch (the site sends one for a signed-in user).';
}

/** The OpenAPI document of a deployment configured so (GET /openapi.json, npm run openapi). */
export function describeApi(config: Config, routes: readonly Route[], version = serviceVersion()): { tokenHint: string; document: Record<string, unknown> } {
  const tokenHint = tokenHintFor(config);
  // The document states the running settings (window days, rate limits, ...): AppConfig has them by the names it reads.
  return { tokenHint, document: openApiDocument(routes, { version, anonymousProjectLinks: config.allowAnonymousProjectLinks, tokenHint, settings: config }) };
}

/** The calendar feeds' UID domain: ICAL_DOMAIN, else PUBLIC_URL's host name, else the routes' default (never a request's). */
function icalDomainOf(config: Config): { icalDomain?: string } {
  const domain = config.icalDomain ?? (config.publicUrl ? new URL(config.publicUrl).hostname : undefined);
  return domain ? { icalDomain: domain } : {};
}

/** The Koa application of the calendar API, wired from the container. */
export function createHttpApp({ container, logger, useCases, checkStore }: AppContainer): Koa {
  const config = resolve(container, ConfigToken);
  const metrics = resolve(container, MetricsToken);
  // Bound only where the store tells its version exactly (a SQLite file): the calendar feeds' cache key.
  const storeVersion = container.get<StoreVersion>(StoreVersionToken, { optional: true });
  const readCache = resolve(container, ReadCacheToken);
  const routes = buildRoutes(useCases, {
    ...icalDomainOf(config), ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}), ...(storeVersion ? { storeVersion } : {}),
  });
  const version = serviceVersion();
  const { tokenHint, document: openApi } = describeApi(config, routes, version);
  return buildKoaApp({
    openApi,
    docs: { tokenHint, version },
    routes,
    tokenKeys: resolve(container, TokenKeysToken),
    identity: resolve(container, IdentityResolverToken),
    audience: config.authAudience,
    issuer: config.authIssuer,
    clockToleranceSeconds: config.authClockToleranceSeconds,
    allowAnonymousProjectLinks: config.allowAnonymousProjectLinks,
    rateLimitPerMinute: config.rateLimitPerMinute,
    importTriggersPerMinute: config.importTriggersPerMinute,
    maxInFlight: config.maxInFlight,
    maxUpstreamInFlight: config.upstreamMaxInFlight,
    bodyTimeoutSeconds: config.bodyTimeoutSeconds,
    bodyMinBytesPerSecond: config.bodyMinBytesPerSecond,
    logger,
    readinessCheck: checkStore,
    ...(readCache ? { readCache } : {}),
    ...(metrics instanceof PrometheusMetrics ? { metrics } : {}),
    metricsAccess: config.metrics === 'token' ? { token: config.metricsToken! } : config.metrics,
    page: { oidc: config.uiOidc ?? null, localSignIn: config.auth.mode === 'local', ...(hasRules(config.bookingRules) ? { bookingRules: true } as const : {}) },
    ...(localSignIn(config) ? { localSignIn: localSignIn(config)! } : {}),
    about: {
      service: 'photonranch-calendar',
      description: 'Telescope reservation calendar of Photon Ranch: POST the routes below with JSON bodies.',
      version,
      storage: config.storage,
      auth: config.auth.mode,
      reference: '/docs (the interactive reference) and /openapi.json (OpenAPI 3.1)',
    },
  });
}
