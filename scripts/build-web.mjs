#!/usr/bin/env node
/**
 * Builds the calendar page (web/) into dist/web/ with esbuild: the script and the style sheet,
 * minified, named by a hash of their content (assets/calendar-<hash>.js), each also stored
 * gzip- and brotli-compressed, and index.html naming them. A file's name changes whenever its
 * content does, so the server sends the assets with a year-long, immutable cache lifetime and the
 * page itself with none.
 *
 * Run by `npm run build` (and so by `npm start`), by `npm test`, and by the Lambda build, which
 * puts the same files into its bundle.
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds into `outdir` (default dist/web); resolves to the page's files and their sizes. */
export async function buildWeb(outdir = join(root, 'dist', 'web')) {
  rmSync(outdir, { recursive: true, force: true });
  const assets = join(outdir, 'assets');
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
    metafile: true,
    tsconfig: join(root, 'web', 'tsconfig.json'),
    logLevel: 'warning',
  });
  const written = Object.keys(result.metafile.outputs).map((path) => join(root, path));
  const named = (ending) => basename(written.find((path) => path.endsWith(ending)));
  const files = { script: named('.js'), style: named('.css') };
  const sizes = {};
  for (const name of Object.values(files)) {
    const body = readFileSync(join(assets, name));
    const gz = gzipSync(body, { level: 9 });
    const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
    writeFileSync(join(assets, `${name}.gz`), gz);
    writeFileSync(join(assets, `${name}.br`), br);
    sizes[name] = { bytes: body.length, gzip: gz.length, brotli: br.length };
  }
  const template = readFileSync(join(root, 'web', 'index.html'), 'utf8');
  writeFileSync(join(outdir, 'index.html'), template.replace('{{script}}', files.script).replace('{{style}}', files.style));
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, 'manifest.json'), `${JSON.stringify({ ...files, sizes }, null, 2)}\n`);
  return { outdir, files, sizes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outdir, sizes } = await buildWeb(process.argv[2]);
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  for (const [name, s] of Object.entries(sizes)) process.stdout.write(`${join(outdir, 'assets', name)} ${kib(s.bytes)} (gzip ${kib(s.gzip)}, brotli ${kib(s.brotli)})\n`);
}
