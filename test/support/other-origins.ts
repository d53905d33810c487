/**
 * Pages of another origin on this machine asking the calendar for something only its own page may
 * have: one page at 127.0.0.1 and one at localhost, asking the calendar by either name, in a real
 * browser. What the server answered is watched too, so a test can tell a server's refusal from a
 * browser merely hiding the answer from the page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import type { CalendarUnderTest } from './calendar-server.js';

export interface OtherOriginRun<T> {
  /** What `attack` gave, every setup's in turn. */
  readonly results: T[];
  /** The server's answers to requests whose path matched: "METHOD status". */
  readonly answered: string[];
  /** How many pages attacked. */
  readonly setups: number;
}

export async function fromOtherOrigins<T>(
  browser: Browser, otherPageUrl: string, api: CalendarUnderTest, watched: RegExp,
  attack: (page: Page, calendarUrl: string) => Promise<T[]>,
): Promise<OtherOriginRun<T>> {
  const port = new URL(otherPageUrl).port;
  const calendarPort = new URL(api.url).port;
  const setups = [
    { page: `http://127.0.0.1:${port}/`, calendar: `http://127.0.0.1:${calendarPort}` },
    { page: `http://localhost:${port}/`, calendar: `http://localhost:${calendarPort}` },
    { page: `http://localhost:${port}/`, calendar: `http://127.0.0.1:${calendarPort}` },
  ];
  const context = await browser.newContext();
  const results: T[] = [];
  const answered: string[] = [];
  const watch = (req: IncomingMessage, res: ServerResponse): void => {
    if (watched.test(req.url ?? '')) res.once('finish', () => answered.push(`${req.method} ${res.statusCode}`));
  };
  api.server.prependListener('request', watch);
  try {
    for (const setup of setups) {
      const page = await context.newPage();
      await page.goto(setup.page);
      results.push(...await attack(page, setup.calendar));
      await page.close();
    }
  } finally {
    api.server.off('request', watch);
    await context.close();
  }
  return { results, answered, setups: setups.length };
}
