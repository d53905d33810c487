/**
 * The composition root: the only place that names concrete adapters. The server, the Lambda
 * handlers and the command-line tools call buildContainer(config) and resolve what they need from it.
 * Everything is a plain class: each is bound here to a factory naming the tokens its constructor
 * takes, and built once (singleton scope) when first resolved.
 */
import { Container, type ServiceIdentifier } from 'inversify';
import type { Logger } from 'pino';
import { ClockToken, type Clock } from '../application/ports/clock.port.js';
import { GuardedLcoClient, GuardedProjectsGateway, type ReadThroughSettings } from '../application/upstream-guard.js';
import { IdentityResolverToken } from '../application/ports/identity-resolver.port.js';
import { LcoClientToken, ReadThroughLcoClientToken, type LcoClient } from '../application/ports/lco-client.port.js';
import { ProjectsGatewayToken, ReadThroughProjectsGatewayToken, type ProjectsGateway } from '../application/ports/projects-gateway.port.js';
import { ReservationStoreToken } from '../application/ports/reservation-store.port.js';
import { ScheduleTrackingStoreToken } from '../application/ports/schedule-tracking-store.port.js';
import { SiteProxySecretsToken } from '../application/ports/site-proxy-secrets.port.js';
import { TokenKeysToken, type TokenKeys } from '../application/ports/token-keys.port.js';
import { CalendarFeedSettingsToken, HistorySettingsToken, ImportSettingsToken, ListLimitsToken, ReservationRulesToken } from '../application/settings.js';
import { MetricsToken, NO_METRICS, type Metrics } from '../application/ports/metrics.port.js';
import { PrometheusMetrics } from '../adapters/http/prometheus-metrics.js';
import { token, type Token } from '../application/token.js';
import { USE_CASES, type UseCaseName, type UseCases } from '../application/use-cases/index.js';
import { ClaimsIdentityResolver } from '../adapters/auth/claims-identity-resolver.js';
import { loadOrCreateLocalKeyPair } from '../adapters/auth/local-signing-key.js';
import { SsmServiceApiKeys } from '../adapters/auth/ssm-service-api-keys.js';
import { publicKeyFromPem, StaticTokenKeys } from '../adapters/auth/static-token-keys.js';
import { SystemClock } from '../adapters/clock/system-clock.js';
import { CryptoFeedKeyCodec } from '../adapters/secrets/crypto-feed-key-codec.js';
import { AesGcmFeedCursorCodec } from '../adapters/secrets/aes-gcm-feed-cursor-codec.js';
import { AstronomyEngineEphemeris } from '../adapters/ephemeris/astronomy-engine-ephemeris.js';
import { EphemerisToken, type Ephemeris } from '../application/ports/ephemeris.port.js';
import { Sky, SkySettingsToken, SkyToken, type SkySettings } from '../application/sky.js';
import { FeedCursorCodecToken } from '../application/ports/feed-cursors.port.js';
import { FeedKeyCodecToken, FeedKeyStoreToken } from '../application/ports/feed-keys.port.js';
import { EnvSiteProxySecrets } from '../adapters/secrets/env-site-proxy-secrets.js';
import { SsmSiteProxySecrets } from '../adapters/secrets/ssm-site-proxy-secrets.js';
import type { AppConfig } from './config.js';
import { LazyLcoClient, LazyProjectsGateway, LazyTokenKeys } from './lazy-adapters.js';
import { createLogger } from './logger.js';
import { openStorage, type Storage } from './storage.js';
import type { StoreVersion } from '../application/ports/store-version.port.js';

export const ConfigToken = token<AppConfig>('AppConfig');
export const LoggerToken = token<Logger>('Logger');
const StorageToken = token<Storage>('Storage');

type Constructor = abstract new (...args: never[]) => unknown;
/** The tokens of a constructor's parameters, in order, each of its parameter's type. */
type TokensOf<P extends readonly unknown[]> = { readonly [I in keyof P]: Token<P[I]> };
type Dependencies<C extends Constructor> = TokensOf<ConstructorParameters<C>>;

