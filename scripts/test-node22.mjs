#!/usr/bin/env node
/**
 * `npm run test:node22`: the whole jest suite again, under Node 22 (the Lambda runtime's, and a
 * current LTS line) rather than the Node that runs npm. Every process of the pass uses it: jest and
 * its workers, and whatever the tests spawn through PATH (npm, node). SQLITE_ADDON points them at
 * better-sqlite3 built for it (scripts/sqlite-addon.mjs). Arguments go to jest.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLambdaNode } from './lambda-node.mjs';
import { ensureSqliteAddonForLambdaNode } from './sqlite-addon.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = ensureLambdaNode();
const addon = ensureSqliteAddonForLambdaNode();
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
process.stderr.write(`jest under Node ${version}\n`);
const result = spawnSync(node, [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    PATH: `${dirname(node)}:${process.env.PATH ?? ''}`,
    NODE_OPTIONS: '--experimental-vm-modules',
    SQLITE_ADDON: addon,
  },
});
process.exit(result.status ?? 1);
