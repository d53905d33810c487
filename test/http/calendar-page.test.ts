/**
 * GET / (the calendar page) and its assets over HTTP, on the Koa server and behind API Gateway
 * (the Lambda bundle): fingerprinted assets with a year-long immutable lifetime in brotli, gzip or
 * raw as the client accepts, the page small enough, its sign-in settings, and POST /dev/token,
 * which exists in local auth mode only and answers only this machine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { ConfigError, loadConfig } from '../../src/bootstrap/config.js';
import { bearer, startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { startTogether, stopAll } from '../support/teardown.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';

const manifest = JSON.parse(readFileSync('dist/web/manifest.json', 'utf8')) as { script: string; style: string };
const LOCAL = { AUTH_JWKS_URI: '', AUTH_ISSUER: '', AUTH_AUDIENCE: '' };
const JSON_TYPE = { 'content-type': 'application/json' };

/** A POST with headers fetch will not send as given (Host, Origin), on a connection of its own. */
async function rawPost(url: string, path: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(`${url}${path}`, { method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
    }).on('error', reject).end(body);
  });
}

let idp: IdentityProvider;
let jwks: CalendarUnderTest;
let local: CalendarUnderTest;
let production: CalendarUnderTest;
let dynamo: DynamoDbLocal;
beforeAll(async () => {
  [idp, dynamo] = await startTogether(new IdentityProvider().start(), startDynamoDbLocal());
  [jwks, local, production] = await startTogether(
    startCalendar(idp, undefined, { UI_OIDC_ISSUER: 'https://login.example.org/', UI_OIDC_CLIENT_ID: 'calendar-page', UI_OIDC_AUDIENCE: 'https://api.example.org' }),
    startCalendar(idp, undefined, LOCAL),
    startCalendar(idp, undefined, { NODE_ENV: 'production' }),
  );
}, 60_000);
afterAll(() => stopAll(jwks, local, production, idp, dynamo));

