/**
 * The composition root: the only place that names concrete adapters. The Koa server (and, later,
 * the Lambda handlers) call buildContainer(config) and resolve what they need from it.
 */
import 'reflect-metadata';
import { Container, type Newable } from 'inversify';
import { pino, type DestinationStream, type Logger } from 'pino';
import { ClockToken, type Clock } from '../application/ports/clock.port.js';
import { IdentityResolverToken, type IdentityResolver } from '../application/ports/identity-resolver.port.js';
import { ProjectsGatewayToken, type ProjectsGateway } from '../application/ports/projects-gateway.port.js';
import { ReservationStoreToken, type ReservationStore } from '../application/ports/reservation-store.port.js';
import { TokenKeysToken, type TokenKeys } from '../application/ports/token-keys.port.js';
import {
  ImportSettingsToken, ListLimitsToken, ReservationRulesToken, type ImportSettings, type ListLimits, type ReservationRules,
} from '../application/settings.js';
import { LcoClientToken, type LcoClient } from '../application/ports/lco-client.port.js';
import { SiteProxySecretsToken, type SiteProxySecrets } from '../application/ports/site-proxy-secrets.port.js';
import { ImportSchedules } from '../application/use-cases/import-schedules.js';
import { ListSchedulerObservations } from '../application/use-cases/list-scheduler-observations.js';
import { EnvSiteProxySecrets } from '../adapters/secrets/env-site-proxy-secrets.js';
import { SsmServiceApiKeys } from '../adapters/auth/ssm-service-api-keys.js';
import { SsmSiteProxySecrets } from '../adapters/secrets/ssm-site-proxy-secrets.js';
import { AddProjectToReservations } from '../application/use-cases/add-project-to-reservations.js';
import { CreateReservation } from '../application/use-cases/create-reservation.js';
import { DeleteReservation } from '../application/use-cases/delete-reservation.js';
import { DoesConflictingReservationExist } from '../application/use-cases/does-conflicting-reservation-exist.js';
import { IsUserScheduled } from '../application/use-cases/is-user-scheduled.js';
import { ListReservationsAtTime } from '../application/use-cases/list-reservations-at-time.js';
import { ListSiteReservations } from '../application/use-cases/list-site-reservations.js';
import { ListUserReservationsEndingAfter } from '../application/use-cases/list-user-reservations.js';
import { ModifyReservation } from '../application/use-cases/modify-reservation.js';
import { RemoveProjectFromReservations } from '../application/use-cases/remove-project-from-reservations.js';
import { ClaimsIdentityResolver } from '../adapters/auth/claims-identity-resolver.js';
import { loadOrCreateLocalKeyPair } from '../adapters/auth/local-signing-key.js';
import { publicKeyFromPem, StaticTokenKeys } from '../adapters/auth/static-token-keys.js';
import { SystemClock } from '../adapters/clock/system-clock.js';
import { InMemoryProjectsGateway } from '../adapters/memory/in-memory-projects-gateway.js';
import { InMemoryReservationStore } from '../adapters/memory/in-memory-reservation-store.js';
import { openSqliteDatabase, type SqliteDatabase } from '../adapters/sqlite/database.js';
import { SqliteProjectsGateway } from '../adapters/sqlite/sqlite-projects-gateway.js';
import { SqliteReservationStore } from '../adapters/sqlite/sqlite-reservation-store.js';
import { SqliteScheduleTrackingStore } from '../adapters/sqlite/sqlite-schedule-tracking-store.js';
import { InMemoryScheduleTrackingStore } from '../adapters/memory/in-memory-schedule-tracking-store.js';
import { createDynamoDbClients } from '../adapters/dynamodb/client.js';
import { DynamoDbReservationStore } from '../adapters/dynamodb/dynamodb-reservation-store.js';
import { DynamoDbScheduleTrackingStore } from '../adapters/dynamodb/dynamodb-schedule-tracking-store.js';
import { ensureTables } from '../adapters/dynamodb/tables.js';
import { errorSummary, REDACTED_PATHS } from '../adapters/logging/safe-log.js';
import { ScheduleTrackingStoreToken, type ScheduleTrackingStore } from '../application/ports/schedule-tracking-store.port.js';
import type { AppConfig } from './config.js';
import { LazyLcoClient, LazyProjectsGateway, LazyTokenKeys } from './lazy-adapters.js';

export const ConfigToken = Symbol.for('AppConfig');
export const LoggerToken = Symbol.for('Logger');

export const USE_CASES = [
  CreateReservation, ModifyReservation, DeleteReservation, AddProjectToReservations, RemoveProjectFromReservations,
  ListSiteReservations, ListUserReservationsEndingAfter, ListReservationsAtTime, IsUserScheduled,
  DoesConflictingReservationExist, ImportSchedules, ListSchedulerObservations,
] as const;

export interface AppContainer {
  readonly container: Container;
  readonly logger: Logger;
  /** Releases what the container opened (the database). */
  close(): void;
}

/**
 * JSON logs to stdout (the server), or to stderr (command-line tools whose stdout is their output),
 * or to a stream (tests). Errors are logged as their safe summary and credential headers are
 * redacted (safe-log.ts): no token or key reaches a log.
 */
export function createLogger(level: string, destination: 1 | 2 | DestinationStream = 1): Logger {
  return pino(
    {
      level,
      base: { service: 'photonranch-calendar' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: errorSummary },
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    },
    typeof destination === 'number' ? pino.destination(destination) : destination,
  );
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
    case 'local': {
      const keys = loadOrCreateLocalKeyPair(config.auth.keyDir);
      logger.warn(
        { keyFile: keys.path },
        'LOCAL AUTH MODE: no AUTH_JWKS_URI or AUTH_PUBLIC_KEY is set, so tokens are checked against a key made on this machine. ' +
          'For development only; make a token with `npm run token -- --sub alice [--admin]`.',
      );
      return new StaticTokenKeys(keys.publicKey);
    }
  }
}

