/**
 * The AWS Lambda entry point (bundled into dist/lambda/index.mjs by `npm run build:lambda`).
 * The container is built once per cold start and reused by every invocation of the instance.
 */
import 'reflect-metadata';
import { apiGatewayHandler, type ApiGatewayEvent, type ApiGatewayHandler, type ApiGatewayResult } from '../adapters/http/lambda/api-gateway.js';
import { loadConfig } from './config.js';
import { buildContainer } from './container.js';
import { createHttpApp } from './http-app.js';

let handlerPromise: Promise<ApiGatewayHandler> | undefined;

async function coldStart(): Promise<ApiGatewayHandler> {
  const config = loadConfig();
  const app = await buildContainer({ ...config, storage: config.storage === 'sqlite' ? 'dynamodb' : config.storage });
  return apiGatewayHandler(createHttpApp(app));
}

/** API Gateway (REST v1 or HTTP API v2) proxy handler for every route of the calendar API. */
export async function http(event: ApiGatewayEvent, context: object): Promise<ApiGatewayResult> {
  handlerPromise ??= coldStart().catch((error: unknown) => {
    handlerPromise = undefined; // let the next invocation try again
    throw error;
  });
  return (await handlerPromise)(event, context);
}
