#!/usr/bin/env node
/**
 * Makes sure AWS's DynamoDB Local is in .cache/dynamodb-local (git-ignored), for the tests that
 * start it. The jar comes from the npm package amplify-dynamodb-simulator, of which only the
 * `emulator/` folder is kept: installing the package itself would drag in the Amplify CLI's tree.
 * Prints the folder holding DynamoDBLocal.jar. Safe to run concurrently and repeatedly.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot, ensureFromNpm } from './npm-cache.mjs';

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const target = join(cacheRoot, 'dynamodb-local');

export function ensureDynamoDbLocal() {
  ensureFromNpm(PACKAGE, 'package/emulator', target, join(target, 'DynamoDBLocal.jar'));
  return target;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${ensureDynamoDbLocal()}\n`);
}