interface Storage {
  readonly store: ReservationStore;
  readonly tracking: ScheduleTrackingStore;
  /** The embedded projects service, used when PROJECTS_API_URL is unset. */
  readonly embeddedProjects: ProjectsGateway;
  readonly close: () => void;
}

/** The one place that chooses the storage adapters. */
async function openStorage(config: AppConfig, logger: Logger): Promise<Storage> {
  switch (config.storage) {
    case 'sqlite': {
      const db: SqliteDatabase = openSqliteDatabase(config.sqlitePath, { synchronous: config.sqliteSynchronous });
      return {
        store: new SqliteReservationStore(db),
        tracking: new SqliteScheduleTrackingStore(db),
        embeddedProjects: new SqliteProjectsGateway(db),
        close: () => {
          if (db.open) db.close();
        },
      };
    }
    case 'dynamodb': {
      const { raw, doc } = createDynamoDbClients({
        region: config.awsRegion,
        ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
      });
      const names = { calendar: config.dynamodbCalendarTable, scheduleTracking: config.scheduleTrackingTable };
      if (config.dynamodbEndpoint) await ensureTables(raw, names);
      if (!config.projectsApiUrl) {
        logger.warn('STORAGE=dynamodb without PROJECTS_API_URL: projects are kept in memory only (development)');
      }
      return {
        store: new DynamoDbReservationStore(doc, { tableName: names.calendar }),
        tracking: new DynamoDbScheduleTrackingStore(doc, names.scheduleTracking),
        embeddedProjects: new InMemoryProjectsGateway(),
        close: () => raw.destroy(),
      };
    }
    case 'memory':
      return {
        store: new InMemoryReservationStore(),
        tracking: new InMemoryScheduleTrackingStore(),
        embeddedProjects: new InMemoryProjectsGateway(),
        close: () => undefined,
      };
  }
}

export async function buildContainer(config: AppConfig, logger: Logger = createLogger(config.logLevel)): Promise<AppContainer> {
  const container = new Container();
  const clock = new SystemClock();
  const storage = await openStorage(config, logger);
  const { projectsApiUrl } = config;
  const projects = projectsApiUrl
    ? new LazyProjectsGateway(async () => new (await import('../adapters/projects/http-projects-gateway.js')).HttpProjectsGateway({
      baseUrl: projectsApiUrl,
      onError: (err, what) => logger.warn({ err, call: what }, 'projects service call failed'),
    }))
    : storage.embeddedProjects;

  container.bind<AppConfig>(ConfigToken).toConstantValue(config);
  container.bind<Logger>(LoggerToken).toConstantValue(logger);
  container.bind<Clock>(ClockToken).toConstantValue(clock);
  container.bind<ReservationRules>(ReservationRulesToken).toConstantValue({ maxDurationSeconds: config.maxReservationHours * 3600 });
  container.bind<ReservationStore>(ReservationStoreToken).toConstantValue(storage.store);
  container.bind<ScheduleTrackingStore>(ScheduleTrackingStoreToken).toConstantValue(storage.tracking);
  container.bind<ProjectsGateway>(ProjectsGatewayToken).toConstantValue(projects);
  container.bind<TokenKeys>(TokenKeysToken).toConstantValue(tokenKeysFor(config, logger));
  container.bind<IdentityResolver>(IdentityResolverToken).toConstantValue(
    new ClaimsIdentityResolver({
      ...(config.authUserinfoUrl ? { userinfoUrl: config.authUserinfoUrl } : {}),
      serviceApiKeys: config.serviceApiKeysSource === 'ssm'
        ? new SsmServiceApiKeys({
          parameterName: config.serviceApiKeysParameter,
          source: { region: config.awsRegion },
          onError: (err) => logger.error({ err }, 'service keys could not be read from SSM'),
        })
        : config.serviceApiKeys,
      onUserinfoError: (err) => logger.warn({ err }, 'userinfo lookup failed; treating the caller as having no roles'),
    }),
  );
  container.bind<ListLimits>(ListLimitsToken).toConstantValue({
    maxWindowSeconds: config.listMaxWindowDays * 86_400, maxEvents: config.listMaxEvents,
  });
  container.bind<ImportSettings>(ImportSettingsToken).toConstantValue({
    sites: config.lcoSites, windowDays: config.importWindowDays, fullRefreshSeconds: config.importFullRefreshSeconds,
  });
  const lco = {
    urlTemplate: config.lcoSiteProxyUrl,
    timeoutMs: config.lcoTimeoutSeconds * 1000,
    onError: (err: unknown, wema: string) => logger.warn({ err, wema }, 'LCO site proxy request failed'),
  };
  container.bind<LcoClient>(LcoClientToken).toConstantValue(
    new LazyLcoClient(async () => new (await import('../adapters/lco/http-lco-client.js')).HttpLcoClient(lco)),
  );
  container.bind<SiteProxySecrets>(SiteProxySecretsToken).toConstantValue(
    config.siteProxySecretsSource === 'ssm'
      ? new SsmSiteProxySecrets({ region: config.awsRegion })
      : new EnvSiteProxySecrets(config.siteProxySecrets),
  );
  for (const useCase of USE_CASES) container.bind<object>(useCase as Newable<object>).toSelf().inSingletonScope();

  return {
    container,
    logger,
    close: storage.close,
  };
}
