/**
 * The calendar page in a real browser (Debian's Chromium, driven by playwright-core), served by the
 * real server on loopback in local auth mode, as a user sees it: seeded events in the right slots of
 * the site's time zone (the browser itself is in Tokyo), "sign in as", booking by dragging, another
 * user's booking in the way, moving by drag, deleting, an LCO observation that cannot be dragged, a
 * change made elsewhere (412), the keyboard, the accessibility engine, and a phone's width. Each
 * scenario saves a screenshot under screenshots/ (SCREENSHOT_DIR).
 */
import { writeFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { accessibilityFindings, launchBrowser, screenshot, textOnceIt, type AxeFinding } from '../support/browser.js';
import { bearer, startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { startTogether, stopAll } from '../support/teardown.js';

const SITES = JSON.stringify({
  mrc1: { name: 'Mountain Ranch Camp 1', latitude: 34.459, longitude: -119.681, elevation_m: 330, timezone: 'America/Los_Angeles' },
  saf: { name: 'Santa Fe', latitude: 35.554, longitude: -105.87, elevation_m: 2_300, timezone: 'America/Denver' },
});
/**
 * The week (Sunday to Saturday) holding June 18 of next year: in Pacific Daylight Time (UTC-7), and
 * inside the two years ahead the server computes nights for. day(n) is its n-th day (0: Sunday);
 * at(n, 'HH:mm') a UTC time on it.
 */
const june18 = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 5, 18));
const sunday = june18.getTime() - june18.getUTCDay() * 86_400_000;
const day = (n: number): string => new Date(sunday + n * 86_400_000).toISOString().slice(0, 10);
const at = (n: number, hhmm: string): string => `${day(n)}T${hhmm}:00Z`;
const WEEK = `/?site=mrc1&view=week&date=${day(3)}`;

let idp: IdentityProvider;
let api: CalendarUnderTest;
let readOnly: CalendarUnderTest;
let browser: Browser;
const tokens: Record<string, string> = {};

async function tokenFor(name: string, admin = false): Promise<string> {
  const answer = await api.post('/dev/token', { name, admin }, { 'content-type': 'application/json' });
  expect(answer.status).toBe(200);
  return (answer.json() as { access_token: string }).access_token;
}

interface Stored { event_id: string; start: string; end: string; creator_id: string; title: string; version: number }
async function eventsOn(site: string, start: string, end: string): Promise<Stored[]> {
  return (await api.post('/siteevents', { site, start, end })).json() as Stored[];
}
const weekEvents = (): Promise<Stored[]> => eventsOn('mrc1', at(-1, '00:00'), at(8, '00:00'));

async function book(token: string, event: Record<string, unknown>): Promise<void> {
  const answer = await api.post('/newevent', { site: 'mrc1', resourceId: 'mrc1', reservation_type: 'realtime', project_id: 'none', ...event }, bearer(token));
  expect(answer.status).toBe(200);
}

beforeAll(async () => {
  idp = await new IdentityProvider().start();
  [api, readOnly, browser] = await startTogether(
    startCalendar(idp, undefined, { AUTH_JWKS_URI: '', AUTH_ISSUER: '', AUTH_AUDIENCE: '', SITES }),
    startCalendar(idp, undefined, { SITES }),
    launchBrowser(),
  );
  tokens.bob = await tokenFor('bob');
  tokens.root = await tokenFor('root', true);
  await book(tokens.bob, { event_id: 'bob-session', creator: 'bob', creator_id: 'bob', title: 'Bob: NGC 6946', start: at(3, '03:00'), end: at(3, '05:00') });
  await book(tokens.bob, {
    event_id: 'bob-project', creator: 'bob', creator_id: 'bob', title: 'Bob: M31 mosaic', reservation_type: 'project',
    project_id: 'M31 survey#2026-01-01T00:00:00Z', start: at(2, '05:00'), end: at(2, '06:00'),
  });
  await book(tokens.root, {
    event_id: 'lco-obs', creator: 'LCO', creator_id: 'lco', title: 'LCO: supernova follow-up', origin: 'LCO', reservation_type: 'observation',
    start: at(4, '05:00'), end: at(4, '06:00'),
  });
}, 90_000);
afterAll(() => stopAll(browser, api, readOnly, idp));

