/**
 * One container module per adapter family; buildContainer (container.ts) loads one of each family,
 * as the configuration chooses. Each binds the ports of its family to factories of the tokens they
 * need, built once (singleton scope) when first resolved. Heavy adapters (got, jwks-rsa) are
 * imported on first use (lazy-adapters.ts), and the SSM adapters load their SDK on first use too.
 */
import { ContainerModule } from 'inversify';
import type { Logger } from 'pino';
import { ClockToken, type Clock } from '../application/ports/clock.port.js';
import { LcoClientToken, ReadThroughLcoClientToken, type LcoClient } from '../application/ports/lco-client.port.js';
import { MetricsToken, NO_METRICS } from '../application/ports/metrics.port.js';
import { ProjectsGatewayToken, ReadThroughProjectsGatewayToken, type ProjectsGateway } from '../application/ports/projects-gateway.port.js';
import { EventJournalToken } from '../application/ports/event-journal.port.js';
import { ReservationQueriesToken } from '../application/ports/reservation-queries.port.js';
import { ReservationStoreToken } from '../application/ports/reservation-store.port.js';
import { SiteRegistryToken } from '../application/ports/site-registry.port.js';
import { ScheduleTrackingStoreToken } from '../application/ports/schedule-tracking-store.port.js';
import { SiteProxySecretsToken } from '../application/ports/site-proxy-secrets.port.js';
import { StoreVersionToken } from '../application/ports/store-version.port.js';
import { TokenKeysToken } from '../application/ports/token-keys.port.js';
import { FeedCursorCodecToken } from '../application/ports/feed-cursors.port.js';
import { FeedKeyStoreToken } from '../application/ports/feed-keys.port.js';
import { GuardedLcoClient, GuardedProjectsGateway, type ReadThroughSettings } from '../application/upstream-guard.js';
import type { AuthSource } from './config.js';
import { loadOrCreateLocalKeyPair } from '../adapters/auth/local-signing-key.js';
import type { ServiceKeySource } from '../adapters/auth/service-keys.js';
import { SsmServiceApiKeys } from '../adapters/auth/ssm-service-api-keys.js';
import { publicKeyFromPem, StaticTokenKeys } from '../adapters/auth/static-token-keys.js';
import { PrometheusMetrics } from '../adapters/http/prometheus-metrics.js';
import { ReadCache } from '../adapters/http/read-cache.js';
import { AesGcmFeedCursorCodec } from '../adapters/secrets/aes-gcm-feed-cursor-codec.js';
import { EnvSiteProxySecrets } from '../adapters/secrets/env-site-proxy-secrets.js';
import { SsmSiteProxySecrets } from '../adapters/secrets/ssm-site-proxy-secrets.js';
import { ConfigToken, LoggerToken, ReadCacheToken, ServiceApiKeysToken, typedModule } from './tokens.js';
import type { AppConfig } from './config.js';
import { LazyLcoClient, LazyProjectsGateway, LazyTokenKeys } from './lazy-adapters.js';
import type { Storage } from './storage.js';

const fromConfig = [ConfigToken, LoggerToken] as const;

/**
 * The stores of the storage openStorage opened (SQLite, DynamoDB or memory: storage.ts chooses, for
 * the command-line tools too), and the read cache, which is kept only where the store tells its
 * version exactly (Storage.storeVersion) and READ_CACHE_MB is not 0.
 */
