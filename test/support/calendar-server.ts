import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../../src/bootstrap/config.js';
import { startServer, type RunningServer } from '../../src/bootstrap/server.js';
import { AUDIENCE, ISSUER, type IdentityProvider } from './identity-provider.js';
import { lambdaNode } from './lambda-node.js';
import { answersChecked, checkerFor, type OpenApiChecker } from './openapi-check.js';
import { watchChild } from './child-output.js';
import type { ProjectsStandIn } from './projects-stand-in.js';
import { tempDir } from './temp-dir.js';

export const SERVICE_KEY = 'svc-key-for-tests-0123456789';

export interface CalendarUnderTest extends RunningServer {
  readonly sqlitePath: string;
  /** POSTs a body (an object is sent as JSON; a string as it is) and returns status, text and parsed JSON. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  request(method: string, path: string, init?: { body?: string; headers?: Record<string, string> }): Promise<HttpResult>;
  close(): Promise<void>;
}

export interface HttpResult {
  status: number;
  text: string;
  headers: Headers;
  json: () => unknown;
}

/** How the API is served in a test: the Koa server in-process, or the Lambda bundle behind API Gateway events. */
export type Driver = 'koa' | 'lambda-v1' | 'lambda-v2';

let tableCounter = 0;

/**
 * The real calendar API on a loopback port, wired to the stand-ins: the Koa server on a fresh
 * SQLite file (or, with STORAGE=dynamodb in `env`, fresh DynamoDB tables), or the built Lambda
 * bundle in its own process.
 */
export async function startCalendar(
  idp: IdentityProvider,
  projects: ProjectsStandIn | undefined,
  env: Record<string, string> = {},
  driver: Driver = 'koa',
): Promise<CalendarUnderTest> {
  const dir = tempDir('calendar-http-');
  const sqlitePath = join(dir.path, 'calendar.db');
  tableCounter += 1;
  const tables = { DYNAMODB_CALENDAR: `calendar-${process.pid}-${tableCounter}`, SCHEDULE_TRACKING_TABLE: `tracking-${process.pid}-${tableCounter}` };
  if (driver !== 'koa') return startLambdaHost(idp, projects, { ...tables, ...env }, driver, dir);
  const config = loadConfig({
    ...tables,
    PORT: '0',
    HOST: '127.0.0.1',
    SQLITE_PATH: sqlitePath,
    AUTH_JWKS_URI: idp.jwksUri,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    SERVICE_API_KEYS: SERVICE_KEY,
    LOG_LEVEL: 'silent',
    IMPORT_ENABLED: 'false',
    ...(projects ? { PROJECTS_API_URL: projects.url } : {}),
    ...env,
  });
  const running = await startServer(config);
  return {
    ...running,
    sqlitePath,
    ...httpClient(running.url),
    close: async () => {
      await running.stop();
      dir.remove();
    },
  };
}

async function startLambdaHost(
  idp: IdentityProvider,
  projects: ProjectsStandIn | undefined,
  env: Record<string, string>,
  driver: Exclude<Driver, 'koa'>,
  dir: { remove: () => void },
): Promise<CalendarUnderTest> {
  // Under the Lambda runtime's Node major version, not the one running the tests.
  const child = spawn(lambdaNode(), ['test/support/lambda-host.mjs'], {
    env: {
      ...process.env, NODE_OPTIONS: '', LAMBDA_PAYLOAD: driver === 'lambda-v2' ? 'v2' : 'v1',
      // As the real runtime does; with it, the configuration's default store is DynamoDB.
      AWS_LAMBDA_FUNCTION_NAME: 'calendar-test', AWS_REGION: 'us-east-1', AUTH_JWKS_URI: idp.jwksUri, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE,
      SERVICE_API_KEYS: SERVICE_KEY, LOG_LEVEL: 'silent', ...(projects ? { PROJECTS_API_URL: projects.url } : {}), ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const watched = watchChild(child);
  let timer: NodeJS.Timeout | undefined;
  const url = await Promise.race([
    watched.waitFor(/listening (http:\/\/\S+)/).then((match) => match[1] as string),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`lambda host did not start within 20 s: ${watched.output()}`)), 20_000);
    }),
  ]).finally(() => clearTimeout(timer)).catch((error: unknown) => {
    child.kill('SIGKILL'); // a child that never got ready must not outlive the test
    throw error;
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
  };
  return {
    server: undefined as never,
    url,
    logger: undefined as never,
    sqlitePath: '',
    stop,
    ...httpClient(url),
    close: async () => {
      await stop();
      dir.remove();
    },
  };
}

/**
 * request() and post() against a base URL; post sends an object as JSON and a string as it is.
 * Every answer is held to the calendar's own GET /openapi.json (openapi-check.ts): one the document
 * does not describe fails the test that received it.
 */
function httpClient(baseUrl: string): Pick<CalendarUnderTest, 'request' | 'post'> {
  let checker: Promise<OpenApiChecker> | undefined;
  const request: CalendarUnderTest['request'] = async (method, path, init = {}) => {
    const response = await fetch(`${baseUrl}${path}`, { method, body: init.body, headers: init.headers });
    const text = await response.text();
    checker ??= checkerFor(baseUrl);
    // The path as sent: fetch resolves dot segments (`/import-schedules/..` is a request for `/`).
    (await checker).check({ method, path: new URL(response.url).pathname, status: response.status, contentType: response.headers.get('content-type') ?? '', text });
    return { status: response.status, text, headers: response.headers, json: () => JSON.parse(text) as unknown };
  };
  return {
    request,
    post: (path, body, headers = {}) => request('POST', path, { body: typeof body === 'string' ? body : JSON.stringify(body), headers }),
  };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

// Each test file that starts a calendar says how many of its answers were held to the document.
afterAll(() => {
  if (answersChecked() > 0) process.stderr.write(`openapi: ${answersChecked()} answers held to the document\n`);
});
