/**
 * Access tokens that must be refused, on every protected route, and how roles and keys are found.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { bearer, SERVICE_KEY, startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { aNewEventBody } from '../support/builders.js';
import { stopAll } from '../support/teardown.js';

let idp: IdentityProvider;
let api: CalendarUnderTest;

beforeAll(async () => {
  idp = await new IdentityProvider().start();
  api = await startCalendar(idp, undefined, { AUTH_USERINFO_URL: 'http://127.0.0.1:1/placeholder' });
});

afterAll(() => stopAll(api, idp));

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = (): number => Math.floor(Date.now() / 1000);
const claims = () => ({ sub: 'google-oauth2|mallory', aud: 'master', iss: 'https://photonranch.test.auth0.example/', iat: now(), exp: now() + 3600 });

const REFUSED: Array<[string, () => string | undefined]> = [
  ['no token', () => undefined],
  ['garbage', () => 'not-a-jwt'],
  ['alg none', () => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims())}.`],
  ['HS256 signed with the public key', () => {
    const pem = idp.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const head = `${b64url({ alg: 'HS256', typ: 'JWT', kid: idp.kid })}.${b64url(claims())}`;
    return `${head}.${createHmac('sha256', pem).update(head).digest('base64url')}`;
  }],
  ['an unknown kid', () => idp.token({ kid: 'someone-elses-key' })],
  ['a valid kid but a foreign signature', () => idp.token({ key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey })],
  ['the wrong audience', () => idp.token({ audience: 'another-api' })],
  ['the wrong issuer', () => idp.token({ issuer: 'https://evil.example/' })],
  ['expired', () => idp.token({ expiresIn: -120 })],
  ['not yet valid', () => idp.token({ notBefore: 600 })],
];

const PROTECTED: Array<[string, () => Record<string, unknown>]> = [
  ['/newevent', () => aNewEventBody()],
  ['/modifyevent', () => ({ originalEvent: { event_id: 'x' }, modifiedEvent: {} })],
  ['/delete', () => ({ event_id: 'x' })],
  ['/add-projects-to-events', () => ({ project_id: 'p#1', events: ['x'] })],
  ['/remove-project-from-events', () => ({ events: ['x'] })],
];

describe.each(PROTECTED)('%s refuses', (path, body) => {
  it.each(REFUSED)('%s with 401', async (_name, makeToken) => {
    const token = makeToken();
    const res = await api.post(path, body(), token === undefined ? {} : bearer(token));
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^Unauthorized/);
  });
});

it('a token within the clock tolerance is accepted', async () => {
  const res = await api.post('/newevent', aNewEventBody({ start: '2040-01-01T00:00:00Z', end: '2040-01-01T01:00:00Z' }), bearer(idp.token({ notBefore: 10 })));
  expect(res.status).toBe(200);
});

it('verification keys are fetched once and then cached, not per request', async () => {
  const before = idp.jwksRequests;
  for (let i = 0; i < 20; i++) {
    const res = await api.post('/delete', { event_id: `nothing-${i}` }, bearer(idp.token({ sub: `u${i}` })));
    expect(res.status).toBe(404);
  }
  expect(idp.jwksRequests - before).toBeLessThanOrEqual(1);
});

it('a flood of unknown kids does not flood the JWKS endpoint', async () => {
  const before = idp.jwksRequests;
  const results = await Promise.all(
    Array.from({ length: 60 }, (_, i) => api.post('/delete', { event_id: 'x' }, bearer(idp.token({ kid: `forged-${i}` })))),
  );
  expect(results.every((r) => r.status === 401)).toBe(true);
  expect(idp.jwksRequests - before).toBeLessThanOrEqual(1);
});

describe('roles', () => {
  it('come from the Photon Ranch claim when the token has it', async () => {
    const owner = bearer(idp.token({ sub: 'google-oauth2|owner' }));
    const created = await api.post('/newevent', aNewEventBody({ start: '2041-01-01T00:00:00Z', end: '2041-01-01T01:00:00Z' }), owner);
    const id = (created.json() as { new_calendar_event: { event_id: string } }).new_calendar_event.event_id;
    const notAdmin = await api.post('/delete', { event_id: id }, bearer(idp.token({ sub: 'google-oauth2|x', roles: ['user'] })));
    expect(notAdmin.status).toBe(403);
    const asAdmin = await api.post('/delete', { event_id: id }, bearer(idp.token({ sub: 'google-oauth2|y', roles: ['admin'] })));
    expect(asAdmin.status).toBe(200);
  });
});

it('roles come from /userinfo when the token lacks the claim, cached until the token expires', async () => {
  const server = await startCalendar(idp, undefined, { AUTH_USERINFO_URL: idp.userinfoUrl });
  try {
    const owner = bearer(idp.token({ sub: 'google-oauth2|owner2' }));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await server.post('/newevent', aNewEventBody({ start: `2042-01-0${i + 1}T00:00:00Z`, end: `2042-01-0${i + 1}T01:00:00Z` }), owner);
      ids.push((res.json() as { new_calendar_event: { event_id: string } }).new_calendar_event.event_id);
    }
    idp.userinfoRoles.set('google-oauth2|adm', ['admin']);
    const adminToken = bearer(idp.token({ sub: 'google-oauth2|adm', roles: null }));
    const plainToken = bearer(idp.token({ sub: 'google-oauth2|plain', roles: null }));
    const before = idp.userinfoRequests;
    expect((await server.post('/delete', { event_id: ids[0] }, plainToken)).status).toBe(403);
    expect((await server.post('/delete', { event_id: ids[0] }, adminToken)).status).toBe(200);
    expect((await server.post('/delete', { event_id: ids[1] }, adminToken)).status).toBe(200);
    expect((await server.post('/delete', { event_id: ids[2] }, adminToken)).status).toBe(200);
    expect(idp.userinfoRequests - before).toBe(2);
  } finally {
    await server.close();
  }
});

it('a service key may link projects but not create, modify or delete events', async () => {
  const key = { 'x-api-key': SERVICE_KEY };
  expect((await api.post('/remove-project-from-events', { events: ['x'] }, key)).status).toBe(200);
  expect((await api.post('/newevent', aNewEventBody(), key)).status).toBe(401);
  expect((await api.post('/delete', { event_id: 'x' }, key)).status).toBe(401);
});

it('AUTH_PUBLIC_KEY (a PEM key, with literal \\n as env vars carry it) verifies tokens without JWKS', async () => {
  const pem = (idp.publicKey.export({ type: 'spki', format: 'pem' }) as string).replace(/\n/g, '\\n');
  const server = await startCalendar(idp, undefined, { AUTH_JWKS_URI: '', AUTH_PUBLIC_KEY: pem });
  try {
    const before = idp.jwksRequests;
    const ok = await server.post('/newevent', aNewEventBody(), bearer(idp.token({ kid: 'whatever' })));
    expect(ok.status).toBe(200);
    const foreign = idp.token({ key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey });
    expect((await server.post('/newevent', aNewEventBody(), bearer(foreign))).status).toBe(401);
    expect(idp.jwksRequests).toBe(before);
  } finally {
    await server.close();
  }
});

it('JWKS down: a token with a not-yet-cached key is refused quickly with 503, not a hang', async () => {
  const server = await startCalendar(idp, undefined);
  idp.down = true;
  try {
    const started = Date.now();
    const res = await server.post('/delete', { event_id: 'x' }, bearer(idp.token()));
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(10_000);
  } finally {
    idp.down = false;
    await server.close();
  }
});
