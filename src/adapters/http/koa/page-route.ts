/**
 * GET /: the calendar page, and GET /assets/<file>: its script and style sheet, as
 * scripts/build-web.mjs builds them into dist/web (the Lambda bundle carries a copy in web/).
 * The assets are named by their content's hash, so they are cached for a year and never revalidated;
 * the page itself is sent fresh (it names the current assets, and holds the deployment's sign-in
 * settings and a per-response nonce for the styles FullCalendar inserts).
 */
import type Router from '@koa/router';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpProblem } from '../errors.js';

/** Set by scripts/build-lambda.mjs: the bundle carries the built page in web/ beside it. */
declare const __CALENDAR_WEB_IN_BUNDLE__: boolean | undefined;

/** What the page is told of the deployment (it reads this from the page, not from a request). */
export interface PageSettings {
  /** OpenID Connect sign-in (UI_OIDC_*), or none. */
  readonly oidc: { readonly issuer: string; readonly clientId: string; readonly audience: string } | null;
  /** Local auth mode: the page offers "sign in as" through POST /dev/token. */
  readonly localSignIn: boolean;
  /**
   * BOOKING_RULES sets a rule: the booking dialog shows the caller's allowance (POST /allowance).
   * Absent without rules, so that the page asks for nothing it did not ask for before.
   */
  readonly bookingRules?: true;
}

interface Built {
  readonly page: string;
  /** Asset name → its bytes, raw and compressed. */
  readonly assets: ReadonlyMap<string, { readonly type: string; readonly raw: Buffer; readonly gzip: Buffer; readonly br: Buffer }>;
}

/** Where the built page is: beside the Lambda bundle, or dist/web of the checkout this code runs from. */
function builtPageFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  if (typeof __CALENDAR_WEB_IN_BUNDLE__ === 'boolean' && __CALENDAR_WEB_IN_BUNDLE__) {
    return [join(here, 'web'), join(here, '..', 'web')].find((folder) => existsSync(folder)) ?? join(here, 'web');
  }
  // src/adapters/http/koa (tsx, the tests) or dist/adapters/http/koa (npm start): the checkout's root
  // is the nearest folder up with a package.json.
  let folder = here;
  while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
  return join(folder, 'dist', 'web');
}

function load(folder: string): Built {
  const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { script: string; style: string };
  const assets = new Map<string, { type: string; raw: Buffer; gzip: Buffer; br: Buffer }>();
  for (const [name, type] of [[manifest.script, 'text/javascript; charset=utf-8'], [manifest.style, 'text/css; charset=utf-8']] as const) {
    const path = join(folder, 'assets', name);
    assets.set(name, { type, raw: readFileSync(path), gzip: readFileSync(`${path}.gz`), br: readFileSync(`${path}.br`) });
  }
  return { page: readFileSync(join(folder, 'index.html'), 'utf8'), assets };
}

/** JSON inside a <script> element: `<` escaped, so no value can close the element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

const YEAR_IMMUTABLE = 'public, max-age=31536000, immutable';

/** The encoding to send: brotli, then gzip, when the client accepts it (q=0 refuses). */
function encodingFor(acceptEncoding: string): 'br' | 'gzip' | undefined {
  const accepted = new Set(acceptEncoding.toLowerCase().split(',').flatMap((part) => {
    const [name, ...params] = part.trim().split(';');
    return params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p)) ? [] : [name!.trim()];
  }));
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip') || accepted.has('*')) return 'gzip';
  return undefined;
}

export function registerPage(router: Router, settings: PageSettings, folder = builtPageFolder()): void {
  let built: Built | undefined;
  const get = (): Built => {
    if (!built) {
      try {
        built = load(folder);
      } catch {
        // Said without the server's own paths: anyone may ask for the page.
        throw new HttpProblem(503, 'The calendar page is not built on this server (npm run build makes it); the API works without it.');
      }
    }
    return built;
  };
  // The provider's endpoints (discovery, token, keys) are called from the page.
  const connect = ["'self'", ...(settings.oidc ? [new URL(settings.oidc.issuer).origin] : [])].join(' ');
  const settingsJson = scriptJson(settings);

  router.get('/', (ctx) => {
    const { page } = get();
    const nonce = randomBytes(16).toString('base64');
    ctx.set('Content-Security-Policy', `default-src 'none'; script-src 'self'; style-src 'self' 'nonce-${nonce}'; img-src 'self' data:; ` +
      `font-src 'self' data:; connect-src ${connect}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page.replace('{{nonce}}', nonce).replace('{{settings}}', settingsJson);
  });
  router.get('/assets/:file', (ctx) => {
    const asset = get().assets.get((ctx as unknown as { params: { file: string } }).params.file);
    if (!asset) throw new HttpProblem(404, 'Not found.');
    const encoding = encodingFor(ctx.get('accept-encoding'));
    ctx.set('Cache-Control', YEAR_IMMUTABLE);
    ctx.set('Vary', 'Accept-Encoding');
    ctx.type = asset.type;
    if (encoding) ctx.set('Content-Encoding', encoding);
    ctx.body = encoding === 'br' ? asset.br : encoding === 'gzip' ? asset.gzip : asset.raw;
  });
}
