import type Koa from 'koa';
import serverless from 'serverless-http';

export type ApiGatewayEvent = Record<string, unknown> & {
  version?: string;
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
};

export interface ApiGatewayResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

export type ApiGatewayHandler = (event: ApiGatewayEvent, context: object) => Promise<ApiGatewayResult>;

/**
 * Serves API Gateway REST (payload v1) and HTTP API (payload v2) proxy events with the same Koa
 * application as the long-running server, so every route behaves exactly the same.
 */
export function apiGatewayHandler(app: Koa): ApiGatewayHandler {
  const handle = serverless(app);
  return async (event, context) => {
    // API Gateway leaves out `body` (v2) or sends null (v1) for requests without one.
    const normalised = { ...event, headers: event.headers ?? {}, body: event.body ?? '' };
    return (await handle(normalised, context)) as ApiGatewayResult;
  };
}
