/**
 * GET /docs in a real browser (Chromium): the reference renders every operation from
 * /openapi.json with nothing fetched from off the machine, and "Try it out" with a token put in
 * "Authorize" books a reservation on this server.
 */
import { writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { bearer, startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { startTogether, stopAll } from '../support/teardown.js';

let idp: IdentityProvider;
let api: CalendarUnderTest;
let browser: Browser;
beforeAll(async () => {
  idp = await new IdentityProvider().start();
  [api, browser] = await startTogether(startCalendar(idp, undefined), launchBrowser());
}, 60_000);
afterAll(() => stopAll(browser, api, idp));

it('renders every operation, loads nothing from elsewhere, and Try it out books with the token from Authorize', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const requested: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  try {
    await page.goto(`${api.url}/docs`);
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Photon Ranch calendar API' }).waitFor({ timeout: 20_000 });
    const operations = await page.locator('.opblock').count();
    const document = (await api.request('GET', '/openapi.json')).json() as { paths: Record<string, object> };
    expect(operations).toBe(Object.values(document.paths).reduce((n, methods) => n + Object.keys(methods).length, 0));
    await expect(page.locator('#token-hint').textContent()).resolves.toMatch(/Authorize/);

    const sub = 'google-oauth2|docs-user';
    const token = idp.token({ sub, name: 'Docs User' });
    await page.locator('.auth-wrapper .authorize').click();
    await page.locator('.modal-ux input[type=text], .modal-ux input[type=password]').first().fill(token);
    await page.locator('.modal-ux .auth-btn-wrapper .authorize').first().click();
    await page.locator('.modal-ux .btn-done').first().click();

    const booking = page.locator('#operations-Reservations-postNewevent');
    await booking.locator('.opblock-summary').click();
    // The page turns "Try it out" on for every operation (tryItOutEnabled): the body is editable at once.
    await expect(booking.locator('.try-out__btn').textContent()).resolves.toMatch(/Cancel/);
    const body = booking.locator('.opblock-section-request-body textarea');
    const example = JSON.parse(await body.inputValue()) as Record<string, unknown>;
    await body.fill(JSON.stringify({ ...example, event_id: 'booked-from-docs', creator_id: sub, start: '2039-01-01T01:00:00Z', end: '2039-01-01T02:00:00Z' }));
    await booking.locator('.execute').click();
    const status = booking.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 10_000 });
    expect((await status.textContent())?.trim()).toBe('200');
    if (process.env.DOCS_SCREENSHOT) writeFileSync(process.env.DOCS_SCREENSHOT, await page.screenshot({ fullPage: false }));

    const stored = await api.post('/siteevents', { site: 'saf', start: '2039-01-01T00:00:00Z', end: '2039-01-02T00:00:00Z' }, bearer(token));
    expect((stored.json() as Array<{ event_id: string; creator_id: string }>).map((e) => [e.event_id, e.creator_id])).toEqual([['booked-from-docs', sub]]);

    const origin = new URL(api.url).origin;
    expect(requested.filter((url) => !url.startsWith(origin) && !url.startsWith('data:'))).toEqual([]);
    expect(problems).toEqual([]);
  } finally {
    await page.close();
  }
}, 60_000);
