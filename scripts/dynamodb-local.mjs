#!/usr/bin/env node
/**
 * Makes sure AWS's DynamoDB Local is in .cache/dynamodb-local (git-ignored), for the tests that
 * start it. The jar comes from the npm package amplify-dynamodb-simulator, of which only the
 * `emulator/` folder is kept: installing the package itself would drag in the Amplify CLI's tree.
 * Prints the folder holding DynamoDBLocal.jar. Safe to run concurrently and repeatedly.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, '.cache', 'dynamodb-local');

export function ensureDynamoDbLocal() {
  if (existsSync(join(target, 'DynamoDBLocal.jar'))) return target;
  mkdirSync(join(root, '.cache'), { recursive: true });
  const work = mkdtempSync(join(root, '.cache', 'fetch-'));
  try {
    execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${PACKAGE} produced no tarball`);
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work, 'package/emulator']);
    try {
      renameSync(join(work, 'package', 'emulator'), target);
    } catch (error) {
      if (!existsSync(join(target, 'DynamoDBLocal.jar'))) throw error; // another process won the race
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return target;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${ensureDynamoDbLocal()}\n`);
}
