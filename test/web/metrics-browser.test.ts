/**
 * Issue 28, hardening F3: a page of another origin open in a browser on this machine must not read
 * GET /metrics, in a real browser (Debian's Chromium, driven by playwright-core). The browser runs
 * on this machine, so its requests come from loopback by a loopback name with no proxy header: just
 * what `METRICS=local` lets in. Before: /metrics answered with `Access-Control-Allow-Origin: *`, and
 * such a page read every figure. The calendar's own page (its own origin) still may.
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';
import { fromOtherOrigins } from '../support/other-origins.js';
import { startTogether, stopAll } from '../support/teardown.js';

let idp: IdentityProvider;
let api: CalendarUnderTest;
let elsewhere: LoopbackServer;
let browser: Browser;

beforeAll(async () => {
  idp = await new IdentityProvider().start();
  [api, elsewhere, browser] = await startTogether(
    // The default of `npm start`: local auth mode, METRICS=local.
    startCalendar(idp, undefined, { AUTH_JWKS_URI: '', AUTH_ISSUER: '', AUTH_AUDIENCE: '' }),
    startLoopbackServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end('<!doctype html><title>another page</title><p>nothing to see</p>');
    }),
    launchBrowser(),
  );
  expect((await fetch(`${api.url}/metrics`)).status).toBe(200); // a scraper on this machine reads them
}, 90_000);
afterAll(() => stopAll(browser, elsewhere, api, idp));

interface Attempt { readonly how: string; readonly read?: number; readonly failure?: string }

/** Every way a page can ask for the metrics: a plain GET, another spelling, a preflighted one, no-cors. */
function attack(page: Page, calendar: string): Promise<Attempt[]> {
  return page.evaluate(async (calendarUrl) => {
    const tries: [string, string, RequestInit][] = [
      ['a plain GET', '/metrics', {}],
      ['another spelling of the path', '/METRICS/', {}],
      ['a preflighted GET', '/metrics', { headers: { 'x-scraper': '1' } }],
      ['no-cors', '/metrics', { mode: 'no-cors' }],
    ];
    const attempts: Attempt[] = [];
    for (const [how, path, init] of tries) {
      try {
        const answer = await fetch(`${calendarUrl}${path}`, init);
        const text = await answer.text();
        if (answer.ok && text.includes('calendar_http_requests_total')) attempts.push({ how, read: text.length });
        else attempts.push({ how, failure: `${answer.type} ${answer.status}: ${text.slice(0, 100)}` });
      } catch (error) {
        attempts.push({ how, failure: String(error) });
      }
    }
    return attempts;
  }, calendar);
}

it('a page of another loopback origin cannot read GET /metrics, and the server renders nothing for it', async () => {
  const { results, answered, setups } = await fromOtherOrigins(browser, elsewhere.url, api, /^\/metrics\/?$/i, attack);
  const read = results.filter((r) => r.read !== undefined);
  process.stderr.write(`metrics, another origin in Chromium: ${results.length} attempts, ${read.length} read ` +
    `(${read.map((r) => `${r.how}: ${r.read} bytes`).join('; ')}); failures: ${JSON.stringify([...new Set(results.map((r) => r.failure))])}; ` +
    `the server answered ${JSON.stringify(answered)}\n`);
  expect(read).toEqual([]);
  expect(results).toHaveLength(setups * 4);
  // The server itself refused: nothing was rendered for a page of another origin, not merely hidden by the browser.
  expect(answered.filter((a) => a.startsWith('GET 200'))).toEqual([]);
}, 60_000);

it("the calendar's own page may read them (its own origin)", async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${api.url}/about`);
    const text = await page.evaluate(async () => (await fetch('/metrics')).text());
    expect(text).toContain('calendar_http_requests_total');
  } finally {
    await context.close();
  }
}, 60_000);