/** What each use case's constructor takes. Keyed by USE_CASES: a use case without its wiring does not compile. */
const USE_CASE_DEPENDENCIES: { readonly [K in UseCaseName]: Dependencies<(typeof USE_CASES)[K]> } = {
  createReservation: [ReservationStoreToken, ClockToken, ReservationRulesToken, SkyToken],
  modifyReservation: [ReservationStoreToken, ClockToken, ReservationRulesToken, SkyToken],
  deleteReservation: [ReservationStoreToken, ClockToken],
  eventHistory: [ReservationStoreToken],
  restoreEvent: [ReservationStoreToken, ClockToken],
  listChanges: [ReservationStoreToken, ClockToken, HistorySettingsToken, FeedCursorCodecToken],
  purgeHistory: [ReservationStoreToken, ClockToken, HistorySettingsToken],
  siteCalendarFeed: [ReservationStoreToken, ClockToken, CalendarFeedSettingsToken],
  userCalendarFeed: [ReservationStoreToken, FeedKeyStoreToken, FeedKeyCodecToken, ClockToken, CalendarFeedSettingsToken],
  issueFeedKey: [FeedKeyStoreToken, FeedKeyCodecToken, ClockToken],
  listSites: [ReservationStoreToken, SkyToken],
  availability: [ReservationStoreToken, SkyToken, ListLimitsToken, ClockToken],
  addProject: [ReservationStoreToken, ClockToken],
  removeProject: [ReservationStoreToken, ClockToken],
  listSiteReservations: [ReservationStoreToken, ReadThroughProjectsGatewayToken, ListLimitsToken],
  listUserReservations: [ReservationStoreToken, ListLimitsToken],
  listReservationsAtTime: [ReservationStoreToken, ListLimitsToken],
  isUserScheduled: [ReservationStoreToken],
  doesConflictingReservationExist: [ReservationStoreToken],
  importSchedules: [
    ReservationStoreToken, ProjectsGatewayToken, LcoClientToken, SiteProxySecretsToken, ScheduleTrackingStoreToken, ClockToken,
    ImportSettingsToken, MetricsToken,
  ],
  listSchedulerObservations: [ReadThroughLcoClientToken, SiteProxySecretsToken, ImportSettingsToken, ListLimitsToken],
};

export interface AppContainer {
  readonly container: Container;
  readonly logger: Logger;
  /** Every use case, by name, built on first use. */
  readonly useCases: UseCases;
  /** Readiness: one real query of the store; throws when it cannot answer. */
  checkStore(): Promise<void>;
  /** The store's version, where it can be told exactly (see Storage.version): the read cache's key. */
  readonly storeVersion?: StoreVersion;
  /** Releases what the container opened (the database). */
  close(): void;
}

/** Resolves a token as the type it stands for. */
export function resolve<T>(container: Container, key: Token<T>): T {
  return container.get<T>(key);
}

function tokenKeysFor(config: AppConfig, logger: Logger): TokenKeys {
  switch (config.auth.mode) {
    case 'jwks': {
      const options = {
        jwksUri: config.auth.jwksUri,
        refreshSeconds: config.jwksRefreshSeconds,
        refetchCooldownSeconds: config.jwksRefetchCooldownSeconds,
        onFetchError: (err: unknown) => logger.warn({ err }, 'JWKS fetch failed'),
      };
      return new LazyTokenKeys(async () => new (await import('../adapters/auth/jwks-token-keys.js')).JwksTokenKeys(options));
    }
    case 'public-key':
      return new StaticTokenKeys(publicKeyFromPem(config.auth.publicKeyPem));
    case 'local':
      // The server warns about this mode when it starts (a command such as `npm run import` need not).
      return new StaticTokenKeys(loadOrCreateLocalKeyPair(config.auth.keyDir).publicKey);
  }
}

const readThrough = (config: AppConfig): ReadThroughSettings => ({ lcoKeepSeconds: config.lcoCacheSeconds, pauseSeconds: config.upstreamPauseSeconds });

