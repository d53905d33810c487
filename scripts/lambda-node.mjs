#!/usr/bin/env node
/**
 * Makes sure a Node.js 22 binary, the Lambda runtime's (nodejs22.x), is in .cache/node-<version> (git-ignored),
 * for the tests and the benchmark that run the Lambda bundle under it. The binary comes from the npm
 * registry's `node-<platform>-<arch>` package (the one the `node` package installs), of which only
 * `bin/node` is kept. Prints the binary's path. Safe to run concurrently and repeatedly.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot, ensureFromNpm } from './npm-cache.mjs';

export const LAMBDA_NODE_VERSION = '22.23.3';
const PACKAGE = `node-${process.platform}-${process.arch}@${LAMBDA_NODE_VERSION}`;
const folder = join(cacheRoot, `node-${LAMBDA_NODE_VERSION}`);

export function ensureLambdaNode() {
  const binary = join(folder, 'node');
  ensureFromNpm(PACKAGE, 'package/bin/node', folder, binary);
  return binary;
}

/**
 * The same release's C headers (`include/node/`), for building native addons against it. Returns the
 * folder to pass to node-gyp as --nodedir.
 */
export function ensureLambdaNodeHeaders() {
  const nodedir = join(cacheRoot, `node-${LAMBDA_NODE_VERSION}-headers`);
  mkdirSync(nodedir, { recursive: true });
  ensureFromNpm(PACKAGE, 'package/include', join(nodedir, 'include'), join(nodedir, 'include', 'node', 'node.h'));
  return nodedir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${ensureLambdaNode()}\n`);
}
