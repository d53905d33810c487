#!/usr/bin/env node
/**
 * Bundles the Lambda entry (src/bootstrap/lambda.ts) into dist/lambda/index.mjs for nodejs22.x:
 * one minified ES module. The AWS SDK v3 is left out (the Lambda runtime provides it), and
 * better-sqlite3 is replaced by a stub: Lambda runs on DynamoDB and has no native addon.
 */
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist', 'lambda', 'index.mjs');

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

await build({
  entryPoints: [join(root, 'src', 'bootstrap', 'lambda.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  external: ['@aws-sdk/*'],
  plugins: [noSqlite],
  tsconfig: join(root, 'tsconfig.json'),
  // CommonJS dependencies call require(); give the ES module one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});

process.stdout.write(`${outfile} ${(statSync(outfile).size / 1024).toFixed(0)} KiB\n`);