/** The ports' adapters and the settings, each a factory of the config, the logger and the storage. */
function bindAdapters(container: Container): void {
  const fromConfig = [ConfigToken, LoggerToken] as const;
  container.bind(ClockToken).toResolvedValue(() => new SystemClock()).inSingletonScope();
  container.bind(ReservationStoreToken).toResolvedValue((storage: Storage) => storage.store, [StorageToken]).inSingletonScope();
  container.bind(ScheduleTrackingStoreToken).toResolvedValue((storage: Storage) => storage.tracking, [StorageToken]).inSingletonScope();
  container.bind(FeedKeyStoreToken).toResolvedValue((storage: Storage) => storage.feedKeys, [StorageToken]).inSingletonScope();
  container.bind(FeedKeyCodecToken).toConstantValue(new CryptoFeedKeyCodec());
  container.bind(FeedCursorCodecToken).toResolvedValue((storage: Storage) => new AesGcmFeedCursorCodec(() => storage.cursorSecret()), [StorageToken])
    .inSingletonScope();
  /** The projects service over HTTP; `retries` of a failed call (the read-through route makes none: see below). */
  const httpProjects = (baseUrl: string, logger: Logger, retries?: number): ProjectsGateway =>
    new LazyProjectsGateway(async () => new (await import('../adapters/projects/http-projects-gateway.js')).HttpProjectsGateway({
      baseUrl,
      ...(retries === undefined ? {} : { retries }),
      onError: (err, what) => logger.warn({ err, call: what }, 'projects service call failed'),
    }));
  container.bind(ProjectsGatewayToken).toResolvedValue((config: AppConfig, logger: Logger, storage: Storage) => {
    const baseUrl = config.projectsApiUrl;
    if (!baseUrl) {
      if (config.storage === 'dynamodb') logger.warn('STORAGE=dynamodb without PROJECTS_API_URL: projects are kept in memory only (development)');
      return storage.embeddedProjects;
    }
    return httpProjects(baseUrl, logger);
  }, [...fromConfig, StorageToken]).inSingletonScope();
  // The read-through routes' own clients of LCO and the projects service: guarded (upstream-guard.ts),
  // and without retries, so a failing service is known at its first timeout and paused, and a caller
  // waits one timeout per page, not three. The import keeps the plain clients above and below, with
  // their retries and no breaker: its calls are one run at a time, and a breaker that anonymous
  // callers can trip (with windows of their choosing) must not stop the import. The import takes none
  // of the read-through routes' slots (UPSTREAM_MAX_IN_FLIGHT), so they cannot starve it.
  container.bind(ReadThroughProjectsGatewayToken).toResolvedValue((config: AppConfig, logger: Logger, storage: Storage, clock: Clock) => (
    config.projectsApiUrl ? new GuardedProjectsGateway(httpProjects(config.projectsApiUrl, logger, 0), clock, readThrough(config)) : storage.embeddedProjects
  ), [...fromConfig, StorageToken, ClockToken]).inSingletonScope();
  container.bind(TokenKeysToken).toResolvedValue(tokenKeysFor, [...fromConfig]).inSingletonScope();
  container.bind(IdentityResolverToken).toResolvedValue((config: AppConfig, logger: Logger) => new ClaimsIdentityResolver({
    ...(config.authUserinfoUrl ? { userinfoUrl: config.authUserinfoUrl } : {}),
    serviceApiKeys: config.serviceApiKeysSource === 'ssm'
      ? new SsmServiceApiKeys({
        parameterName: config.serviceApiKeysParameter,
        source: { region: config.awsRegion },
        onError: (err) => logger.error({ err }, 'service keys could not be read from SSM'),
      })
      : config.serviceApiKeys,
    onUserinfoError: (err) => logger.warn({ err }, 'userinfo lookup failed; treating the caller as having no roles'),
  }), [...fromConfig]).inSingletonScope();
  const httpLco = (config: AppConfig, logger: Logger, retries?: number): LcoClient => {
    const options = {
      urlTemplate: config.lcoSiteProxyUrl,
      timeoutMs: config.lcoTimeoutSeconds * 1000,
      ...(retries === undefined ? {} : { retries }),
      onError: (err: unknown, wema: string) => logger.warn({ err, wema }, 'LCO site proxy request failed'),
    };
    return new LazyLcoClient(async () => new (await import('../adapters/lco/http-lco-client.js')).HttpLcoClient(options));
  };
  container.bind(LcoClientToken).toResolvedValue((config: AppConfig, logger: Logger) => httpLco(config, logger), [...fromConfig]).inSingletonScope();
  container.bind(ReadThroughLcoClientToken).toResolvedValue((config: AppConfig, logger: Logger, clock: Clock) =>
    new GuardedLcoClient(httpLco(config, logger, 0), clock, readThrough(config)), [...fromConfig, ClockToken]).inSingletonScope();
  container.bind(SiteProxySecretsToken).toResolvedValue((config: AppConfig) => (config.siteProxySecretsSource === 'ssm'
    ? new SsmSiteProxySecrets({ region: config.awsRegion })
    : new EnvSiteProxySecrets(config.siteProxySecrets)), [ConfigToken]).inSingletonScope();

  container.bind(MetricsToken).toResolvedValue((config: AppConfig): Metrics => (config.metrics === 'off' ? NO_METRICS : new PrometheusMetrics()), [ConfigToken])
    .inSingletonScope();

  container.bind(ReservationRulesToken).toResolvedValue((config: AppConfig) => ({
    maxDurationSeconds: config.maxReservationHours * 3600,
  }), [ConfigToken]).inSingletonScope();
  container.bind(ListLimitsToken).toResolvedValue((config: AppConfig) => ({
    maxWindowSeconds: config.listMaxWindowDays * 86_400, maxEvents: config.listMaxEvents,
  }), [ConfigToken]).inSingletonScope();
  container.bind(EphemerisToken).toConstantValue(new AstronomyEngineEphemeris());
  container.bind(SkySettingsToken).toResolvedValue((config: AppConfig) => ({
    sites: config.sites, requireNight: config.requireNight, darkness: config.nightDarkness,
  }), [ConfigToken]).inSingletonScope();
  container.bind(SkyToken).toResolvedValue((ephemeris: Ephemeris, settings: SkySettings) => new Sky(ephemeris, settings), [EphemerisToken, SkySettingsToken])
    .inSingletonScope();
  container.bind(CalendarFeedSettingsToken).toResolvedValue((config: AppConfig) => ({
    pastDays: config.icalPastDays, futureDays: config.icalFutureDays, maxEvents: config.icalMaxEvents,
  }), [ConfigToken]).inSingletonScope();
  container.bind(HistorySettingsToken).toResolvedValue((config: AppConfig) => ({
    retentionDays: config.historyRetentionDays,
  }), [ConfigToken]).inSingletonScope();
  container.bind(ImportSettingsToken).toResolvedValue((config: AppConfig) => ({
    sites: config.lcoSites, windowDays: config.importWindowDays, fullRefreshSeconds: config.importFullRefreshSeconds,
  }), [ConfigToken]).inSingletonScope();
}

