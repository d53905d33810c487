/**
 * Issue 28, point 5: a page of another origin on this machine (another dev server, a page opened
 * from anywhere) must not be able to sign in as an admin through POST /dev/token, in a real
 * browser (Debian's Chromium, driven by playwright-core). Before: a text/plain POST needs no
 * preflight, the answer carried `Access-Control-Allow-Origin: *`, and the page read an admin token
 * and deleted a booking with it. The calendar's own page still signs in.
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { bearer, startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';
import { fromOtherOrigins } from '../support/other-origins.js';
import { startTogether, stopAll } from '../support/teardown.js';

const LOCAL = { AUTH_JWKS_URI: '', AUTH_ISSUER: '', AUTH_AUDIENCE: '' };
const JSON_TYPE = { 'content-type': 'application/json' };

let idp: IdentityProvider;
let api: CalendarUnderTest;
let elsewhere: LoopbackServer;
let browser: Browser;

const START = `${new Date().getUTCFullYear() + 1}-03-01T03:00:00Z`;
const END = `${new Date().getUTCFullYear() + 1}-03-01T05:00:00Z`;

beforeAll(async () => {
  idp = await new IdentityProvider().start();
  [api, elsewhere, browser] = await startTogether(
    startCalendar(idp, undefined, LOCAL),
    // Another origin on this machine: any page at all, here an empty one.
    startLoopbackServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end('<!doctype html><title>another page</title><p>nothing to see</p>');
    }),
    launchBrowser(),
  );
  const bob = await api.post('/dev/token', { name: 'bob' }, JSON_TYPE);
  expect(bob.status).toBe(200);
  const booked = await api.post('/newevent', {
    event_id: 'bob-booking', site: 'saf', start: START, end: END, creator: 'bob', title: 'Bob: M42', reservation_type: 'realtime', project_id: 'none',
  }, bearer((bob.json() as { access_token: string }).access_token));
  expect(booked.status).toBe(200);
}, 90_000);
afterAll(() => stopAll(browser, elsewhere, api, idp));

interface Attempt { readonly how: string; readonly token?: string; readonly failure?: string; readonly deleted?: number }

/**
 * What a page can do: ask for an admin token every way a page can (no preflight, with one, another
 * spelling of the path), and with any token it could read, delete the booking.
 */
function attack(page: Page, calendar: string): Promise<Attempt[]> {
  return page.evaluate(async (calendarUrl) => {
    const body = JSON.stringify({ name: 'mallory', admin: true });
    const tries: [string, string, RequestInit][] = [
      ['text/plain, no preflight', '/dev/token', { method: 'POST', body }],
      ['application/json, preflighted', '/dev/token', { method: 'POST', body, headers: { 'content-type': 'application/json' } }],
      ['another spelling of the path', '/DEV/TOKEN/', { method: 'POST', body }],
      ['a form post', '/dev/token', { method: 'POST', body: new URLSearchParams({ name: 'mallory', admin: 'true' }) }],
    ];
    const attempts: Attempt[] = [];
    for (const [how, path, init] of tries) {
      try {
        const answer = await fetch(`${calendarUrl}${path}`, init);
        const text = await answer.text();
        const token = answer.ok ? (JSON.parse(text) as { access_token?: string }).access_token : undefined;
        if (!token) {
          attempts.push({ how, failure: `${answer.status}: ${text}` });
          continue;
        }
        const deleted = await fetch(`${calendarUrl}/delete`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ event_id: 'bob-booking' }) });
        attempts.push({ how, token, deleted: deleted.status });
      } catch (error) {
        attempts.push({ how, failure: String(error) });
      }
    }
    return attempts;
  }, calendar);
}

it('a page of another loopback origin can neither read a token from POST /dev/token nor delete a booking with one', async () => {
  const { results, answered, setups } = await fromOtherOrigins(browser, elsewhere.url, api, /^\/dev\/token\/?$/i, attack);
  const minted = results.filter((r) => r.token !== undefined);
  process.stderr.write(`dev token, another origin in Chromium: ${results.length} attempts, ${minted.length} tokens read, ` +
    `deletes ${JSON.stringify(minted.map((r) => r.deleted))}; failures: ${JSON.stringify([...new Set(results.map((r) => r.failure))])}; ` +
    `the server answered ${JSON.stringify(answered)}\n`);
  expect(minted).toEqual([]);
  // The server itself refused: no token was made, not merely hidden from the page by the browser.
  expect(answered.filter((a) => a.startsWith('POST 200'))).toEqual([]);
  expect(results).toHaveLength(setups * 4);
  const left = (await api.post('/siteevents', { site: 'saf', start: START, end: END })).json() as { event_id: string }[];
  expect(left.map((e) => e.event_id)).toEqual(['bob-booking']);
}, 60_000);

it("the calendar's own page still signs in through it (the same request from its own origin)", async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${api.url}/about`);
    const me = await page.evaluate(async () => {
      const minted = await fetch('/dev/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'carol', admin: true }) });
      const { access_token: token } = (await minted.json()) as { access_token: string };
      return (await fetch('/me', { headers: { authorization: `Bearer ${token}` } })).json() as Promise<unknown>;
    });
    expect(me).toEqual({ user_id: 'carol', name: 'carol', admin: true });
  } finally {
    await context.close();
  }
}, 60_000);
