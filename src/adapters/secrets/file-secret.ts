import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where a SQLite deployment keeps its change-feed cursor secret: beside the database, like the local signing key. */
export const cursorSecretPath = (sqlitePath: string): string => join(dirname(sqlitePath), 'feed-cursor.key');

/** How many random bytes a stored secret holds. */
export const SECRET_BYTES = 32;

/**
 * A secret kept in a file (base64url, mode 0600, in a folder made 0700 when it does not exist),
 * made on first use. Written whole to a file of its own and then linked into place, so that of
 * processes starting together exactly one makes it, and none reads it half written.
 */
export function loadOrCreateFileSecret(path: string): Buffer {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const draft = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
    writeFileSync(draft, randomBytes(SECRET_BYTES).toString('base64url'), { mode: 0o600, flag: 'wx' });
    try {
      linkSync(draft, path);
    } catch (error) {
      // Another process made it first; use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  const secret = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64url');
  if (secret.length < SECRET_BYTES) throw new Error(`${path} does not hold a secret of ${SECRET_BYTES} bytes (base64url); remove it to make a new one.`);
  return secret;
}