function bindUseCases(container: Container): void {
  for (const name of Object.keys(USE_CASES) as UseCaseName[]) {
    // The dependency table's types tie each token to its parameter; the loop itself is untyped.
    const UseCase = USE_CASES[name] as unknown as new (...args: unknown[]) => object;
    const dependencies = USE_CASE_DEPENDENCIES[name] as readonly symbol[];
    container.bind(UseCase).toResolvedValue((...args: unknown[]) => new UseCase(...args), [...dependencies]).inSingletonScope();
  }
}

function resolveUseCases(container: Container): UseCases {
  const entries = (Object.keys(USE_CASES) as UseCaseName[]).map((name) => [name, container.get<unknown>(USE_CASES[name] as ServiceIdentifier<unknown>)]);
  return Object.fromEntries(entries) as UseCases;
}

export async function buildContainer(config: AppConfig, logger: Logger = createLogger(config.logLevel)): Promise<AppContainer> {
  const storage = await openStorage(config);
  const container = new Container();
  container.bind(ConfigToken).toConstantValue(config);
  container.bind(LoggerToken).toConstantValue(logger);
  container.bind(StorageToken).toConstantValue(storage);
  bindAdapters(container);
  bindUseCases(container);

  let useCases: UseCases | undefined;
  return {
    container,
    logger,
    get useCases() {
      useCases ??= resolveUseCases(container);
      return useCases;
    },
    checkStore: () => storage.check(),
    ...(storage.version ? { storeVersion: storage.version } : {}),
    close: () => storage.close(),
  };
}
