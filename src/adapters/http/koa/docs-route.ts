/**
 * GET /docs: the interactive API reference. Swagger UI's standalone bundle (the npm package
 * swagger-ui-dist) is served by the calendar itself, so the page needs nothing from the network; it
 * reads /openapi.json beside it, and "Try it out" sends real requests to this server with the token
 * put in "Authorize".
 */
import type Router from '@koa/router';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Set by scripts/build-lambda.mjs: the bundle carries the two files in docs/ beside it. */
declare const __CALENDAR_DOCS_IN_BUNDLE__: boolean | undefined;

const ASSETS = { 'swagger-ui-bundle.js': 'text/javascript; charset=utf-8', 'swagger-ui.css': 'text/css; charset=utf-8' } as const;

function assetFolder(): string {
  if (typeof __CALENDAR_DOCS_IN_BUNDLE__ === 'boolean' && __CALENDAR_DOCS_IN_BUNDLE__) {
    // dist/lambda/docs/, whether this code landed in the entry or in a chunk below it.
    const here = dirname(fileURLToPath(import.meta.url));
    return [join(here, 'docs'), join(here, '..', 'docs')].find((folder) => existsSync(folder)) ?? join(here, 'docs');
  }
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

// The page's own script is a file, not inline, so that the Content-Security-Policy can forbid inline
// scripts. Relative URLs keep the page working behind a path prefix (an API Gateway stage).
const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: new URL('openapi.json', window.location.href).href,
    dom_id: '#reference',
    deepLinking: true,
    persistAuthorization: true,
    tryItOutEnabled: true,
    displayRequestDuration: true,
  });
});
`;

/** Swagger UI sets styles inline; everything else comes from this server. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface DocsOptions {
  /** A line shown above the reference: how to get a token for this deployment. */
  readonly tokenHint: string;
  readonly version: string;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Registers GET /docs and its assets on the router. The assets are read on first request. */
export function registerDocs(router: Router, options: DocsOptions): void {
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Photon Ranch calendar API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="docs/swagger-ui.css?v=${encodeURIComponent(options.version)}">
</head>
<body>
<main>
<p id="token-hint" style="font-family: sans-serif; margin: 1em 2em">${escapeHtml(options.tokenHint)} Then choose <b>Authorize</b> and paste it.</p>
<div id="reference"></div>
</main>
<script src="docs/swagger-ui-bundle.js?v=${encodeURIComponent(options.version)}"></script>
<script src="docs/init.js?v=${encodeURIComponent(options.version)}"></script>
</body>
</html>
`;
  const cache = new Map<string, Buffer>();
  const asset = (name: keyof typeof ASSETS): Buffer => {
    let body = cache.get(name);
    if (!body) {
      body = readFileSync(join(assetFolder(), name));
      cache.set(name, body);
    }
    return body;
  };
  router.get('/docs', (ctx) => {
    // The router also matches /docs/, where the page's relative URLs would miss; send the browser to
    // /docs (relatively, so that a path prefix in front stays).
    if (ctx.path.endsWith('/')) {
      ctx.status = 301;
      ctx.set('Location', '../docs');
      ctx.body = '';
      return;
    }
    ctx.set('Content-Security-Policy', CSP);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page;
  });
  router.get('/docs/init.js', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.body = INIT;
  });
  for (const name of Object.keys(ASSETS) as Array<keyof typeof ASSETS>) {
    router.get(`/docs/${name}`, (ctx) => {
      ctx.set('Cache-Control', 'public, max-age=86400');
      ctx.type = ASSETS[name];
      ctx.body = asset(name);
    });
  }
}
