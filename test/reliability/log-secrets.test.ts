/**
 * No credential reaches a log (issue 11, point 5), and upstream failures reach callers in plain
 * words (point 8). Every upstream the service calls is made to fail while the server logs at trace
 * level into memory; then the captured log is searched for every token, secret and key in play.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/bootstrap/config.js';
import { createLogger } from '../../src/bootstrap/logger.js';
import { startServer, type RunningServer } from '../../src/bootstrap/server.js';
import { aNewEventBody } from '../support/builders.js';
import { AUDIENCE, IdentityProvider, ISSUER } from '../support/identity-provider.js';
import { ProjectsStandIn } from '../support/projects-stand-in.js';
import { freePort } from '../support/free-port.js';
import { tempDir } from '../support/temp-dir.js';
import { stopAll } from '../support/teardown.js';

const LCO_SECRET = 'lco-site-proxy-secret-SENTINEL-7d1f';
const SERVICE_KEY = 'service-key-SENTINEL-0123456789abcdef';

it('userinfo 500 and timeout, JWKS down, projects service down, LCO down: no token, secret or key in the log', async () => {
  const idp = await new IdentityProvider().start();
  const projects = await new ProjectsStandIn().start();
  const dir = tempDir('log-secrets-');
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  let server: RunningServer | undefined;
  try {
    const lcoPort = await freePort();
    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', SQLITE_PATH: join(dir.path, 'c.db'), IMPORT_ENABLED: 'false',
      AUTH_JWKS_URI: idp.jwksUri, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, AUTH_USERINFO_URL: idp.userinfoUrl,
      PROJECTS_API_URL: projects.url, SERVICE_API_KEYS: SERVICE_KEY, LCO_SITE_PROXY_URL: `http://127.0.0.1:${lcoPort}/{wema}/`,
      SITE_PROXY_SECRET_MRC: LCO_SECRET, LCO_TIMEOUT_SECONDS: '1', JWKS_REFETCH_COOLDOWN_SECONDS: '1',
    });
    server = await startServer(config, createLogger('trace', sink));
    const { url } = server;
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body), headers }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const tokens: string[] = [];
    const bearerOf = (token: string) => {
      tokens.push(token);
      return { authorization: `Bearer ${token}` };
    };
    await new Promise((r) => setTimeout(r, 300)); // the JWKS prefetch

    // userinfo answers 500, then hangs past its timeout: the caller is treated as having no roles.
    idp.userinfoStatus = 500;
    const noRoles = bearerOf(idp.token({ sub: 'google-oauth2|u500', roles: null }));
    expect((await post('/newevent', aNewEventBody({ start: '2037-01-01T00:00:00Z', end: '2037-01-01T01:00:00Z' }), noRoles)).status).toBe(200);
    idp.userinfoStatus = undefined;
    idp.userinfoDelayMs = 4000;
    const slowRoles = bearerOf(idp.token({ sub: 'google-oauth2|uslow', roles: null }));
    expect((await post('/newevent', aNewEventBody({ start: '2037-01-02T00:00:00Z', end: '2037-01-02T01:00:00Z' }), slowRoles)).status).toBe(200);
    idp.userinfoDelayMs = 0;

    // JWKS down while a token names a key not in the set.
    await new Promise((r) => setTimeout(r, 1100));
    idp.down = true;
    const rotated = idp.addKey('rotated');
    const unverifiable = await post('/newevent', aNewEventBody(), bearerOf(idp.token({ kid: 'rotated', key: rotated })));
    expect(unverifiable.status).toBe(401);
    idp.down = false;

    // The projects service fails, then is unreachable.
    const owner = bearerOf(idp.token({ sub: 'google-oauth2|projects' }));
    expect((await post('/newevent', aNewEventBody({ site: 'prj1', project_id: 'P#2030-01-01T00:00:00Z', start: '2037-01-03T00:00:00Z', end: '2037-01-03T01:00:00Z' }), owner)).status).toBe(200);
    const window = { site: 'prj1', start: '2037-01-01T00:00:00Z', end: '2037-01-05T00:00:00Z', full_project_details: true };
    projects.failing = true;
    const failing = await post('/siteevents', window, { 'x-api-key': SERVICE_KEY });
    await projects.stop();
    const down = await post('/siteevents', window, { ...owner, cookie: 'session=SENTINEL-cookie' });
    expect([failing.status, down.status]).toEqual([502, 502]);
    expect(down.text).toBe('The projects service could not be reached.');

    // LCO's site proxy is down: through the route and through the import.
    const scheduler = await post('/scheduler-observations', { site: 'mrc1', start: '2037-01-01T00:00:00Z', end: '2037-01-02T00:00:00Z' });
    expect(scheduler).toEqual({ status: 502, text: 'The mrc site proxy could not be reached.' });
    const imported = await fetch(`${url}/import-schedules/mrc1`);
    const report = (await imported.json()) as Array<{ status: string; reason: string }>;
    expect(report[0]).toMatchObject({ status: 'failed', reason: 'The mrc site proxy could not be reached.' });

    // A private feed's address is its key: the access line names the route instead.
    const made = (await (await fetch(`${url}/ical-feed`, { method: 'POST', body: '{}', headers: owner })).json()) as { url: string };
    const feedKey = /\/ical\/users\/([^/]+)\.ics$/.exec(made.url)![1]!;
    expect((await fetch(`${url}/ical/users/${feedKey}.ics`)).status).toBe(200);
    // Other spellings of it, as sent (fetch would tidy some): before, the access line held the key
    // for all but the first. The router serves the first three.
    const escaped = [...`users/${feedKey}`].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    const spellings = [
      `/ical/users/${feedKey}.ics/`, `/ICAL/Users/${feedKey}.ics`, `/ical/users/${feedKey}.ics/?x=1`, `//ical/users/${feedKey}.ics`,
      `/ical/%75sers/${feedKey}.ics`, `/ical/${escaped}.ics`, `/ical/x/../users/${feedKey}.ics`, `/ical/users/${feedKey}.ics/more`,
      `/ical/users%2F${feedKey}.ics`, `/ical/users/${feedKey}%zz`,
    ];
    const spelled = await Promise.all(spellings.map((path) => rawGetStatus(url, path)));
    process.stderr.write(`log secrets: a private feed's key in ${spellings.length} other spellings of its path, answered ${JSON.stringify(spelled)}\n`);
    expect(spelled.slice(0, 3)).toEqual([200, 200, 200]);
    // Misspellings outside /ical/users/ (issue 28, F5): before, the access line held the key for each.
    const misspelt = [
      `/ical/${feedKey}.ics`, `/ical/user/${feedKey}.ics`, `/webcal/ical/users/${feedKey}.ics`, `/${feedKey}`, `/ical/users/${feedKey}`,
      `/calendar/${feedKey}.ics?x=1`, `/ical/${feedKey.slice(0, 21)}/${feedKey.slice(21)}.ics`, `/webcal/${escaped}.ics`,
      `/ical/users.${feedKey}.ics`, `/ICAL/${feedKey.toUpperCase()}.ICS`,
    ];
    const misspeltAnswers = await Promise.all(misspelt.map((path) => rawGetStatus(url, path)));
    process.stderr.write(`log secrets: the key in ${misspelt.length} misspelt paths outside /ical/users/, answered ${JSON.stringify(misspeltAnswers)}\n`);
    expect(misspeltAnswers.slice(0, 3)).toEqual([400, 404, 404]);

    const log = lines.join('');
    expect(log).not.toContain(feedKey);
    for (const half of [feedKey.slice(0, 21), feedKey.slice(21), feedKey.toUpperCase()]) expect(log).not.toContain(half);
    expect(log).toContain('"path":"/ical/users/{key}.ics"');
    // A route that took the request is logged as its pattern, any other path with the key replaced.
    expect(log).toContain('"path":"/ical/{site}.ics","status":400');
    expect(log).toContain('"path":"/webcal/ical/users/{redacted}.ics","status":404');
    expect(log).toContain('"path":"/ical/user/{redacted}.ics","status":404');
    // The failures were logged, with what an operator needs: message, code and URL.
    expect(log).toMatch(/"msg":"userinfo lookup failed; treating the caller as having no roles"/);
    expect(log).toMatch(/"msg":"JWKS fetch failed"/);
    expect(log).toMatch(/"msg":"projects service call failed"/);
    expect(log).toMatch(/"code":"ECONNREFUSED","url":"http:\/\/127\.0\.0\.1:\d+\/mrc\/[^\n]*"msg":"LCO site proxy request failed"/);
    // ... and nothing secret: no token (nor its signature), no site-proxy secret, no service key, no cookie.
    for (const token of tokens) {
      expect(log).not.toContain(token);
      expect(log).not.toContain(token.split('.')[2] as string);
    }
    for (const secret of [LCO_SECRET, SERVICE_KEY, 'SENTINEL-cookie', 'Bearer ']) expect(log).not.toContain(secret);
    // Nor do callers see connection details.
    for (const answer of [failing.text, down.text, scheduler.text, JSON.stringify(report)]) expect(answer).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    process.stderr.write(`log secrets: ${lines.length} log lines over 8 upstream failures; ${tokens.length} tokens, the site-proxy secret and the service key searched for: 0 found\n`);
  } finally {
    await stopAll(server, idp, projects, () => dir.remove());
  }
}, 30_000);

/** The status of a GET of `path` exactly as written (no normalisation on the way). */
async function rawGetStatus(url: string, path: string): Promise<number> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(url, { path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject).end();
  });
}

