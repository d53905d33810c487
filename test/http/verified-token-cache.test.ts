import { tokenKid, VerifiedTokenCache } from '../../src/adapters/http/verified-token-cache.js';
import { startCalendar, bearer, type CalendarUnderTest } from '../support/calendar-server.js';
import { stopAll } from '../support/teardown.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { aNewEventBody } from '../support/builders.js';

const KEY = {};
const verified = (claims: Record<string, unknown>) => ({ claims, kid: 'k', key: KEY });

describe('VerifiedTokenCache', () => {
  it('serves claims until the token expires, and never past maxAge after verification', () => {
    let now = 1000;
    const cache = new VerifiedTokenCache(300, 10, () => now);
    cache.set('short', verified({ sub: 'a', exp: 1010 }));
    cache.set('long', verified({ sub: 'b', exp: 99_999 }));
    expect(cache.get('short')?.claims).toEqual({ sub: 'a', exp: 1010 });
    now = 1010;
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('long')?.claims).toEqual({ sub: 'b', exp: 99_999 });
    now = 1300;
    expect(cache.get('long')).toBeUndefined();
  });

  it('caches nothing without a numeric exp, and keeps at most maxEntries', () => {
    const cache = new VerifiedTokenCache(300, 3, () => 0);
    cache.set('no-exp', verified({ sub: 'a' }));
    expect(cache.get('no-exp')).toBeUndefined();
    for (let i = 0; i < 100; i++) cache.set(`t${i}`, verified({ exp: 100 }));
    expect(cache.size).toBe(3);
    expect(cache.get('t99')).toBeDefined();
    expect(cache.get('t0')).toBeUndefined();
  });
});

describe('tokenKid', () => {
  it("reads the header's kid, and nothing from a token that is not one", () => {
    const head = (h: unknown) => `${Buffer.from(JSON.stringify(h)).toString('base64url')}.e30.sig`;
    expect(tokenKid(head({ alg: 'RS256', kid: 'abc' }))).toBe('abc');
    expect(tokenKid(head({ alg: 'RS256' }))).toBeUndefined();
    expect(tokenKid(head({ kid: 5 }))).toBeUndefined();
    expect(tokenKid('garbage')).toBeUndefined();
    expect(tokenKid('%%%.x.y')).toBeUndefined();
  });
});

describe('over HTTP, with no clock tolerance', () => {
  it('a cached token stops working when it expires; an altered copy of it is never accepted', async () => {
    const idp = await new IdentityProvider().start();
    let api: CalendarUnderTest | undefined;
    try {
      api = await startCalendar(idp, undefined, { AUTH_CLOCK_TOLERANCE_SECONDS: '0', RATE_LIMIT_PER_MINUTE: '0' });
      const calendar = api;
      const token = idp.token({ sub: 'google-oauth2|cache', expiresIn: 2 });
      const book = (n: number, auth: Record<string, string>) =>
        calendar.post('/newevent', { ...aNewEventBody(), event_id: `cache-${n}`, start: `2035-01-01T0${n}:00:00Z`, end: `2035-01-01T0${n}:30:00Z` }, auth);
      expect((await book(1, bearer(token))).status).toBe(200);
      expect((await book(2, bearer(token))).status).toBe(200); // served from the cache
      const [head, payload, signature] = token.split('.') as [string, string, string];
      const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'google-oauth2|admin' })).toString('base64url');
      expect((await book(3, bearer(`${head}.${forged}.${signature}`))).status).toBe(401);
      expect((await book(3, { authorization: `Bearer ${token} extra` })).status).toBe(401);
      expect((await book(3, { authorization: `Basic ${token}` })).status).toBe(401);
      await new Promise((r) => setTimeout(r, 2200));
      const expired = await book(4, bearer(token));
      expect(expired.status).toBe(401);
      expect(expired.text).toMatch(/expired/);
    } finally {
      await stopAll(api, idp);
    }
  }, 15_000);
});
