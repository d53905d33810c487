import type Koa from 'koa';
import { IdentityResolverToken } from '../application/ports/identity-resolver.port.js';
import { TokenKeysToken } from '../application/ports/token-keys.port.js';
import { buildKoaApp } from '../adapters/http/koa/app.js';
import { PrometheusMetrics } from '../adapters/http/prometheus-metrics.js';
import { MetricsToken } from '../application/ports/metrics.port.js';
import { buildRoutes } from '../adapters/http/routes.js';
import { ConfigToken, resolve, type AppContainer } from './container.js';
import { serviceVersion } from './version.js';

/** The Koa application of the calendar API, wired from the container. */
export function createHttpApp({ container, logger, useCases, checkStore }: AppContainer): Koa {
  const config = resolve(container, ConfigToken);
  const metrics = resolve(container, MetricsToken);
  const routes = buildRoutes(useCases);
  return buildKoaApp({
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
    bodyTimeoutSeconds: config.bodyTimeoutSeconds,
    bodyMinBytesPerSecond: config.bodyMinBytesPerSecond,
    logger,
    readinessCheck: checkStore,
    ...(metrics instanceof PrometheusMetrics ? { metrics } : {}),
    metricsAccess: config.metrics,
    about: {
      service: 'photonranch-calendar',
      description: 'Telescope reservation calendar of Photon Ranch: POST the routes below with JSON bodies.',
      version: serviceVersion(),
      storage: config.storage,
      auth: config.auth.mode,
      reference: 'README.md of the source repository, section "Routes": each route, its body and its answers',
    },
  });
}
