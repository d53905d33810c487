import { build } from 'esbuild';
import { statSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
const root = '/work/main';
const noSqlite = { name: 'no-sqlite', setup(b) {
  b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: 'better-sqlite3', namespace: 'no-sqlite' }));
  b.onLoad({ filter: /.*/, namespace: 'no-sqlite' }, () => ({ contents: `export class SqliteError extends Error {} export default function Database() { throw new Error('x'); }`, loader: 'js' }));
} };
const outdir = process.argv[2];
rmSync(outdir, { recursive: true, force: true });
const r = await build({ entryPoints: { index: root + '/src/bootstrap/lambda.ts' }, outdir, outExtension: { '.js': '.mjs' }, splitting: !!process.env.SPLIT, bundle: true, platform: 'node', target: 'node22', format: 'esm', minify: !process.env.NOMIN,
  mainFields: ['module', 'main'], metafile: true,
  external: process.env.EXT ? process.env.EXT.split(',') : [], plugins: [noSqlite], tsconfig: root + '/tsconfig.json',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" }, logLevel: 'warning' });
let total = 0; for (const f of readdirSync(outdir)) { const s = statSync(outdir + '/' + f).size; total += s; console.log(f, (s / 1024).toFixed(0)); }
console.log('total KiB', (total / 1024).toFixed(0));
writeFileSync('/tmp/meta.json', JSON.stringify(r.metafile));