/** A page in a browser set to Tokyo, so that any use of the browser's own zone would show. */
async function openPage(path = WEEK, viewport = { width: 1280, height: 1800 }): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport, timezoneId: 'Asia/Tokyo', locale: 'en-US' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  // A refusal the scenario provokes (409, 412) is logged by the browser as a failed load: those are
  // the page working. Script errors, other console errors and any 5xx are problems.
  page.on('console', (message) => {
    if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) problems.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`${response.status()} for ${response.url()}`);
  });
  await page.goto(`${api.url}${path}`);
  await page.locator('body[data-ready="true"]').waitFor({ timeout: 20_000 });
  await page.locator('.fc-timegrid-col[data-date]').first().waitFor();
  // The nights come from their own request: the page is loaded when they are drawn too.
  await page.locator('.fc-bg-event.band-night').first().waitFor();
  return { context, page, problems };
}

const event = (page: Page, id: string) => page.locator(`.fc-event[data-event-id="${id}"]`);

const exactly = (text: string): RegExp => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** The middle of a 30-minute slot of the time grid, in the page's coordinates. */
async function slot(page: Page, date: string, time: string): Promise<{ x: number; y: number }> {
  const column = await page.locator(`td.fc-timegrid-col[data-date="${date}"]`).boundingBox();
  const row = await page.locator(`td.fc-timegrid-slot-lane[data-time="${time}:00"]`).boundingBox();
  return { x: column!.x + column!.width / 2, y: row!.y + row!.height / 2 };
}

async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 15 });
  await page.mouse.up();
}

async function signInAs(page: Page, name: string, admin = false): Promise<void> {
  await page.getByLabel('Sign in as').fill(name);
  if (admin) await page.getByLabel('admin').check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await textOnceIt(page.locator('#signed-in-as'), exactly(`Signed in as ${name}${admin ? ' (admin)' : ''}`));
}

const serious = (findings: AxeFinding[]): AxeFinding[] => findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
const allFindings: Record<string, AxeFinding[]> = {};

