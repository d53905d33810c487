/**
 * The AWS Lambda entry point (bundled into dist/lambda/index.mjs by `npm run build:lambda`).
 * The container is built once per cold start and reused by every invocation of the instance.
 */
import { apiGatewayHandler, type ApiGatewayEvent, type ApiGatewayHandler, type ApiGatewayResult } from '../adapters/http/lambda/api-gateway.js';
import type { SubsiteReport } from '../application/use-cases/import-schedules.js';
import { loadConfig } from './config.js';
import { buildContainer, type AppContainer } from './container.js';
import { createHttpApp } from './http-app.js';

let containerPromise: Promise<AppContainer> | undefined;
let handlerPromise: Promise<ApiGatewayHandler> | undefined;

/** Built once per cold start (a failed build is retried by the next invocation). */
function container(): Promise<AppContainer> {
  // On Lambda the configuration's default store is DynamoDB (config.ts).
  containerPromise ??= (async () => buildContainer(loadConfig()))().catch((error: unknown) => {
    containerPromise = undefined;
    throw error;
  });
  return containerPromise;
}

async function coldStart(): Promise<ApiGatewayHandler> {
  return apiGatewayHandler(createHttpApp(await container()));
}

/**
 * The scheduled LCO import (an EventBridge rule every 5 minutes): imports every subsite, then runs
 * the history retention purge, which costs one query when nothing has expired. A failed purge is
 * logged and does not fail the import.
 */
export async function importSchedules(): Promise<SubsiteReport[]> {
  const app = await container();
  const reports = await app.useCases.importSchedules.execute();
  app.logger.info({ reports }, 'LCO import');
  try {
    const forgotten = await app.useCases.purgeHistory.execute();
    if (forgotten > 0) app.logger.info({ purge: { forgotten } }, 'history retention purge');
  } catch (err) {
    app.logger.error({ err }, 'history retention purge failed');
  }
  return reports;
}

/** API Gateway (REST v1 or HTTP API v2) proxy handler for every route of the calendar API. */
export async function http(event: ApiGatewayEvent, context: object): Promise<ApiGatewayResult> {
  handlerPromise ??= coldStart().catch((error: unknown) => {
    handlerPromise = undefined; // let the next invocation try again
    throw error;
  });
  return (await handlerPromise)(event, context);
}