it('the logger redacts credential headers wherever an object carries them, and logs errors as their summary', () => {
  const lines: string[] = [];
  const logger = createLogger('info', new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }));
  const gotLike = Object.assign(new Error('Request failed'), {
    code: 'ERR_NON_2XX_3XX_RESPONSE',
    options: { url: new URL('https://user:pw@example.test/x'), headers: { authorization: 'Bearer SECRET-A' } },
    response: { headers: { 'set-cookie': 'SECRET-B' } },
  });
  logger.warn({ err: gotLike }, 'upstream');
  logger.info({ req: { headers: { authorization: 'Bearer SECRET-C', 'x-api-key': 'SECRET-D', cookie: 'SECRET-E' } } }, 'request');
  logger.info({ upstream: { call: { headers: { Authorization: 'x', authorization: 'SECRET-F' } } } }, 'deep');
  const log = lines.join('');
  for (const secret of ['SECRET-A', 'SECRET-B', 'SECRET-C', 'SECRET-D', 'SECRET-E', 'SECRET-F', 'pw@']) expect(log).not.toContain(secret);
  const first = JSON.parse(lines[0] as string) as { err: Record<string, unknown> };
  expect(first.err).toMatchObject({ type: 'Error', message: 'Request failed', code: 'ERR_NON_2XX_3XX_RESPONSE', url: 'https://example.test/x' });
  expect(Object.keys(first.err).sort()).toEqual(['code', 'message', 'stack', 'type', 'url']);
});
