#!/usr/bin/env node
/**
 * Builds the calendar page (web/) into dist/web/ with esbuild: the script and the style sheet,
 * minified, named by a hash of their content (assets/calendar-<hash>.js), each also stored
 * gzip- and brotli-compressed, and index.html naming them. A file's name changes whenever its
 * content does, so the server sends the assets with a year-long, immutable cache lifetime and the
 * page itself with none.
 *
 * Run by `npm run build` (and so by `npm start`), by `npm test`, and by the Lambda build, which
 * puts the same files into its bundle. Each file is replaced whole, never removed and rewritten, so
 * a build may run while a server reads dist/web (the README test's `npm start` does, beside the
 * browser tests).
 */
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Writes a file whole or not at all (a temporary file renamed over it): a server reading the page
 * while a build runs (`npm start` builds; the tests build too) never sees half a file.
 */
function writeAtomically(path, body) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, body);
  renameSync(temporary, path);
}

/** Builds into `outdir` (default dist/web); resolves to the page's files and their sizes. */
export async function buildWeb(outdir = join(root, 'dist', 'web')) {
  const assets = join(outdir, 'assets');
  mkdirSync(assets, { recursive: true });
  const result = await build({
    entryPoints: { calendar: join(root, 'web', 'calendar.ts'), style: join(root, 'web', 'calendar.css') },
    outdir: assets,
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // Browsers of the last few years: <dialog>, ES2020 and CSS custom properties.
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    write: false,
    tsconfig: join(root, 'web', 'tsconfig.json'),
    logLevel: 'warning',
  });
  const named = (ending) => result.outputFiles.find((file) => file.path.endsWith(ending));
  const outputs = { script: named('.js'), style: named('.css') };
  const files = { script: basename(outputs.script.path), style: basename(outputs.style.path) };
  const sizes = {};
  const kept = new Set();
  for (const output of Object.values(outputs)) {
    const name = basename(output.path);
    const body = Buffer.from(output.contents);
    const gz = gzipSync(body, { level: 9 });
    const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
    for (const [ending, bytes] of [['', body], ['.gz', gz], ['.br', br]]) {
      writeAtomically(join(assets, `${name}${ending}`), bytes);
      kept.add(`${name}${ending}`);
    }
    sizes[name] = { bytes: body.length, gzip: gz.length, brotli: br.length };
  }
  const template = readFileSync(join(root, 'web', 'index.html'), 'utf8');
  writeAtomically(join(outdir, 'index.html'), template.replace('{{script}}', files.script).replace('{{style}}', files.style));
  writeAtomically(join(outdir, 'manifest.json'), `${JSON.stringify({ ...files, sizes }, null, 2)}\n`);
  // Assets of earlier builds: their names say their content changed since.
  for (const name of readdirSync(assets)) if (!kept.has(name) && !name.endsWith('.tmp')) rmSync(join(assets, name), { force: true });
  return { outdir, files, sizes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outdir, sizes } = await buildWeb(process.argv[2]);
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  for (const [name, s] of Object.entries(sizes)) process.stdout.write(`${join(outdir, 'assets', name)} ${kib(s.bytes)} (gzip ${kib(s.gzip)}, brotli ${kib(s.brotli)})\n`);
}
