import type Koa from 'koa';
import { IdentityResolverToken } from '../application/ports/identity-resolver.port.js';
import { TokenKeysToken } from '../application/ports/token-keys.port.js';
import { buildKoaApp } from '../adapters/http/koa/app.js';
import { buildRoutes } from '../adapters/http/routes.js';
import { ConfigToken, resolve, type AppContainer } from './container.js';

/** The Koa application of the calendar API, wired from the container. */
export function createHttpApp({ container, logger, useCases, checkStore }: AppContainer): Koa {
  const config = resolve(container, ConfigToken);
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
  });
}