export const storageModule = (storage: Storage): ContainerModule => typedModule((bind) => {
  // One store, bound under each of its ports: the writes' (the whole store) and the reads', by job.
  bind(ReservationStoreToken).toConstantValue(storage.store);
  bind(ReservationQueriesToken).toConstantValue(storage.store);
  bind(EventJournalToken).toConstantValue(storage.store);
  bind(SiteRegistryToken).toConstantValue(storage.store);
  bind(ScheduleTrackingStoreToken).toConstantValue(storage.tracking);
  bind(FeedKeyStoreToken).toConstantValue(storage.feedKeys);
  bind(FeedCursorCodecToken).toResolvedValue(() => new AesGcmFeedCursorCodec(() => storage.cursorSecret())).inSingletonScope();
  if (storage.storeVersion) bind(StoreVersionToken).toConstantValue(storage.storeVersion);
  bind(ReadCacheToken).toResolvedValue((config: AppConfig) => (storage.storeVersion && config.readCacheMb > 0
    ? new ReadCache(storage.storeVersion, { maxBytes: config.readCacheMb * 1024 * 1024 })
    : undefined), [ConfigToken]).inSingletonScope();
});

/** The keys that verify tokens, by the auth source: a JWKS (fetched on first use), one public key, or the local key pair. */
export function tokenKeys(auth: AuthSource): ContainerModule {
  switch (auth.mode) {
    case 'jwks':
      return typedModule((bind) => {
        bind(TokenKeysToken).toResolvedValue((config: AppConfig, logger: Logger) => {
          const options = {
            jwksUri: auth.jwksUri,
            refreshSeconds: config.jwksRefreshSeconds,
            refetchCooldownSeconds: config.jwksRefetchCooldownSeconds,
            onFetchError: (err: unknown) => logger.warn({ err }, 'JWKS fetch failed'),
          };
          return new LazyTokenKeys(async () => new (await import('../adapters/auth/jwks-token-keys.js')).JwksTokenKeys(options));
        }, [...fromConfig]).inSingletonScope();
      });
    case 'public-key':
      return typedModule((bind) => {
        bind(TokenKeysToken).toResolvedValue(() => new StaticTokenKeys(publicKeyFromPem(auth.publicKeyPem))).inSingletonScope();
      });
    case 'local':
      // The server warns about this mode when it starts (a command such as `npm run import` need not).
      return typedModule((bind) => {
        bind(TokenKeysToken).toResolvedValue(() => new StaticTokenKeys(loadOrCreateLocalKeyPair(auth.keyDir).publicKey)).inSingletonScope();
      });
  }
}

/** The service keys trusted backends send, by SERVICE_API_KEYS_SOURCE. */
export const SERVICE_API_KEYS: { readonly [S in AppConfig['serviceApiKeysSource']]: ContainerModule } = {
  env: typedModule((bind) => {
    bind(ServiceApiKeysToken).toResolvedValue((config: AppConfig) => config.serviceApiKeys, [ConfigToken]).inSingletonScope();
  }),
  ssm: typedModule((bind) => {
    bind(ServiceApiKeysToken).toResolvedValue((config: AppConfig, logger: Logger): ServiceKeySource => new SsmServiceApiKeys({
      parameterName: config.serviceApiKeysParameter,
      source: { region: config.awsRegion },
      onError: (err) => logger.error({ err }, 'service keys could not be read from SSM'),
    }), [...fromConfig]).inSingletonScope();
  }),
};

/** The secrets of the LCO site proxies, by SITE_PROXY_SECRETS_SOURCE. */
export const SITE_PROXY_SECRETS: { readonly [S in AppConfig['siteProxySecretsSource']]: ContainerModule } = {
  env: typedModule((bind) => {
    bind(SiteProxySecretsToken).toResolvedValue((config: AppConfig) => new EnvSiteProxySecrets(config.siteProxySecrets), [ConfigToken]).inSingletonScope();
  }),
  ssm: typedModule((bind) => {
    bind(SiteProxySecretsToken).toResolvedValue((config: AppConfig) => new SsmSiteProxySecrets({ region: config.awsRegion }), [ConfigToken]).inSingletonScope();
  }),
};

const readThrough = (config: AppConfig): ReadThroughSettings => ({ lcoKeepSeconds: config.lcoCacheSeconds, pauseSeconds: config.upstreamPauseSeconds });

