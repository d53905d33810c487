#!/usr/bin/env node
/**
 * Bundles the Lambda entry (src/bootstrap/lambda.ts) into dist/lambda/ for nodejs22.x: the entry
 * `index.mjs` plus the chunks it loads on demand, minified ES modules.
 *
 * Cold start is what this layout is for (measured by `npm run bench`):
 * - The DynamoDB client is bundled from the SDK's ES modules, so esbuild keeps only what the
 *   calendar calls. Loading the runtime's copy instead meant Node resolving, lexing and evaluating
 *   hundreds of CommonJS files on every cold start.
 * - Code splitting: what src/ imports dynamically (got, jwks-rsa, koa-jwt, the SDK's SSO and STS
 *   credential sources) is its own chunk, read only by the invocation that needs it.
 * - The SSM client stays external: only the import function asks for it, once per run, and the
 *   runtime provides it.
 * better-sqlite3 is replaced by a stub: Lambda runs on DynamoDB and has no native addon.
 * GET /docs serves two files of swagger-ui-dist, which are copied into docs/ beside the entry; the
 * calendar page (GET / and its assets) is built into web/ beside it (build-web.mjs).
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from './build-web.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'lambda');

const noSqlite = {
  name: 'no-sqlite',
  setup(b) {
    b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: 'better-sqlite3', namespace: 'no-sqlite' }));
    b.onLoad({ filter: /.*/, namespace: 'no-sqlite' }, () => ({
      contents: `export class SqliteError extends Error {}
        export default function Database() { throw new Error('SQLite is not available in the Lambda bundle; use STORAGE=dynamodb'); }`,
      loader: 'js',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { index: join(root, 'src', 'bootstrap', 'lambda.ts') },
  outdir,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  target: 'node22',
  define: {
    __CALENDAR_VERSION__: JSON.stringify(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version),
    __CALENDAR_DOCS_IN_BUNDLE__: 'true',
    __CALENDAR_WEB_IN_BUNDLE__: 'true',
  },
  format: 'esm',
  // ES modules first: the AWS SDK's dist-es can be tree-shaken, its CommonJS build cannot.
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  external: ['@aws-sdk/client-ssm'],
  plugins: [noSqlite],
  tsconfig: join(root, 'tsconfig.json'),
  // CommonJS dependencies call require(); give every ES module chunk one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});

const docs = join(outdir, 'docs');
mkdirSync(docs, { recursive: true });
for (const name of ['swagger-ui-bundle.js', 'swagger-ui.css']) copyFileSync(join(root, 'node_modules', 'swagger-ui-dist', name), join(docs, name));
await buildWeb(join(outdir, 'web'));

/** Every file of the bundle, in bytes: what the deployment package holds. */
export function bundleBytes(dir = outdir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? bundleBytes(path) : statSync(path).size;
  }
  return total;
}

process.stdout.write(`${outdir} ${(bundleBytes() / 1024).toFixed(0)} KiB (entry ${(statSync(join(outdir, 'index.mjs')).size / 1024).toFixed(0)} KiB)\n`);
