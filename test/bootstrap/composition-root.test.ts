/**
 * The composition root loads one module of each adapter family, as the configuration chooses, and
 * binds every use case USE_CASES declares. The read cache comes out of the container, made of the
 * store's version and READ_CACHE_MB, where the store tells its version exactly.
 */
import { generateKeyPairSync } from 'node:crypto';
import { ContainerModule } from 'inversify';
import { join } from 'node:path';
import { ProjectsGatewayToken, ReadThroughProjectsGatewayToken } from '../../src/application/ports/projects-gateway.port.js';
import { MetricsToken, NO_METRICS } from '../../src/application/ports/metrics.port.js';
import { SiteProxySecretsToken } from '../../src/application/ports/site-proxy-secrets.port.js';
import { StoreVersionToken } from '../../src/application/ports/store-version.port.js';
import { TokenKeysToken } from '../../src/application/ports/token-keys.port.js';
import { ClockToken } from '../../src/application/ports/clock.port.js';
import { ReservationStoreToken } from '../../src/application/ports/reservation-store.port.js';
import { DeleteReservation } from '../../src/application/use-cases/delete-reservation.js';
import { useCase, USE_CASES, type UseCaseName } from '../../src/application/use-cases/index.js';
import { ReadCache } from '../../src/adapters/http/read-cache.js';
import { PrometheusMetrics } from '../../src/adapters/http/prometheus-metrics.js';
import { StaticTokenKeys } from '../../src/adapters/auth/static-token-keys.js';
import { EnvSiteProxySecrets } from '../../src/adapters/secrets/env-site-proxy-secrets.js';
import { SsmSiteProxySecrets } from '../../src/adapters/secrets/ssm-site-proxy-secrets.js';
import { loadConfig } from '../../src/bootstrap/config.js';
import { buildContainer, ReadCacheToken, resolve, type AppContainer } from '../../src/bootstrap/container.js';
import { LazyProjectsGateway, LazyTokenKeys } from '../../src/bootstrap/lazy-adapters.js';
import { createLogger } from '../../src/bootstrap/logger.js';
import { typedModule } from '../../src/bootstrap/tokens.js';
import { HistorySettingsToken, ImportSettingsToken } from '../../src/application/settings.js';
import { tempDir } from '../support/temp-dir.js';

const dir = tempDir('composition-root-');
const opened: AppContainer[] = [];
afterAll(() => {
  for (const app of opened) app.close();
  dir.remove();
});

const PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

async function build(env: Record<string, string>, sqlitePath?: string): Promise<AppContainer> {
  const config = loadConfig({ STORAGE: 'memory', SQLITE_PATH: join(dir.path, 'memory.db'), ...env });
  const app = await buildContainer(sqlitePath ? { ...config, sqlitePath } : config, createLogger('silent'));
  opened.push(app);
  return app;
}

it('binds every declared use case, each an instance of its class', async () => {
  const { useCases } = await build({});
  for (const name of Object.keys(USE_CASES) as UseCaseName[]) expect(useCases[name]).toBeInstanceOf(USE_CASES[name].Class);
});

// Checked by `npm run typecheck` (ts-jest only transpiles): each @ts-expect-error fails it if the line compiles.
it('a use case declared with a token of the wrong type for its parameter, or one short, does not compile', () => {
  // @ts-expect-error the clock's token where the store's goes
  expect(useCase(DeleteReservation, [ClockToken, ReservationStoreToken]).needs).toHaveLength(2);
  // @ts-expect-error one token short
  expect(useCase(DeleteReservation, [ReservationStoreToken]).Class).toBe(DeleteReservation);
  expect(useCase(DeleteReservation, [ReservationStoreToken, ClockToken]).needs).toEqual([ReservationStoreToken, ClockToken]);
});

