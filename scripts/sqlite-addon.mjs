#!/usr/bin/env node
/**
 * Builds better-sqlite3's addon for the Lambda runtime's Node 22 into .cache/ (git-ignored), once
 * per better-sqlite3 and Node version, for the test pass under that Node: node_modules holds the
 * build for the Node that ran `npm ci`, and a native addon only loads under the ABI it was built for.
 * The sources are the installed package's; the headers come from the npm registry's Node package;
 * node-gyp is npm's own. Prints the addon's path (the value of SQLITE_ADDON).
 *
 * node-gyp lets every npm_config_* environment variable override its command line, and npm exports
 * the user's npmrc to scripts that way: a machine whose npmrc says `nodedir=/usr` (Node 20's headers)
 * would silently get a Node 20 addon in the Node 22 folder, which Node 22 refuses with "Module did
 * not self-register". So the build runs without them, and the result is loaded under Node 22 before
 * it is kept.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLambdaNode, ensureLambdaNodeHeaders, LAMBDA_NODE_VERSION } from './lambda-node.mjs';
import { cacheRoot } from './npm-cache.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function ensureSqliteAddonForLambdaNode() {
  const source = join(root, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  const target = join(cacheRoot, `better-sqlite3-${version}-node-${LAMBDA_NODE_VERSION}`);
  const addon = join(target, 'better_sqlite3.node');
  if (existsSync(addon)) return addon;

  const node = ensureLambdaNode();
  const nodedir = ensureLambdaNodeHeaders();
  const gyp = join(npmRoot(), 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const work = mkdtempSync(join(cacheRoot, 'sqlite-build-'));
  try {
    for (const part of ['binding.gyp', 'src', 'deps', 'package.json']) cpSync(join(source, part), join(work, part), { recursive: true });
    process.stderr.write(`building better-sqlite3 ${version} for Node ${LAMBDA_NODE_VERSION} (about a minute and a half, once)\n`);
    try {
      execFileSync(node, [gyp, 'rebuild', '--release', `--nodedir=${nodedir}`, '-j', 'max'], {
        cwd: work,
        stdio: 'pipe',
        maxBuffer: 64 * 1024 * 1024,
        env: withoutNpmConfig(process.env),
      });
    } catch (error) {
      // The compiler's warnings are noise on success; on failure they are the explanation.
      process.stderr.write(`${error.stdout ?? ''}${error.stderr ?? ''}`);
      throw new Error(`node-gyp could not build better-sqlite3 for Node ${LAMBDA_NODE_VERSION} (it needs python3, make and a C++ compiler)`);
    }
    const built = join(work, 'build', 'Release');
    checkLoads(node, join(built, 'better_sqlite3.node'));
    try {
      renameSync(built, target);
    } catch (error) {
      if (!existsSync(addon)) throw error; // another process finished first
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return addon;
}

function withoutNpmConfig(env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.toLowerCase().startsWith('npm_config_')));
}

/** Opens a database with the new addon under the Node it was built for; throws what that Node said. */
function checkLoads(node, addon) {
  const probe = `const D = require(${JSON.stringify(join(root, 'node_modules', 'better-sqlite3'))});
new D(':memory:', { nativeBinding: ${JSON.stringify(addon)} }).prepare('select 1').get();`;
  try {
    execFileSync(node, ['-e', probe], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`the better-sqlite3 addon built for Node ${LAMBDA_NODE_VERSION} does not load under it: ${String(error.stderr ?? error.message).trim()}`);
  }
}

/** The folder npm itself is installed in (its node-gyp builds addons the way npm ci does). */
function npmRoot() {
  return execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${ensureSqliteAddonForLambdaNode()}\n`);
}