/** Raw bytes of a GET, without fetch's own decompression (it would hide what was sent). */
async function raw(api: CalendarUnderTest, path: string, acceptEncoding: string): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(`${api.url}${path}`, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: new Headers(res.headers as Record<string, string>), body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

const settingsOf = (html: string): unknown => JSON.parse(/<script type="application\/json" id="calendar-settings">(.*?)<\/script>/s.exec(html)![1]!);

describe.each(['koa', 'lambda-v2'] as const)('on %s', (driver) => {
  let api: CalendarUnderTest;
  beforeAll(async () => {
    if (driver === 'koa') api = jwks;
    else {
      api = await startCalendar(idp, undefined, { STORAGE: 'dynamodb', DYNAMODB_ENDPOINT: dynamo.endpoint }, driver);
    }
  }, 60_000);
  afterAll(async () => {
    if (driver !== 'koa') await api.close();
  });

  it('GET / is the page: HTML naming the current assets, a fresh style nonce per answer under a CSP without inline scripts, never cached stale', async () => {
    const [first, second] = [await api.request('GET', '/'), await api.request('GET', '/')];
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(first.text).toContain(`src="assets/${manifest.script}"`);
    expect(first.text).toContain(`href="assets/${manifest.style}"`);
    const nonceOf = (r: typeof first): string => /style-src 'self' 'nonce-([A-Za-z0-9+/=]{24})'/.exec(r.headers.get('content-security-policy') ?? '')![1]!;
    expect(nonceOf(first)).not.toBe(nonceOf(second));
    expect(first.text).toContain(`<meta name="csp-nonce" content="${nonceOf(first)}">`);
    const csp = first.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe');
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('serves each asset for a year, immutable, as brotli, gzip or raw as accepted, the same bytes each way; an unknown asset is a 404', async () => {
    for (const name of [manifest.script, manifest.style]) {
      const plain = readFileSync(join('dist/web/assets', name));
      const br = await raw(api, `/assets/${name}`, 'gzip, deflate, br');
      const gz = await raw(api, `/assets/${name}`, 'gzip');
      const none = await raw(api, `/assets/${name}`, 'identity');
      const refused = await raw(api, `/assets/${name}`, 'br;q=0, gzip;q=0');
      for (const answer of [br, gz, none, refused]) {
        expect(answer.status).toBe(200);
        expect(answer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(answer.headers.get('vary')).toBe('Accept-Encoding');
        expect(answer.headers.get('content-type')).toMatch(name.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      }
      expect([br.headers.get('content-encoding'), gz.headers.get('content-encoding'), none.headers.get('content-encoding'), refused.headers.get('content-encoding')])
        .toEqual(['br', 'gzip', null, null]);
      expect(brotliDecompressSync(br.body).equals(plain)).toBe(true);
      expect(gunzipSync(gz.body).equals(plain)).toBe(true);
      expect(none.body.equals(plain)).toBe(true);
      expect(refused.body.equals(plain)).toBe(true);
    }
    const missing = await api.request('GET', '/assets/calendar-NOSUCHHASH.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await api.request('GET', '/assets/..%2Fmanifest.json')).status).toBe(404);
  });

  it('GET /about is the service information the root used to give', async () => {
    const about = await api.request('GET', '/about');
    expect(about.status).toBe(200);
    expect(about.json()).toMatchObject({ service: 'photonranch-calendar', calendar: '/', docs: '/docs' });
  });
});

it('the whole page (HTML, script, style sheet) is under 300 KB compressed', async () => {
  const page = await raw(jwks, '/', 'gzip');
  const script = await raw(jwks, `/assets/${manifest.script}`, 'gzip');
  const style = await raw(jwks, `/assets/${manifest.style}`, 'gzip');
  // The HTML is small and sent as it is; count it as gzip would send it.
  const total = gzipSync(page.body).length + script.body.length + style.body.length;
  process.stderr.write(`calendar page: ${(total / 1024).toFixed(1)} KiB gzip (script ${(script.body.length / 1024).toFixed(1)} KiB)\n`);
  expect(total).toBeLessThan(300 * 1000);
});

it('tells the page how users sign in: OpenID Connect settings and the provider in connect-src; local mode offers "sign in as"; otherwise neither', async () => {
  const oidc = await jwks.request('GET', '/');
  expect(settingsOf(oidc.text)).toEqual({ oidc: { issuer: 'https://login.example.org/', clientId: 'calendar-page', audience: 'https://api.example.org' }, localSignIn: false });
  expect(oidc.headers.get('content-security-policy')).toContain("connect-src 'self' https://login.example.org;");
  expect(settingsOf((await local.request('GET', '/')).text)).toEqual({ oidc: null, localSignIn: true });
  expect(settingsOf((await production.request('GET', '/')).text)).toEqual({ oidc: null, localSignIn: false });
});

it('tells the page when BOOKING_RULES sets a rule (the dialog then shows the allowance), and says nothing of it otherwise', async () => {
  const ruled = await startCalendar(idp, undefined, { BOOKING_RULES: '{"default":{"per_night":{"hours":4}}}' });
  try {
    expect(settingsOf((await ruled.request('GET', '/')).text)).toEqual({ oidc: null, localSignIn: false, bookingRules: true });
  } finally {
    await ruled.close();
  }
  expect(settingsOf((await production.request('GET', '/')).text)).not.toHaveProperty('bookingRules');
});

it('a setting that cannot sign anyone in stops the start, naming the variable', () => {
  const jwksEnv = { AUTH_JWKS_URI: 'https://idp.example.org/.well-known/jwks.json', AUTH_ISSUER: 'https://idp.example.org/' };
  expect(() => loadConfig({ ...jwksEnv, UI_OIDC_ISSUER: 'https://idp.example.org/' })).toThrow(/UI_OIDC_ISSUER is set without UI_OIDC_CLIENT_ID/);
  expect(() => loadConfig({ ...jwksEnv, UI_OIDC_CLIENT_ID: 'abc' })).toThrow(/UI_OIDC_CLIENT_ID is set without UI_OIDC_ISSUER/);
  expect(() => loadConfig({ ...jwksEnv, UI_OIDC_AUDIENCE: 'x' })).toThrow(/UI_OIDC_AUDIENCE is set without/);
  expect(() => loadConfig({ UI_OIDC_ISSUER: 'https://idp.example.org/', UI_OIDC_CLIENT_ID: 'abc' })).toThrow(/local auth mode/);
  expect(() => loadConfig({ ...jwksEnv, UI_OIDC_ISSUER: 'not a url', UI_OIDC_CLIENT_ID: 'abc' })).toThrow(ConfigError);
  // The audience defaults to the API's own.
  expect(loadConfig({ ...jwksEnv, AUTH_AUDIENCE: 'https://api', UI_OIDC_ISSUER: 'https://idp.example.org/', UI_OIDC_CLIENT_ID: 'abc' }).uiOidc)
    .toEqual({ issuer: 'https://idp.example.org/', clientId: 'abc', audience: 'https://api' });
});

describe('POST /dev/token ("sign in as")', () => {
  it('in local auth mode, mints a token that the API takes as that user (admin when asked)', async () => {
    const minted = await local.post('/dev/token', { name: 'alice' }, JSON_TYPE);
    expect(minted.status).toBe(200);
    expect(minted.headers.get('cache-control')).toBe('no-store');
    const { access_token: token, expires_in: expiresIn } = minted.json() as { access_token: string; expires_in: number };
    expect(expiresIn).toBe(12 * 3600);
    expect((await local.request('GET', '/me', { headers: bearer(token) })).json()).toEqual({ user_id: 'alice', name: 'alice', admin: false });
    const admin = (await local.post('/dev/token', { name: 'Root User', admin: true }, JSON_TYPE)).json() as { access_token: string };
    expect((await local.request('GET', '/me', { headers: bearer(admin.access_token) })).json()).toEqual({ user_id: 'Root User', name: 'Root User', admin: true });
    expect((await local.request('GET', '/about')).json()).toMatchObject({ routes: expect.arrayContaining(['POST /dev/token']) });
  });

  it('refuses bad names with the reason, and answers a forwarded (proxied) request as if it did not exist', async () => {
    for (const [body, reason] of [
      [{}, 'missing required key name'], [{ name: '' }, 'must not be empty'], [{ name: 'x'.repeat(65) }, 'longer than 64'],
      [{ name: '<script>' }, 'letters, digits'], [{ name: 'bob', admin: 'yes' }, 'true or false'], [{ name: 'bob', extra: 1 }, 'extra'],
    ] as const) {
      const answer = await local.post('/dev/token', body, JSON_TYPE);
      expect([answer.status, answer.text]).toEqual([400, expect.stringContaining(reason)]);
    }
    const proxied = await local.post('/dev/token', { name: 'mallory', admin: true }, { ...JSON_TYPE, 'x-forwarded-for': '203.0.113.9' });
    expect([proxied.status, proxied.text]).toEqual([404, 'Not found.']);
  });

  it("answers only a JSON request of its own page's origin to a loopback name, with no CORS header, its preflight included", async () => {
    const { host } = new URL(local.url);
    const mallory = JSON.stringify({ name: 'mallory', admin: true });
    const refusals: [string, Record<string, string>, number, string][] = [
      ['text/plain (no preflight in a browser)', { 'content-type': 'text/plain' }, 415, 'Content-Type: application/json'],
      ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'Content-Type: application/json'],
      ['another origin on this machine', { ...JSON_TYPE, origin: 'http://127.0.0.1:5173' }, 403, 'page of another origin'],
      ['another name for this origin', { ...JSON_TYPE, origin: `http://localhost:${new URL(local.url).port}` }, 403, 'page of another origin'],
      ['a sandboxed page', { ...JSON_TYPE, origin: 'null' }, 403, 'page of another origin'],
      ['a cross-site fetch', { ...JSON_TYPE, 'sec-fetch-site': 'same-site' }, 403, 'page of another origin'],
      // DNS rebinding: a name of the attacker's resolved to 127.0.0.1; the page is then "same-origin".
      ['a name that is not loopback', { ...JSON_TYPE, host: 'rebound.example.org:80', origin: 'http://rebound.example.org:80' }, 404, 'Not found.'],
      ['a proxy that says so', { ...JSON_TYPE, 'x-real-ip': '203.0.113.9' }, 404, 'Not found.'],
    ];
    for (const [what, headers, status, reason] of refusals) {
      const answer = await rawPost(local.url, '/dev/token', mallory, headers);
      expect([what, answer.status, answer.text]).toEqual([what, status, expect.stringContaining(reason)]);
      expect([what, answer.headers['access-control-allow-origin']]).toEqual([what, undefined]);
    }
    // Its own page: the Origin and Sec-Fetch-Site a browser sends for it.
    const own = await rawPost(local.url, '/dev/token', mallory, { ...JSON_TYPE, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBeUndefined();
    for (const path of ['/dev/token', '/DEV/Token/']) {
      const preflight = await local.request('OPTIONS', path, { headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST' } });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
    }
    // Every other route keeps the contract's CORS.
    expect((await local.request('OPTIONS', '/newevent')).headers.get('access-control-allow-origin')).toBe('*');
  });

  it('does not exist in JWKS mode, nor with NODE_ENV=production (which refuses local auth mode at start)', async () => {
    for (const api of [jwks, production]) {
      const answer = await api.post('/dev/token', { name: 'mallory', admin: true }, JSON_TYPE);
      expect([answer.status, answer.text]).toEqual([404, 'Not found.']);
      expect((await api.request('GET', '/about')).json()).toMatchObject({ routes: expect.not.arrayContaining(['POST /dev/token']) });
    }
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/local auth mode is for development only/);
  });
});

it('GET /me answers who the token is, and 401 without one', async () => {
  const token = idp.token({ sub: 'google-oauth2|me', name: 'Me Myself' });
  expect((await jwks.request('GET', '/me', { headers: bearer(token) })).json()).toEqual({ user_id: 'google-oauth2|me', name: 'Me Myself', admin: false });
  expect((await jwks.request('GET', '/me')).status).toBe(401);
});