it('loads with the seeded events in their slots in the site\'s time zone (UTC on hover), nights shaded with the Moon, LCO in its own colour, and the place in the address', async () => {
  const started = Date.now();
  const { context, page, problems } = await openPage();
  await event(page, 'bob-session').waitFor();
  const loadMs = Date.now() - started;
  process.stderr.write(`calendar page: week view with events and nights in ${loadMs} ms\n`);
  try {
    // 03:00Z on Wednesday is 20:00 on Tuesday in Los Angeles (UTC-7 in June), whatever the browser's zone.
    const box = (await event(page, 'bob-session').boundingBox())!;
    const column = (await page.locator(`td.fc-timegrid-col[data-date="${day(2)}"]`).boundingBox())!;
    const eight = (await page.locator('td.fc-timegrid-slot-lane[data-time="20:00:00"]').boundingBox())!;
    const ten = (await page.locator('td.fc-timegrid-slot-lane[data-time="22:00:00"]').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(column.x - 1);
    expect(box.x + box.width).toBeLessThanOrEqual(column.x + column.width + 1);
    expect(Math.abs(box.y - eight.y)).toBeLessThanOrEqual(2);
    expect(Math.abs(box.y + box.height - ten.y)).toBeLessThanOrEqual(2);
    await expect(event(page, 'bob-session').getAttribute('title')).resolves.toContain(`${day(3)} 03:00 UTC – ${day(3)} 05:00 UTC`);
    await expect(page.locator('#zone').textContent()).resolves.toBe('Times in America/Los_Angeles');
    // Title, creator, type and project on each event.
    const project = await event(page, 'bob-project').innerText();
    for (const text of ['Bob: M31 mosaic', 'bob', 'project', 'Project: M31 survey']) expect(project).toContain(text);
    // LCO's observation in its own colour, not draggable.
    const lco = event(page, 'lco-obs');
    await expect(lco.getAttribute('class')).resolves.toMatch(/\bevent-lco\b/);
    await expect(lco.innerText()).resolves.toContain('LCO observation');
    const colours = await page.evaluate<string[]>(`['lco-obs', 'bob-session'].map((id) => getComputedStyle(document.querySelector('.fc-event[data-event-id="' + id + '"]')).backgroundColor)`);
    expect(colours[0]).not.toBe(colours[1]);
    // The nights: twilight bands and the night itself, labelled with the Moon's phase.
    for (const kind of ['civil-twilight', 'nautical-twilight', 'astronomical-twilight', 'night']) {
      expect(await page.locator(`.fc-bg-event.band-${kind}`).count()).toBeGreaterThanOrEqual(7);
    }
    await expect(page.locator('.fc-bg-event.band-night .moon').first().textContent()).resolves.toMatch(/Moon, \d+% lit$/);
    expect(page.url()).toBe(`${api.url}${WEEK}`);
    await screenshot(page, 'week-view');
    // `npm run screenshot:readme` refreshes the README's picture from here, as the test saw the page.
    if (process.env.README_SCREENSHOT) writeFileSync(process.env.README_SCREENSHOT, await page.screenshot({ fullPage: true }));
    await page.getByRole('button', { name: 'Day', exact: true }).click();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.waitForURL(new RegExp(`view=day&date=${day(4)}$`));
    expect(await page.locator('td.fc-timegrid-col[data-date]').count()).toBe(1);
    await screenshot(page, 'week-view-then-day');
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
  // The same link shows the same day.
  const again = await openPage(`/?site=mrc1&view=day&date=${day(4)}`);
  try {
    await expect(again.page.locator('td.fc-timegrid-col[data-date]').getAttribute('data-date')).resolves.toBe(day(4));
    const title = new Date(`${day(4)}T12:00:00Z`).toLocaleDateString('en-US', { timeZone: 'UTC', month: 'long', day: 'numeric', year: 'numeric' });
    await expect(again.page.locator('.fc-toolbar-title').textContent()).resolves.toBe(title);
  } finally {
    await again.context.close();
  }
});

it('the site picker lists the telescopes from /sites, and choosing one shows its calendar in its own zone, in the address too', async () => {
  // A site with events but not configured is listed as well, by its code.
  await book(tokens.bob!, { event_id: 'bob-saf', site: 'saf', resourceId: 'saf', creator: 'bob', creator_id: 'bob', title: 'Bob at Santa Fe', start: at(3, '04:00'), end: at(3, '05:00') });
  await book(tokens.bob!, { event_id: 'bob-xyz1', site: 'xyz1', resourceId: 'xyz1', creator: 'bob', creator_id: 'bob', title: 'Bob at xyz1', start: at(3, '04:00'), end: at(3, '05:00') });
  const { context, page, problems } = await openPage();
  try {
    const picker = page.getByLabel('Telescope');
    await expect(picker.locator('option').allTextContents()).resolves.toEqual(['Mountain Ranch Camp 1 (mrc1)', 'Santa Fe (saf)', 'xyz1']);
    await expect(picker.inputValue()).resolves.toBe('mrc1');
    await picker.selectOption('saf');
    await page.waitForURL(new RegExp(`\\?site=saf&view=week&date=${day(3)}$`));
    await textOnceIt(page.locator('#zone'), exactly('Times in America/Denver'));
    // 04:00Z on Wednesday is 22:00 on Tuesday in Santa Fe (UTC-6 in June).
    await event(page, 'bob-saf').waitFor();
    await expect(event(page, 'bob-saf').innerText()).resolves.toContain('22:00');
    await expect(event(page, 'bob-session').count()).resolves.toBe(0);
    await screenshot(page, 'site-picker-saf');
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});

it('shows a "now" line on today\'s week', async () => {
  const { context, page } = await openPage('/?site=mrc1');
  try {
    await page.locator('.fc-timegrid-now-indicator-line').waitFor({ timeout: 10_000 });
    await screenshot(page, 'now-line');
  } finally {
    await context.close();
  }
});

it('signs in as a name, books by dragging, is refused with the 409 naming the booking in the way (nothing changes), moves by drag, resizes, and deletes', async () => {
  const { context, page, problems } = await openPage();
  try {
    // Before signing in, nothing can be selected or dragged.
    await expect(event(page, 'bob-session').getAttribute('class')).resolves.not.toMatch(/fc-event-draggable/);
    await signInAs(page, 'alice');
    await screenshot(page, 'signed-in');

    // Book 21:00–22:30 on Thursday (Los Angeles) by dragging down the grid.
    await drag(page, await slot(page, day(4), '21:00'), await slot(page, day(4), '22:00'));
    const dialog = page.locator('#event-dialog');
    await dialog.waitFor();
    await expect(page.getByLabel('Start').inputValue()).resolves.toBe(`${day(4)}T21:00`);
    await expect(page.getByLabel('End').inputValue()).resolves.toBe(`${day(4)}T22:30`);
    await page.getByLabel('Title', { exact: true }).fill('Alice: M51 in LRGB');
    await page.getByLabel('Note').fill('Dark flats after');
    await screenshot(page, 'booking-dialog');
    await page.getByRole('button', { name: 'Save' }).click();
    await textOnceIt(page.locator('#status'), /^Booked "Alice: M51 in LRGB"/);
    const booked = (await weekEvents()).find((e) => e.title === 'Alice: M51 in LRGB')!;
    expect(booked).toMatchObject({ creator_id: 'alice', start: at(5, '04:00'), end: at(5, '05:30'), reservation_note: 'Dark flats after' });
    await event(page, booked.event_id).waitFor();
    await screenshot(page, 'booked-by-drag');

    // Bob's session is in the way: the server's 409 is shown as it came, and nothing is stored.
    const before = await weekEvents();
    // From 19:00 (free) down into Bob's 20:00–22:00.
    await drag(page, await slot(page, day(2), '19:00'), await slot(page, day(2), '20:30'));
    await dialog.waitFor();
    await page.getByLabel('Title', { exact: true }).fill('Alice: overlapping');
    await page.getByRole('button', { name: 'Save' }).click();
    const refusal = page.locator('#event-error');
    await textOnceIt(refusal, exactly("Not saved: 409: The requested time overlaps another user's reservation at this site: bob-session"));
    await screenshot(page, 'refused-409');
    await page.getByRole('button', { name: 'Close' }).click();
    expect(await weekEvents()).toEqual(before);

    // Dragging Bob's event does nothing: it is not Alice's.
    await expect(event(page, 'bob-session').getAttribute('class')).resolves.not.toMatch(/fc-event-draggable/);

    // Move her booking a day later and an hour earlier by dragging it.
    await expect(event(page, booked.event_id).getAttribute('class')).resolves.toMatch(/fc-event-draggable/);
    const grip = (await event(page, booked.event_id).boundingBox())!;
    const from = { x: grip.x + grip.width / 2, y: grip.y + 8 };
    const target = await slot(page, day(5), '20:00');
    const origin = await slot(page, day(4), '21:00');
    await drag(page, from, { x: target.x, y: from.y + (target.y - origin.y) });
    await textOnceIt(page.locator('#status'), /^Moved "Alice: M51 in LRGB"/);
    const moved = (await weekEvents()).find((e) => e.event_id === booked.event_id)!;
    expect([moved.start, moved.end, moved.version]).toEqual([at(6, '03:00'), at(6, '04:30'), 2]);
    await screenshot(page, 'moved-by-drag');

    // Resize it: its end handle dragged down one 30-minute slot.
    await event(page, booked.event_id).hover();
    const handle = (await event(page, booked.event_id).locator('.fc-event-resizer-end').boundingBox())!;
    const slotHeight = (await page.locator('td.fc-timegrid-slot-lane[data-time="20:00:00"]').boundingBox())!.height;
    const grab = { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 };
    await drag(page, grab, { x: grab.x, y: grab.y + slotHeight });
    await textOnceIt(page.locator('#status'), new RegExp(`^Moved "Alice: M51 in LRGB" to ${day(6)} 03:00 UTC – ${day(6)} 05:00 UTC`));
    const resized = (await weekEvents()).find((e) => e.event_id === booked.event_id)!;
    expect([resized.start, resized.end, resized.version]).toEqual([at(6, '03:00'), at(6, '05:00'), 3]);

    // Open it and delete it.
    await event(page, booked.event_id).click();
    await dialog.waitFor();
    await expect(page.locator('#event-dialog-title').textContent()).resolves.toBe('Edit reservation');
    await page.getByRole('button', { name: 'Delete' }).click();
    await textOnceIt(page.locator('#status'), exactly('Deleted "Alice: M51 in LRGB".'));
    expect((await weekEvents()).some((e) => e.event_id === booked.event_id)).toBe(false);
    await expect(event(page, booked.event_id).count()).resolves.toBe(0);
    await screenshot(page, 'deleted');
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}, 90_000);

it('an LCO observation cannot be dragged, even by an admin, who may drag and edit anyone else\'s event', async () => {
  const { context, page } = await openPage();
  try {
    await signInAs(page, 'root', true);
    const lco = event(page, 'lco-obs');
    await expect(lco.getAttribute('class')).resolves.not.toMatch(/fc-event-draggable/);
    await expect(event(page, 'bob-session').getAttribute('class')).resolves.toMatch(/fc-event-draggable/);
    const box = (await lco.boundingBox())!;
    const start = { x: box.x + box.width / 2, y: box.y + 8 };
    await drag(page, start, { x: start.x + box.width * 1.5, y: start.y + 120 });
    await page.waitForTimeout(500);
    const after = (await weekEvents()).find((e) => e.event_id === 'lco-obs')!;
    expect([after.start, after.end, after.version]).toEqual([at(4, '05:00'), at(4, '06:00'), 1]);
    // Opening it shows it read-only.
    await lco.click();
    await expect(page.locator('#event-dialog-title').textContent()).resolves.toBe('LCO observation (read-only)');
    await expect(page.getByLabel('Title', { exact: true }).isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Save' }).isHidden()).resolves.toBe(true);
    await screenshot(page, 'lco-read-only');
    await page.getByRole('button', { name: 'Close' }).click();

    // The admin edits Bob's project booking in the dialog; it stays Bob's.
    await event(page, 'bob-project').click();
    await expect(page.locator('#event-dialog-title').textContent()).resolves.toBe('Edit reservation');
    await page.getByLabel('Title', { exact: true }).fill('Bob: M31 mosaic (moved by admin)');
    await page.getByRole('button', { name: 'Save' }).click();
    await textOnceIt(page.locator('#status'), exactly('Saved "Bob: M31 mosaic (moved by admin)".'));
    expect((await weekEvents()).find((e) => e.event_id === 'bob-project')).toMatchObject({ title: 'Bob: M31 mosaic (moved by admin)', creator_id: 'bob', version: 2 });
  } finally {
    await context.close();
  }
});

it('a change made elsewhere since the page loaded is refused with 412, and the page reloads the event with a message', async () => {
  const alice = await tokenFor('alice');
  await book(alice, { event_id: 'alice-412', creator: 'alice', creator_id: 'alice', title: 'Alice: first title', start: at(2, '04:00'), end: at(2, '05:00') });
  const { context, page } = await openPage();
  try {
    await signInAs(page, 'alice');
    await event(page, 'alice-412').click();
    await page.locator('#event-dialog').waitFor();
    // Meanwhile, in another tab, the title changes (version 2).
    const stored = (await weekEvents()).find((e) => e.event_id === 'alice-412')!;
    const elsewhere = await api.post('/modifyevent', { originalEvent: { event_id: 'alice-412' }, modifiedEvent: { ...stored, title: 'Alice: changed elsewhere' } }, bearer(alice));
    expect(elsewhere.status).toBe(200);
    await page.getByLabel('Title', { exact: true }).fill('Alice: my edit');
    await page.getByRole('button', { name: 'Save' }).click();
    await textOnceIt(page.locator('#event-error'), /changed elsewhere after the calendar loaded it; it has been reloaded/);
    await expect(page.getByLabel('Title', { exact: true }).inputValue()).resolves.toBe('Alice: changed elsewhere');
    expect((await weekEvents()).find((e) => e.event_id === 'alice-412')).toMatchObject({ title: 'Alice: changed elsewhere', version: 2 });
    await screenshot(page, 'reloaded-after-412');
  } finally {
    await context.close();
  }
});

it('works from the keyboard: sign in, open an event with Enter, book from the Book button', async () => {
  const { context, page } = await openPage();
  try {
    await page.getByLabel('Sign in as').focus();
    await page.keyboard.type('carol');
    await page.keyboard.press('Enter');
    await page.locator('#signed-in-as').waitFor();
    await event(page, 'bob-session').focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#event-dialog-title').textContent()).resolves.toBe("bob's reservation");
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Book…' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#event-dialog-title').textContent()).resolves.toBe('Book the telescope');
    await expect(page.evaluate<string>('document.activeElement.id')).resolves.toBe('event-title');
    // The week shown is not this week: the booking starts on its first evening, not now.
    await expect(page.getByLabel('Start').inputValue()).resolves.toBe(`${day(0)}T20:00`);
    await expect(page.getByLabel('End').inputValue()).resolves.toBe(`${day(0)}T21:00`);
  } finally {
    await context.close();
  }
});

it('a sign-in the server no longer accepts (401) ends the session on the page, which says so and offers sign-in again', async () => {
  const { context, page } = await openPage();
  try {
    await signInAs(page, 'erin');
    // As if the token had expired: the real server is sent one it cannot verify.
    await page.route('**/newevent', (route) => route.continue({ headers: { ...route.request().headers(), authorization: 'Bearer not.a-valid.token' } }));
    await page.getByRole('button', { name: 'Book…' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await textOnceIt(page.locator('#status'), /^Your sign-in has ended \(.+\); sign in again to change the calendar\.$/);
    await expect(page.getByLabel('Sign in as').isVisible()).resolves.toBe(true);
    await expect(page.locator('#event-dialog').isVisible()).resolves.toBe(false);
    expect((await weekEvents()).some((e) => e.creator_id === 'erin')).toBe(false);
  } finally {
    await context.close();
  }
});

it('has no serious accessibility findings (axe-core), signed out and in, with the dialog open, and at a phone\'s width', async () => {
  const wide = await openPage();
  try {
    allFindings.signedOut = await accessibilityFindings(wide.page);
    await signInAs(wide.page, 'dave');
    allFindings.signedIn = await accessibilityFindings(wide.page);
    await event(wide.page, 'bob-session').click();
    allFindings.dialog = await accessibilityFindings(wide.page);
  } finally {
    await wide.context.close();
  }
  const phone = await openPage(`/?site=mrc1&view=day&date=${day(2)}`, { width: 390, height: 844 });
  try {
    allFindings.phone = await accessibilityFindings(phone.page);
    // Readable at a phone's width: nothing wider than the screen.
    await expect(phone.page.evaluate<number>('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(390);
    await event(phone.page, 'bob-session').waitFor();
    await screenshot(phone.page, 'phone-day-view');
  } finally {
    await phone.context.close();
  }
  process.stderr.write(`axe-core findings: ${JSON.stringify(allFindings)}\n`);
  expect(Object.fromEntries(Object.entries(allFindings).map(([state, findings]) => [state, serious(findings)]))).toEqual({ signedOut: [], signedIn: [], dialog: [], phone: [] });
}, 60_000);

it('without a way to sign in configured, the page is read-only and says how to enable sign-in', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  try {
    await page.goto(`${readOnly.url}${WEEK}`);
    await textOnceIt(page.locator('#read-only-note'), /UI_OIDC_ISSUER, UI_OIDC_CLIENT_ID and UI_OIDC_AUDIENCE/);
    await expect(page.getByRole('button', { name: 'Sign in' }).count()).resolves.toBe(0);
    await screenshot(page, 'read-only');
  } finally {
    await context.close();
  }
});

/** A page whose loading the scenario watches itself: its script errors and console errors, and every request to the API. */
async function watchedPage(path: string): Promise<{ context: BrowserContext; page: Page; errors: string[]; asked: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, timezoneId: 'Asia/Tokyo', locale: 'en-US' });
  const page = await context.newPage();
  const errors: string[] = [];
  const asked: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('request', (request) => asked.push(`${request.method()} ${new URL(request.url()).pathname} ${request.postData() ?? ''}`));
  await page.goto(`${api.url}${path}`);
  await page.locator('body[data-ready="true"]').waitFor({ timeout: 20_000 });
  await page.locator('.fc-timegrid-col[data-date]').first().waitFor();
  return { context, page, errors, asked };
}

it.each(['2026-13-45', '0000-01-01', '9999-12-31'])('a date in the address that is not a day the calendar shows (%s) is refused in words, and today is shown in its place', async (bad) => {
  const { context, page, errors } = await watchedPage(`/?site=mrc1&view=week&date=${bad}`);
  try {
    await textOnceIt(page.locator('#status'), new RegExp(`"${bad}", which is not a day of the calendar .*showing today`));
    // Today in the site's zone (not the rolled-over 14 Feb 2027 the date would become), in the address too.
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'America/Los_Angeles' });
    await page.locator(`td.fc-timegrid-col[data-date="${today}"]`).waitFor();
    await page.waitForURL(new RegExp(`\\?site=mrc1&view=week&date=${today}$`));
    await expect(page.locator('td.fc-timegrid-col[data-date="2027-02-14"]').count()).resolves.toBe(0);
    await screenshot(page, `invalid-date-${bad}`);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('a week past the range the server computes nights for asks for no nights, and logs no error', async () => {
  const year = new Date().getUTCFullYear() + 3;
  await book(tokens.bob!, { event_id: 'bob-far', creator: 'bob', creator_id: 'bob', title: 'Bob, three years on', start: `${year}-06-20T05:00:00Z`, end: `${year}-06-20T06:00:00Z` });
  const { context, page, errors, asked } = await watchedPage(`/?site=mrc1&view=week&date=${year}-06-18`);
  try {
    // The events are there, the nights are not asked for, and nothing was refused.
    await event(page, 'bob-far').waitFor();
    expect(asked.filter((line) => line.startsWith('POST /siteevents'))).toHaveLength(1);
    expect(asked.filter((line) => line.startsWith('POST /availability'))).toEqual([]);
    await expect(page.locator('.fc-bg-event.night-band').count()).resolves.toBe(0);
    await expect(page.locator('#status').getAttribute('data-kind')).resolves.not.toBe('error');
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
