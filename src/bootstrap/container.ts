/**
 * The composition root: the only place that names concrete adapters. The server, the Lambda
 * handlers and the command-line tools call buildContainer(config) and resolve what they need from it.
 * It loads the core module below and one module of each adapter family (adapter-modules.ts), as the
 * configuration chooses. Everything is a plain class, bound to a factory naming the tokens its
 * constructor takes, and built once (singleton scope) when first resolved.
 */
import { Container, ContainerModule } from 'inversify';
import type { Logger } from 'pino';
import { ClockToken } from '../application/ports/clock.port.js';
import { EphemerisToken, type Ephemeris } from '../application/ports/ephemeris.port.js';
import { FeedKeyCodecToken } from '../application/ports/feed-keys.port.js';
import { IdentityResolverToken } from '../application/ports/identity-resolver.port.js';
import { CalendarFeedSettingsToken, HistorySettingsToken, ImportSettingsToken, ListCapsToken, ReservationRulesToken } from '../application/settings.js';
import { Sky, SkySettingsToken, SkyToken, type SkySettings } from '../application/sky.js';
import { BookingRulesToken, FairShare, FairShareToken } from '../application/fair-share.js';
import type { BookingRules } from '../domain/fair-share.js';
import type { Token } from '../application/token.js';
import { USE_CASES, type UseCaseName, type UseCases } from '../application/use-cases/index.js';
import { ClaimsIdentityResolver } from '../adapters/auth/claims-identity-resolver.js';
import type { ServiceKeySource } from '../adapters/auth/service-keys.js';
import { SystemClock } from '../adapters/clock/system-clock.js';
import { AstronomyEngineEphemeris } from '../adapters/ephemeris/astronomy-engine-ephemeris.js';
import { CryptoFeedKeyCodec } from '../adapters/secrets/crypto-feed-key-codec.js';
import { HTTP_LCO, METRICS, PROJECTS, SERVICE_API_KEYS, SITE_PROXY_SECRETS, storageModule, tokenKeys } from './adapter-modules.js';
import type { AppConfig } from './config.js';
import { createLogger } from './logger.js';
import { openStorage } from './storage.js';
import { ConfigToken, LoggerToken, ServiceApiKeysToken, typedModule } from './tokens.js';

export { ConfigToken, LoggerToken, ReadCacheToken } from './tokens.js';

export interface AppContainer {
  readonly container: Container;
  readonly logger: Logger;
  /** Every use case, by name, built on first use. */
  readonly useCases: UseCases;
  /** Readiness: one real query of the store; throws when it cannot answer. */
  checkStore(): Promise<void>;
  /** Releases what the container opened (the database). */
  close(): void;
}

/** Resolves a token as the type it stands for. */
export function resolve<T>(container: Container, key: Token<T>): T {
  return container.get<T>(key);
}

/** What every deployment has alike: the configuration, the clock, the sky, the identity resolver, and the use cases' settings. */
const coreModule = (config: AppConfig, logger: Logger): ContainerModule => typedModule((bind) => {
  bind(ConfigToken).toConstantValue(config);
  bind(LoggerToken).toConstantValue(logger);
  bind(ClockToken).toResolvedValue(() => new SystemClock()).inSingletonScope();
  bind(FeedKeyCodecToken).toConstantValue(new CryptoFeedKeyCodec());
  bind(IdentityResolverToken).toResolvedValue((serviceApiKeys: readonly string[] | ServiceKeySource) => new ClaimsIdentityResolver({
    ...(config.authUserinfoUrl ? { userinfoUrl: config.authUserinfoUrl } : {}),
    ...(config.groupClaim ? { groupClaim: config.groupClaim } : {}),
    serviceApiKeys,
    onUserinfoError: (err) => logger.warn({ err }, 'userinfo lookup failed; treating the caller as having no roles'),
  }), [ServiceApiKeysToken]).inSingletonScope();
  bind(EphemerisToken).toConstantValue(new AstronomyEngineEphemeris());
  bind(SkySettingsToken).toConstantValue({ sites: config.sites, requireNight: config.requireNight, darkness: config.nightDarkness });
  bind(SkyToken).toResolvedValue((ephemeris: Ephemeris, settings: SkySettings) => new Sky(ephemeris, settings), [EphemerisToken, SkySettingsToken])
    .inSingletonScope();
  bind(ReservationRulesToken).toConstantValue({ maxDurationSeconds: config.maxReservationHours * 3600 });
  bind(BookingRulesToken).toConstantValue(config.bookingRules);
  bind(FairShareToken).toResolvedValue((rules: BookingRules, sky: SkySettings) => new FairShare(rules, sky), [BookingRulesToken, SkySettingsToken])
    .inSingletonScope();
  bind(ListCapsToken).toConstantValue({ maxWindowSeconds: config.listMaxWindowDays * 86_400, maxEvents: config.listMaxEvents });
  bind(CalendarFeedSettingsToken).toConstantValue({ pastDays: config.icalPastDays, futureDays: config.icalFutureDays, maxEvents: config.icalMaxEvents });
  bind(HistorySettingsToken).toConstantValue({ retentionDays: config.historyRetentionDays });
  bind(ImportSettingsToken).toConstantValue({ lcoSites: config.lcoSites, windowDays: config.importWindowDays, fullRefreshSeconds: config.importFullRefreshSeconds });
});

/** Every use case of USE_CASES, bound to a factory of the tokens it declares. */
const useCasesModule = new ContainerModule(({ bind }) => {
  for (const { Class, needs } of Object.values(USE_CASES)) {
    // USE_CASES' types tie each token to its parameter; the loop itself is untyped.
    const UseCase = Class as unknown as new (...args: unknown[]) => object;
    bind(UseCase).toResolvedValue((...args: unknown[]) => new UseCase(...args), [...needs as readonly symbol[]]).inSingletonScope();
  }
});

function resolveUseCases(container: Container): UseCases {
  const entries = (Object.keys(USE_CASES) as UseCaseName[]).map((name) => [name, container.get<unknown>(USE_CASES[name].Class)]);
  return Object.fromEntries(entries) as UseCases;
}

export async function buildContainer(config: AppConfig, logger: Logger = createLogger(config.logLevel)): Promise<AppContainer> {
  const storage = await openStorage(config);
  const container = new Container();
  container.load(
    coreModule(config, logger),
    storageModule(storage), // sqlite | dynamodb | memory: openStorage opened the one config.storage names
    tokenKeys(config.auth), // jwks | public-key | local
    config.projectsApiUrl ? PROJECTS.http : PROJECTS.embedded(storage),
    HTTP_LCO, // LCO over HTTP: the only LCO client
    SITE_PROXY_SECRETS[config.siteProxySecretsSource], // env | ssm
    SERVICE_API_KEYS[config.serviceApiKeysSource], // env | ssm
    config.metrics === 'off' ? METRICS.off : METRICS.prometheus,
    useCasesModule,
  );

  let useCases: UseCases | undefined;
  return {
    container,
    logger,
    get useCases() {
      useCases ??= resolveUseCases(container);
      return useCases;
    },
    checkStore: () => storage.check(),
    close: () => storage.close(),
  };
}
