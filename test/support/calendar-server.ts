import { join } from 'node:path';
import { loadConfig } from '../../src/bootstrap/config.js';
import { startServer, type RunningServer } from '../../src/bootstrap/server.js';
import { AUDIENCE, ISSUER, type IdentityProvider } from './identity-provider.js';
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

/** The real calendar server on a loopback port, on a fresh SQLite file, wired to the stand-ins. */
export async function startCalendar(
  idp: IdentityProvider,
  projects: ProjectsStandIn | undefined,
  env: Record<string, string> = {},
): Promise<CalendarUnderTest> {
  const dir = tempDir('calendar-http-');
  const sqlitePath = join(dir.path, 'calendar.db');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    SQLITE_PATH: sqlitePath,
    AUTH_JWKS_URI: idp.jwksUri,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    SERVICE_API_KEYS: SERVICE_KEY,
    LOG_LEVEL: 'silent',
    ...(projects ? { PROJECTS_API_URL: projects.url } : {}),
    ...env,
  });
  const running = await startServer(config);
  const request = async (method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> => {
    const response = await fetch(`${running.url}${path}`, { method, body: init.body, headers: init.headers });
    const text = await response.text();
    return { status: response.status, text, headers: response.headers, json: () => JSON.parse(text) as unknown };
  };
  return {
    ...running,
    sqlitePath,
    request,
    post: (path, body, headers = {}) =>
      request('POST', path, { body: typeof body === 'string' ? body : JSON.stringify(body), headers }),
    close: async () => {
      await running.stop();
      dir.remove();
    },
  };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
