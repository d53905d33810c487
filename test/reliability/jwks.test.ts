/**
 * The identity provider's keys under attack and rotation (issue 11, points 3, 4 and 10): junk `kid`s
 * cannot lock users out, a rotated-in key is accepted at once, a key the provider drops stops
 * verifying within the refresh interval, and a token without `exp` is refused.
 */
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { JwksTokenKeys } from '../../src/adapters/auth/jwks-token-keys.js';
import { IdentityUnavailableError, UnauthenticatedError } from '../../src/domain/errors.js';
import { aNewEventBody } from '../support/builders.js';
import { bearer, startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { AUDIENCE, IdentityProvider, ISSUER } from '../support/identity-provider.js';
import { stopAll } from '../support/teardown.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let idp: IdentityProvider;
let api: CalendarUnderTest | undefined;
beforeEach(async () => {
  idp = await new IdentityProvider().start();
});
afterEach(async () => {
  const started = api;
  api = undefined;
  await stopAll(started, idp);
});

const book = (n: number, token: string) =>
  api!.post('/newevent', aNewEventBody({ start: `2036-02-${String(1 + (n % 28)).padStart(2, '0')}T0${n % 10}:00:00Z`, end: `2036-02-${String(1 + (n % 28)).padStart(2, '0')}T0${n % 10}:30:00Z` }), bearer(token));

describe('junk kids and key rotation', () => {
  it('60 junk-kid tokens cost one JWKS fetch, and that fetch lets in a key rotated in since start', async () => {
    api = await startCalendar(idp, undefined, { JWKS_REFETCH_COOLDOWN_SECONDS: '1', RATE_LIMIT_PER_MINUTE: '0' });
    await sleep(1200); // the prefetch at start, and its cooldown
    const atStart = idp.jwksRequests;
    expect(atStart).toBe(1);
    const rotated = idp.addKey('rotated-in');
    const junk = await Promise.all(Array.from({ length: 60 }, (_, i) => book(i, idp.token({ kid: `junk-${i}` }))));
    expect(junk.every((r) => r.status === 401)).toBe(true);
    const fetchesForFlood = idp.jwksRequests - atStart;
    // The old per-kid budget let 10 junk kids spend 10 fetches and then refused the real key for a minute.
    const real = await book(61, idp.token({ kid: 'rotated-in', key: rotated }));
    expect(real.status).toBe(200);
    expect(fetchesForFlood).toBe(1);
    expect(idp.jwksRequests - atStart).toBe(1);
    // The original key is still in the set and still verifies, with no further fetch.
    expect((await book(62, idp.token())).status).toBe(200);
    expect(idp.jwksRequests - atStart).toBe(1);
    process.stderr.write(`jwks: 60 junk kids cost ${fetchesForFlood} JWKS fetch; the key rotated in since start was accepted\n`);
  });

  it('a key published right after a junk-triggered fetch is accepted once the cooldown allows the next one', async () => {
    api = await startCalendar(idp, undefined, { JWKS_REFETCH_COOLDOWN_SECONDS: '2', RATE_LIMIT_PER_MINUTE: '0' });
    await sleep(300);
    for (let i = 0; i < 20; i++) expect((await book(i, idp.token({ kid: `junk-${i}` }))).status).toBe(401);
    const late = idp.addKey('published-late');
    const token = idp.token({ kid: 'published-late', key: late });
    const before = idp.jwksRequests;
    const deadline = Date.now() + 5000;
    let status = 0;
    let attempts = 0;
    while (Date.now() < deadline) {
      attempts += 1;
      status = (await book(100 + attempts, token)).status;
      if (status === 200) break;
      await sleep(200);
    }
    expect(status).toBe(200);
    expect(idp.jwksRequests - before).toBeLessThanOrEqual(2);
  });

  it('a key the provider stops listing stops verifying within the refresh interval, cached tokens included', async () => {
    api = await startCalendar(idp, undefined, { JWKS_REFRESH_SECONDS: '2', RATE_LIMIT_PER_MINUTE: '0' });
    const spare = idp.addKey('spare');
    const token = idp.token({ sub: 'google-oauth2|revoked' });
    expect((await book(1, token)).status).toBe(200);
    expect((await book(2, token)).status).toBe(200); // now from the verified-token cache
    idp.removeKey(idp.kid);
    await sleep(2300);
    const after = await book(3, token);
    expect(after.status).toBe(401);
    expect(after.text).toBe('Unauthorized: the token was signed by an unknown key.');
    expect((await book(4, idp.token({ kid: 'spare', key: spare }))).status).toBe(200);
  });
});

describe('JwksTokenKeys on its own clock', () => {
  it('shares one fetch between concurrent callers, refetches a stale set before use, and keeps the last set while the provider is down', async () => {
    let now = 0;
    const errors: unknown[] = [];
    const keys = new JwksTokenKeys({
      jwksUri: idp.jwksUri, refreshSeconds: 600, refetchCooldownSeconds: 30, nowMs: () => now, onFetchError: (e) => errors.push(e),
    });
    const header = { alg: 'RS256', kid: idp.kid };
    const found = await Promise.all(Array.from({ length: 20 }, () => keys.keyFor(header)));
    expect(new Set(found).size).toBe(1);
    expect(idp.jwksRequests).toBe(1);
    await expect(keys.keyFor({ alg: 'RS256', kid: 'nope' })).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(idp.jwksRequests).toBe(1); // within the cooldown of the first fetch
    now = 31_000;
    await expect(keys.keyFor({ alg: 'RS256', kid: 'nope' })).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(idp.jwksRequests).toBe(2);
    now = 601_000 + 31_000;
    idp.down = true;
    expect(await keys.keyFor(header)).toBe(found[0]); // stale, refetch failed: the last set stays in use
    expect(errors).toHaveLength(1);
    await keys.keyFor(header);
    expect(errors).toHaveLength(1); // the failed refetch is not retried within the cooldown
  });

  it('with no set yet and the provider down: 503 at once, one fetch per cooldown', async () => {
    idp.down = true;
    let now = 0;
    const keys = new JwksTokenKeys({ jwksUri: idp.jwksUri, refetchCooldownSeconds: 30, nowMs: () => now });
    const requestsBefore = idp.requestsWhileDown;
    for (let i = 0; i < 10; i++) await expect(keys.keyFor({ alg: 'RS256', kid: idp.kid })).rejects.toBeInstanceOf(IdentityUnavailableError);
    expect(idp.requestsWhileDown - requestsBefore).toBe(1);
    idp.down = false;
    now = 30_000;
    await expect(keys.keyFor({ alg: 'RS256', kid: idp.kid })).resolves.toBeDefined();
  });
});

describe('exp is required', () => {
  it('a validly signed token without exp is refused with 401', async () => {
    api = await startCalendar(idp, undefined);
    const noExp = jwt.sign({ name: 'x' }, idp.privateKey, { algorithm: 'RS256', keyid: idp.kid, subject: 'google-oauth2|forever', audience: AUDIENCE, issuer: ISSUER });
    expect((jwt.decode(noExp) as Record<string, unknown>).exp).toBeUndefined();
    const refused = await book(1, noExp);
    expect(refused.status).toBe(401);
    expect(refused.text).toBe('Unauthorized: the token has no expiry (exp).');
    // Refused every time, not only before it is cached.
    expect((await book(2, noExp)).status).toBe(401);
    expect((await book(3, idp.token({ sub: 'google-oauth2|expiring' }))).status).toBe(200);
  });
});

it('a foreign key with a known kid is still refused (the set is about kids, the signature about keys)', async () => {
  api = await startCalendar(idp, undefined);
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  expect((await book(1, idp.token({ key: foreign }))).status).toBe(401);
});
