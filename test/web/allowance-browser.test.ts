/**
 * The booking rules on the calendar page, in a real browser (Debian's Chromium, playwright-core),
 * served by the real server in local auth mode with BOOKING_RULES set: the booking dialog shows the
 * caller's allowance beside it (POST /allowance) with the numbers the server counts, booking goes
 * on until the server refuses, the dialog shows the server's refusal and the allowance asked again.
 * Without BOOKING_RULES, the page asks for no allowance: it makes the requests it made before.
 * Screenshots go under screenshots/ (SCREENSHOT_DIR).
 */
import { DateTime } from 'luxon';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { accessibilityFindings, launchBrowser, screenshot, textOnceIt } from '../support/browser.js';
import { bearer, startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { startTogether, stopAll } from '../support/teardown.js';

const ZONE = 'America/Denver';
const SITES = JSON.stringify({ saf: { name: 'Santa Fe', latitude: 35.554, longitude: -105.87, elevation_m: 2_300, timezone: ZONE } });
const BOOKING_RULES = JSON.stringify({
  default: { shortest_minutes: 15, longest_hours: 4, notice_minutes: 30, ahead_days: 30, per_night: { hours: 4, bookings: 2 }, held: { hours: 20 } },
});
const LOCAL = { AUTH_JWKS_URI: '', AUTH_ISSUER: '', AUTH_AUDIENCE: '', SITES };

/** A day a week ahead at Santa Fe (inside ahead_days), its night's label as the server writes it, and a time on it in the site's zone. */
const DAY = DateTime.now().setZone(ZONE).plus({ days: 7 }).toISODate()!;
const NIGHT = DateTime.fromISO(DAY).toFormat('d LLL yyyy');
const local = (hhmm: string, days = 0): DateTime => DateTime.fromISO(`${DAY}T${hhmm}`, { zone: ZONE }).plus({ days });
const utc = (time: DateTime): string => time.toUTC().toISO({ suppressMilliseconds: true })!;
const input = (time: DateTime): string => time.toFormat("yyyy-LL-dd'T'HH:mm");

let idp: IdentityProvider;
let ruled: CalendarUnderTest;
let plain: CalendarUnderTest;
let browser: Browser;

async function tokenFor(api: CalendarUnderTest, name: string, admin = false): Promise<string> {
  const answer = await api.post('/dev/token', { name, admin }, { 'content-type': 'application/json' });
  expect(answer.status).toBe(200);
  return (answer.json() as { access_token: string }).access_token;
}

async function book(api: CalendarUnderTest, token: string, fields: Record<string, unknown>): Promise<void> {
  const answer = await api.post('/newevent', { event_id: `seed-${Math.random().toString(36).slice(2)}`, site: 'saf', resourceId: 'saf', ...fields }, bearer(token));
  expect({ status: answer.status, text: answer.status === 200 ? '' : answer.text }).toEqual({ status: 200, text: '' });
}

beforeAll(async () => {
  idp = await new IdentityProvider().start();
  [ruled, plain, browser] = await startTogether(
    startCalendar(idp, undefined, { ...LOCAL, BOOKING_RULES }),
    startCalendar(idp, undefined, LOCAL),
    launchBrowser(),
  );
}, 90_000);
afterAll(() => stopAll(browser, ruled, plain, idp));

/** The page of `api` at DAY, watched: script and console errors, and each API request as "METHOD /path". */
async function openPage(api: CalendarUnderTest): Promise<{ context: BrowserContext; page: Page; problems: string[]; asked: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1100 }, timezoneId: 'Asia/Tokyo', locale: 'en-US' });
  const page = await context.newPage();
  const problems: string[] = [];
  const asked: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  // The refusal the scenario provokes is logged by the browser as a failed load: that is the page working.
  page.on('console', (message) => {
    if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) problems.push(message.text());
  });
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (!path.startsWith('/assets/')) asked.push(`${request.method()} ${path}`);
  });
  await page.goto(`${api.url}/?site=saf&view=day&date=${DAY}`);
  await page.locator('body[data-ready="true"]').waitFor({ timeout: 20_000 });
  await page.locator('.fc-timegrid-col[data-date]').first().waitFor();
  return { context, page, problems, asked };
}

async function signInAs(page: Page, name: string): Promise<void> {
  await page.getByLabel('Sign in as').fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#signed-in-as').waitFor();
}


const nightLine = (page: Page): Locator => page.locator('#allowance-lines li[data-rule="per_night"]');
const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

