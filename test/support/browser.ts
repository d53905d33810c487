import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium (.ci/run installs it); Playwright's own browser download does not work here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium as root on a closed network: without the background-networking switches it
 * keeps trying (and failing) to reach Google's services.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Where the browser tests save what they saw (git-ignored): one PNG per scenario, for a reviewer. */
export const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? join(process.cwd(), 'screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  writeFileSync(path, await page.screenshot({ fullPage: true }));
  return path;
}

export interface AxeFinding {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: number;
}

/**
 * axe-core's findings on the page as it is now (WCAG 2.1 A and AA rules). The engine is evaluated
 * through the browser's debugging protocol, which the page's Content-Security-Policy does not
 * govern, so the page is checked with its real policy in force.
 */
export async function accessibilityFindings(page: Page): Promise<AxeFinding[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  return page.evaluate<AxeFinding[]>(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
    .then((result) => result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length })))`);
}


/**
 * The element's text once it matches (the page answers asynchronously); a timeout says what the page
 * showed instead.
 */
export async function textOnceIt(locator: Locator, matches: RegExp): Promise<string> {
  try {
    await locator.filter({ hasText: matches }).waitFor({ timeout: 20_000 });
  } catch {
    throw new Error(`expected ${String(matches)}; the page shows ${JSON.stringify(await locator.textContent())}`);
  }
  return (await locator.textContent()) ?? '';
}
