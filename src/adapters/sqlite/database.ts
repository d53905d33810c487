import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.js';

export type SqliteDatabase = Database.Database;
type SynchronousMode = 'NORMAL' | 'FULL';

interface SqliteOptions {
  /** How long a writer waits for another process's lock before giving up, in milliseconds. */
  readonly busyTimeoutMs?: number;
  readonly synchronous?: SynchronousMode;
}

/**
 * SQLITE_ADDON names a better-sqlite3 addon built for the running Node when node_modules holds one
 * built for another: native addons are tied to Node's ABI, and the test suite's second pass runs
 * under the Lambda runtime's Node 22 on a tree installed by the machine's Node. Unset, better-sqlite3
 * loads its own build.
 */
export function addonOption(): { nativeBinding?: string } {
  const addon = process.env.SQLITE_ADDON;
  return addon ? { nativeBinding: addon } : {};
}

/**
 * Opens (creating if needed) the calendar database: WAL so readers never wait for the writer, a
 * busy timeout so concurrent processes queue for the write lock, and the schema migrated to the
 * latest version.
 */
export function openSqliteDatabase(path: string, options: SqliteOptions = {}): SqliteDatabase {
  if (path !== ':memory:') createPrivately(path);
  const db = new Database(path, addonOption());
  db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

/**
 * Makes the database's folder (0700) and file (0600) readable by this user only, when they do not
 * exist yet: the calendar holds users' private notes, and the folder also holds local mode's signing
 * key. SQLite gives its -wal and -shm files the database file's permissions. Existing files are left
 * as their owner set them.
 */
function createPrivately(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
}

/**
 * Applies the migrations newer than `PRAGMA user_version`, each in its own IMMEDIATE transaction
 * that re-reads the version, so several processes starting at once migrate exactly once.
 */
export function migrate(db: SqliteDatabase): void {
  for (const [index, sql] of MIGRATIONS.entries()) {
    const version = index + 1;
    db.transaction(() => {
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current >= version) return;
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
}

export function schemaVersion(db: SqliteDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}