// The read-through routes' own clients of LCO and the projects service: guarded (upstream-guard.ts),
// and without retries, so a failing service is known at its first timeout and paused, and a caller
// waits one timeout per page, not three. The import keeps the plain clients, with their retries and
// no breaker: its calls are one run at a time, and a breaker that anonymous callers can trip (with
// windows of their choosing) must not stop the import. The import takes none of the read-through
// routes' slots (UPSTREAM_MAX_IN_FLIGHT), so they cannot starve it.

/** The projects service over HTTP (PROJECTS_API_URL); `retries` of a failed call. */
function httpProjects(config: AppConfig, logger: Logger, retries?: number): ProjectsGateway {
  const options = {
    baseUrl: config.projectsApiUrl!,
    ...(retries === undefined ? {} : { retries }),
    onError: (err: unknown, what: string) => logger.warn({ err, call: what }, 'projects service call failed'),
  };
  return new LazyProjectsGateway(async () => new (await import('../adapters/projects/http-projects-gateway.js')).HttpProjectsGateway(options));
}

/** The projects service: over HTTP when PROJECTS_API_URL is set, else the storage's embedded one. */
export const PROJECTS = {
  http: typedModule((bind) => {
    bind(ProjectsGatewayToken).toResolvedValue((config: AppConfig, logger: Logger) => httpProjects(config, logger), [...fromConfig]).inSingletonScope();
    bind(ReadThroughProjectsGatewayToken).toResolvedValue((config: AppConfig, logger: Logger, clock: Clock) =>
      new GuardedProjectsGateway(httpProjects(config, logger, 0), clock, readThrough(config)), [...fromConfig, ClockToken]).inSingletonScope();
  }),
  embedded: (storage: Storage): ContainerModule => typedModule((bind) => {
    bind(ProjectsGatewayToken).toResolvedValue((config: AppConfig, logger: Logger) => {
      if (config.storage === 'dynamodb') logger.warn('STORAGE=dynamodb without PROJECTS_API_URL: projects are kept in memory only (development)');
      return storage.embeddedProjects;
    }, [...fromConfig]).inSingletonScope();
    bind(ReadThroughProjectsGatewayToken).toConstantValue(storage.embeddedProjects);
  }),
};

/** The LCO site proxies over HTTP (LCO_SITE_PROXY_URL); `retries` of a failed GET. */
function httpLco(config: AppConfig, logger: Logger, retries?: number): LcoClient {
  const options = {
    urlTemplate: config.lcoSiteProxyUrl,
    timeoutMs: config.lcoTimeoutSeconds * 1000,
    ...(retries === undefined ? {} : { retries }),
    onError: (err: unknown, wema: string) => logger.warn({ err, wema }, 'LCO site proxy request failed'),
  };
  return new LazyLcoClient(async () => new (await import('../adapters/lco/http-lco-client.js')).HttpLcoClient(options));
}

/** LCO over HTTP, the only LCO there is (a WEMA without a site-proxy secret is not asked). */
export const HTTP_LCO = typedModule((bind) => {
  bind(LcoClientToken).toResolvedValue((config: AppConfig, logger: Logger) => httpLco(config, logger), [...fromConfig]).inSingletonScope();
  bind(ReadThroughLcoClientToken).toResolvedValue((config: AppConfig, logger: Logger, clock: Clock) =>
    new GuardedLcoClient(httpLco(config, logger, 0), clock, readThrough(config)), [...fromConfig, ClockToken]).inSingletonScope();
});

/** The metrics, by METRICS: Prometheus counters for GET /metrics, or none when it is off. */
export const METRICS = {
  prometheus: typedModule((bind) => {
    bind(MetricsToken).toResolvedValue(() => new PrometheusMetrics()).inSingletonScope();
  }),
  off: typedModule((bind) => {
    bind(MetricsToken).toConstantValue(NO_METRICS);
  }),
};
