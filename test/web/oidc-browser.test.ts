/**
 * The calendar page's OpenID Connect sign-in end to end, in a real browser: a real OpenID provider
 * on loopback (oidc-provider), the authorization code flow with PKCE from the page (oidc-client-ts),
 * an access token for the API's audience, and that token reaching the API: GET /me names the user and
 * a booking from the page is stored as theirs. The server runs in JWKS mode against the provider's keys.
 */
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser.js';
import { startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { freePort } from '../support/free-port.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { startOpenIdProvider, type OpenIdProvider } from '../support/openid-provider.js';
import { startTogether, stopAll } from '../support/teardown.js';

const AUDIENCE = 'https://calendar.photonranch.test/api';
const CLIENT_ID = 'calendar-page';
const SITES = JSON.stringify({ saf: { name: 'Santa Fe', latitude: 35.554, longitude: -105.87, elevation_m: 2200, timezone: 'America/Denver' } });
/** Next year's 10 March, a Wednesday or not: inside the nights the server computes (Mountain Standard Time, UTC-7). */
const DAY = `${new Date().getUTCFullYear() + 1}-03-10`;

let unused: IdentityProvider;
let provider: OpenIdProvider;
let api: CalendarUnderTest;
let browser: Browser;
beforeAll(async () => {
  // The provider must know the page's address before the calendar starts, and the calendar the provider's.
  const port = await freePort();
  [provider, unused, browser] = await startTogether(
    startOpenIdProvider({ clientId: CLIENT_ID, redirectUri: `http://127.0.0.1:${port}/`, audience: AUDIENCE }),
    new IdentityProvider().start(),
    launchBrowser(),
  );
  api = await startCalendar(unused, undefined, {
    PORT: String(port), SITES, AUTH_JWKS_URI: provider.jwksUri, AUTH_ISSUER: provider.issuer, AUTH_AUDIENCE: AUDIENCE,
    UI_OIDC_ISSUER: provider.issuer, UI_OIDC_CLIENT_ID: CLIENT_ID, UI_OIDC_AUDIENCE: AUDIENCE,
  });
}, 90_000);
afterAll(() => stopAll(browser, api, provider, unused));

it('signs in at the provider with PKCE, comes back to the same place, and books with the access token as that user', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1800 }, locale: 'en-US' });
  const page = await context.newPage();
  const authorizations: URL[] = [];
  const problems: string[] = [];
  page.on('request', (request) => {
    // The authorization request itself, not the login form's resumption at /auth/<interaction>.
    if (request.url().startsWith(`${provider.issuer}/auth?`)) authorizations.push(new URL(request.url()));
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`${response.status()} for ${response.url()}`);
  });
  try {
    const place = `/?site=saf&view=day&date=${DAY}`;
    await page.goto(`${api.url}${place}`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    // The provider's own login form (any login, any password), then its consent screen.
    await page.locator('input[name="login"]').waitFor({ timeout: 20_000 });
    expect(page.url().startsWith(provider.issuer)).toBe(true);
    await page.locator('input[name="login"]').fill('vera');
    await page.locator('input[name="password"]').fill('any password');
    await screenshot(page, 'oidc-provider-login');
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]', { hasText: 'Continue' }).click();

    await page.locator('#signed-in-as').waitFor({ timeout: 20_000 });
    await expect(page.locator('#signed-in-as').textContent()).resolves.toBe('Signed in as Observer vera');
    // Back where the user was, the provider's answer gone from the address.
    expect(page.url()).toBe(`${api.url}${place}`);

    // The request asked for the API's audience, with a PKCE challenge (S256) and no client secret.
    expect(authorizations).toHaveLength(1);
    const asked = authorizations[0]!.searchParams;
    expect([asked.get('client_id'), asked.get('response_type'), asked.get('audience'), asked.get('code_challenge_method')]).toEqual([CLIENT_ID, 'code', AUDIENCE, 'S256']);
    expect(asked.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(provider.audiencesAsked).toContain(AUDIENCE);

    // Book 20:00–21:30 Denver time through the Book button; the API stores it as vera's.
    await page.getByRole('button', { name: 'Book…' }).click();
    await page.getByLabel('Title', { exact: true }).fill('Vera: Orion Nebula');
    await page.getByLabel('Start').fill(`${DAY}T20:00`);
    await page.getByLabel('End').fill(`${DAY}T21:30`);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#status', { hasText: /^Booked "Vera: Orion Nebula"/ }).waitFor({ timeout: 10_000 });
    const next = new Date(Date.parse(`${DAY}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const stored = (await api.post('/siteevents', { site: 'saf', start: `${DAY}T00:00:00Z`, end: `${next}T12:00:00Z` })).json() as Array<Record<string, unknown>>;
    expect(stored).toEqual([expect.objectContaining({
      title: 'Vera: Orion Nebula', creator_id: 'vera', creator: 'Observer vera', start: `${next}T03:00:00Z`, end: `${next}T04:30:00Z`,
    })]);
    await page.locator('.fc-event.event-mine').waitFor();
    await screenshot(page, 'oidc-signed-in-booked');
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}, 90_000);
