#!/usr/bin/env node
/**
 * Makes sure a Node.js 22 binary, the Lambda runtime's (nodejs22.x), is in .cache/node-22 (git-ignored),
 * for the tests and the benchmark that run the Lambda bundle under it. The binary comes from the npm
 * registry's `node-<platform>-<arch>` package (the one the `node` package installs), of which only
 * `bin/node` is kept. Prints the binary's path. Safe to run concurrently and repeatedly.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LAMBDA_NODE_VERSION = '22.23.3';
const PACKAGE = `node-${process.platform}-${process.arch}@${LAMBDA_NODE_VERSION}`;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const folder = join(root, '.cache', `node-${LAMBDA_NODE_VERSION}`);
const binary = join(folder, 'node');

export function ensureLambdaNode() {
  if (existsSync(binary)) return binary;
  mkdirSync(join(root, '.cache'), { recursive: true });
  const work = mkdtempSync(join(root, '.cache', 'fetch-'));
  try {
    execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${PACKAGE} produced no tarball`);
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work, 'package/bin/node']);
    mkdirSync(join(work, 'out'));
    renameSync(join(work, 'package', 'bin', 'node'), join(work, 'out', 'node'));
    try {
      renameSync(join(work, 'out'), folder);
    } catch (error) {
      if (!existsSync(binary)) throw error; // another process won the race
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binary;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${ensureLambdaNode()}\n`);
}