it('the booking dialog shows the allowance the server counts; booking goes on until the server refuses, whose reason the dialog shows, with the allowance asked again', async () => {
  const erin = await tokenFor(ruled, 'erin');
  const root = await tokenFor(ruled, 'root', true);
  // Three hours of Erin's that night already: one booking.
  await book(ruled, erin, { title: 'Erin: M33', start: utc(local('20:00')), end: utc(local('23:00')) });
  const { context, page, problems, asked } = await openPage(ruled);
  try {
    await signInAs(page, 'erin');
    await page.getByRole('button', { name: 'Book…' }).click();
    // The dialog starts at 20:00 on the day shown: that night's allowance.
    await textOnceIt(nightLine(page), new RegExp(`^${escaped(`Per night (the night of ${NIGHT}): 3 h of 4 h used, 1 h left; 1 of 2 bookings used, 1 left.`)}$`));
    await expect(page.locator('#allowance-title').textContent()).resolves.toBe('Your allowance at saf');
    await expect(page.locator('#allowance-lines li[data-rule="held"]').textContent()).resolves.toBe('Held from now on: 3 h of 20 h used, 17 h left.');
    await expect(page.locator('#allowance-rules').textContent()).resolves.toMatch(/^Bookings last 15 min to 4 h; start from \w{3} \d+ \w{3} \d\d:\d\d to \w{3} \d+ \w{3} \d\d:\d\d\.$/);
    // Accessible with the panel shown.
    const findings = (await accessibilityFindings(page)).filter((f) => f.impact === 'serious' || f.impact === 'critical');
    expect(findings).toEqual([]);

    // Half an hour more is within it: booked, and the next dialog counts it.
    await page.getByLabel('Start').fill(input(local('23:00')));
    await page.getByLabel('End').fill(input(local('23:30')));
    await page.getByRole('button', { name: 'Save' }).click();
    await textOnceIt(page.locator('#status'), /^Booked "erin's session"/);
    await page.getByRole('button', { name: 'Book…' }).click();
    await textOnceIt(nightLine(page), new RegExp(`^${escaped(`Per night (the night of ${NIGHT}): 3.5 h of 4 h used, 0.5 h left; 2 of 2 bookings used, 0 left.`)}$`));

    // A new start asks for its night's allowance again (the same night: the same numbers).
    const asks = (): number => asked.filter((line) => line === 'POST /allowance').length;
    const opened = asks();
    await page.getByLabel('Start').fill(input(local('23:30')));
    await page.getByLabel('End').fill(input(local('00:00', 1)));
    await page.waitForLoadState('networkidle');
    expect(asks()).toBe(opened + 1);
    await expect(nightLine(page).textContent()).resolves.toContain('3.5 h of 4 h used');
    // Meanwhile an admin books half an hour in Erin's name: the panel is behind until the server's refusal.
    await book(ruled, root, { creator: 'erin', creator_id: 'erin', title: 'For Erin', start: utc(local('19:00')), end: utc(local('19:30')) });
    const before = asks();
    await page.getByRole('button', { name: 'Save' }).click();
    await textOnceIt(page.locator('#event-error'), new RegExp(`^${escaped(`Not saved: 409: At saf you may book 4 h per night; you hold 4 h on the night of ${NIGHT}, and this booking needs 0.5 h.`)}$`));
    await textOnceIt(nightLine(page), new RegExp(`^${escaped(`Per night (the night of ${NIGHT}): 4 h of 4 h used, 0 h left; 3 of 2 bookings used, 0 left.`)}$`));
    expect(asks()).toBe(before + 1);
    const shot = await screenshot(page, 'allowance-refused');
    process.stderr.write(`allowance screenshot: ${shot}\n`);

    // A shape rule's refusal (400) is told the same way.
    await page.getByLabel('End').fill(input(local('04:00', 1)));
    await page.getByRole('button', { name: 'Save' }).click();
    await textOnceIt(page.locator('#event-error'), /^Not saved: 400: At saf a booking lasts at most 4 h; this one lasts 4.5 h\.$/);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}, 90_000);

it('without BOOKING_RULES the page asks for no allowance: signing in and opening the dialog make the requests they made before', async () => {
  const { context, page, problems, asked } = await openPage(plain);
  try {
    await signInAs(page, 'frank');
    await page.getByRole('button', { name: 'Book…' }).click();
    await page.locator('#event-dialog[open]').waitFor();
    await page.getByLabel('Start').fill(input(local('21:00')));
    // Give an answer the time to come, were one asked for.
    await page.waitForLoadState('networkidle');
    await expect(page.locator('#allowance').isHidden()).resolves.toBe(true);
    expect([...new Set(asked)].sort()).toEqual(['GET /', 'GET /me', 'POST /availability', 'POST /dev/token', 'POST /siteevents', 'POST /sites']);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});