it('chooses one module per family: token keys, projects, site-proxy secrets, metrics', async () => {
  const local = await build({});
  expect(resolve(local.container, TokenKeysToken)).toBeInstanceOf(StaticTokenKeys);
  expect(resolve(local.container, ProjectsGatewayToken)).not.toBeInstanceOf(LazyProjectsGateway);
  expect(resolve(local.container, ReadThroughProjectsGatewayToken)).toBe(resolve(local.container, ProjectsGatewayToken));
  expect(resolve(local.container, SiteProxySecretsToken)).toBeInstanceOf(EnvSiteProxySecrets);
  expect(resolve(local.container, MetricsToken)).toBeInstanceOf(PrometheusMetrics);

  const jwks = await build({
    AUTH_JWKS_URI: 'http://127.0.0.1:9/jwks.json', AUTH_ISSUER: 'https://issuer.test/', PROJECTS_API_URL: 'http://127.0.0.1:9/',
    SITE_PROXY_SECRETS_SOURCE: 'ssm', METRICS: 'off',
  });
  expect(resolve(jwks.container, TokenKeysToken)).toBeInstanceOf(LazyTokenKeys);
  expect(resolve(jwks.container, ProjectsGatewayToken)).toBeInstanceOf(LazyProjectsGateway);
  expect(resolve(jwks.container, ReadThroughProjectsGatewayToken)).not.toBeInstanceOf(LazyProjectsGateway);
  expect(resolve(jwks.container, SiteProxySecretsToken)).toBeInstanceOf(SsmSiteProxySecrets);
  expect(resolve(jwks.container, MetricsToken)).toBe(NO_METRICS);

  const publicKey = await build({ AUTH_PUBLIC_KEY: PEM, AUTH_ISSUER: 'https://issuer.test/' });
  expect(resolve(publicKey.container, TokenKeysToken)).toBeInstanceOf(StaticTokenKeys);
});

describe('the read cache, made in the container of the store version and READ_CACHE_MB', () => {
  const kept = (cache: ReadCache | undefined, bytes: number): boolean => {
    const { version } = cache!.get('k');
    cache!.set('k', Buffer.alloc(bytes), version);
    return cache!.get('k').answer !== undefined;
  };

  it('is kept, READ_CACHE_MB large, on a SQLite file, whose version the routes have too', async () => {
    const one = await build({ STORAGE: 'sqlite', SQLITE_PATH: join(dir.path, 'one.db'), READ_CACHE_MB: '1' });
    const two = await build({ STORAGE: 'sqlite', SQLITE_PATH: join(dir.path, 'two.db'), READ_CACHE_MB: '2' });
    expect(resolve(one.container, ReadCacheToken)).toBeInstanceOf(ReadCache);
    expect(one.container.isBound(StoreVersionToken)).toBe(true);
    // An answer over a sixteenth of the cache is not kept: 100 000 bytes are over 1 MB's, under 2 MB's.
    expect(kept(resolve(one.container, ReadCacheToken), 100_000)).toBe(false);
    expect(kept(resolve(two.container, ReadCacheToken), 100_000)).toBe(true);
  });

  it('is none with READ_CACHE_MB=0, and none where the store cannot tell its version (memory, SQLite in memory)', async () => {
    expect(resolve((await build({ STORAGE: 'sqlite', SQLITE_PATH: join(dir.path, 'off.db'), READ_CACHE_MB: '0' })).container, ReadCacheToken)).toBeUndefined();
    const memory = await build({});
    expect(resolve(memory.container, ReadCacheToken)).toBeUndefined();
    expect(memory.container.isBound(StoreVersionToken)).toBe(false);
    // A database in memory is a setting of the tests and benchmarks alone (SQLITE_PATH is a file path).
    expect(resolve((await build({ STORAGE: 'sqlite' }, ':memory:')).container, ReadCacheToken)).toBeUndefined();
  });
});

it('a binding whose value is not of its token\'s type does not compile', () => {
  const module = typedModule((bind) => {
    // @ts-expect-error ImportSettings has lcoSites, not sites: the renamed key must not slip through
    bind(ImportSettingsToken).toConstantValue({ sites: {}, windowDays: 1, fullRefreshSeconds: 1 });
    bind(HistorySettingsToken).toConstantValue({ retentionDays: 30 });
  });
  expect(module).toBeInstanceOf(ContainerModule);
});
