import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { localKeyPath } from '../adapters/auth/local-signing-key.js';
import { answerClientError } from '../adapters/http/client-error.js';
import { capConnectionsPerClient, throttledRefusals } from '../adapters/http/connection-cap.js';
import { TokenKeysToken } from '../application/ports/token-keys.port.js';
import type { AppConfig } from './config.js';
import type { ImportSchedules } from '../application/use-cases/import-schedules.js';
import type { PurgeHistory } from '../application/use-cases/purge-history.js';
import { buildContainer, resolve } from './container.js';
import { createLogger } from './logger.js';
import { createHttpApp } from './http-app.js';
import { dynamoDbFailure, listenFailure } from './startup-error.js';

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  readonly logger: Logger;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
  stop(): Promise<void>;
}

/** Starts the calendar API on `config.host:config.port` (port 0 picks a free one). */
export async function startServer(config: AppConfig, logger: Logger = createLogger(config.logLevel, 1, { asynchronous: true })): Promise<RunningServer> {
  const app = await buildContainer(config, logger);
  // Fail at start, not at the first request: DynamoDB without credentials, a table or a network
  // would otherwise say "listening" and answer every request with an error.
  if (config.storage === 'dynamodb') {
    try {
      await app.checkStore();
    } catch (error) {
      app.close();
      throw dynamoDbFailure(config, error);
    }
  }
  // Slow or stalled clients are cut off: the whole request within requestTimeoutSeconds, its headers
  // within 20 s (or less), checked every second rather than Node's default 30 s.
  const server = createServer({
    requestTimeout: config.requestTimeoutSeconds * 1000,
    headersTimeout: Math.min(20, config.requestTimeoutSeconds) * 1000,
    connectionsCheckingInterval: 1000,
    keepAliveTimeout: 5_000,
  }, createHttpApp(app).callback());
  // Malformed requests, oversized headers and timeouts that Node answers itself: with CORS and a reason.
  server.on('clientError', answerClientError);
  // One line per address at most every 10 s, with how many it refused since its last: a client
  // reconnecting in a loop is refused tens of thousands of times a second.
  let refusedConnections = 0;
  const reportRefusals = throttledRefusals((address, refused) => {
    logger.warn({ address, perClient: config.maxConnectionsPerClient, refused, refusedConnections }, 'connection refused: too many from one address');
  });
  capConnectionsPerClient(server, config.maxConnectionsPerClient, (address) => {
    refusedConnections += 1;
    reportRefusals(address);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      app.close();
      reject(listenFailure(config, error));
    };
    server.once('error', onError);
    server.listen(config.port, config.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info({ url, storage: config.storage, auth: config.auth.mode }, 'calendar API listening');
  if (config.auth.mode === 'local') {
    logger.warn(
      { keyFile: localKeyPath(config.auth.keyDir) },
      'LOCAL AUTH MODE: no AUTH_JWKS_URI or AUTH_PUBLIC_KEY is set, so tokens are checked against a key made on this machine. ' +
        'For development only; make a token with `npm run token -- --sub alice [--admin]`.',
    );
  }
  // The identity provider's keys are fetched now, not by the first signed-in request.
  void resolve(app.container, TokenKeysToken).prefetch?.().catch((err: unknown) => {
    logger.warn({ err, jwksUri: config.auth.mode === 'jwks' ? config.auth.jwksUri : undefined }, 'could not fetch the identity provider keys (AUTH_JWKS_URI) at start; will retry when a token needs them');
  });

  const stopImports = config.importEnabled
    ? scheduleImports(app.useCases.importSchedules, config.importIntervalSeconds, logger)
    : () => Promise.resolve();

  const stopPurge = schedulePurge(app.useCases.purgeHistory, PURGE_INTERVAL_SECONDS, logger);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      server.close(async () => {
        await Promise.all([stopImports(), stopPurge()]);
        app.close();
        logger.info('calendar API stopped');
        resolve();
      });
      // Keep-alive connections with no request in flight would hold close() open; end them now.
      server.closeIdleConnections();
    });
    return stopping;
  };
  return { server, url, logger, stop };
}

/** The retention purge removes only what expired a day or more ago: once an hour is plenty. */
const PURGE_INTERVAL_SECONDS = 3600;

/**
 * Runs `task` now and every `intervalSeconds`; a tick that comes while the previous run is still
 * going is skipped. A failure is the task's to log. Returns a function that stops the schedule and
 * waits for a run in progress.
 */
function scheduleEvery(task: () => Promise<void>, intervalSeconds: number): () => Promise<void> {
  let current: Promise<void> | undefined;
  const run = (): void => {
    if (current) return;
    current = task().finally(() => {
      current = undefined;
    });
  };
  const timer = setInterval(run, intervalSeconds * 1000);
  timer.unref();
  run();
  return async () => {
    clearInterval(timer);
    await current;
  };
}

/** The history retention purge, now and every `intervalSeconds`, one run at a time. */
function schedulePurge(purgeHistory: PurgeHistory, intervalSeconds: number, logger: Logger): () => Promise<void> {
  return scheduleEvery(() => purgeHistory.execute()
    .then((forgotten) => {
      if (forgotten > 0) logger.info({ purge: { forgotten } }, 'history retention purge');
    })
    .catch((err: unknown) => logger.error({ err }, 'history retention purge failed')), intervalSeconds);
}

/**
 * The LCO import, now and every `intervalSeconds` (ImportSchedules never runs two at once, and
 * joins a trigger's run under way).
 */
export function scheduleImports(importSchedules: ImportSchedules, intervalSeconds: number, logger: Logger): () => Promise<void> {
  return scheduleEvery(() => importSchedules
    .execute()
    .then((reports) => {
      for (const r of reports) {
        const level = r.status === 'failed' || r.errors.length > 0 ? 'warn' : 'info';
        logger[level]({ import: { subsite: r.subsite, status: r.status, reason: r.reason, added: r.added.length, updated: r.updated.length, removed: r.removed.length, unchanged: r.unchanged, errors: r.errors } }, 'LCO import');
      }
    })
    .catch((err: unknown) => logger.error({ err }, 'LCO import failed')), intervalSeconds);
}
