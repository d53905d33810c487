/**
 * Files the service creates are readable by their owner only (issue 11, point 13): the data folder
 * 0700; the SQLite database, its WAL and shared-memory files, and local mode's signing key 0600.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateLocalKeyPair } from '../../src/adapters/auth/local-signing-key.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { tempDir } from '../support/temp-dir.js';

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

it('under the usual umask 022: folder 0700, database, -wal, -shm and key 0600', () => {
  const previous = process.umask(0o022);
  const dir = tempDir('file-modes-');
  try {
    const data = join(dir.path, 'nested', 'data');
    const db = openSqliteDatabase(join(data, 'calendar.db'));
    db.prepare("INSERT INTO schedule_tracking (ptr_site, body) VALUES ('x', '{}')").run();
    expect(mode(join(dir.path, 'nested'))).toBe('700');
    expect(mode(data)).toBe('700');
    for (const file of ['calendar.db', 'calendar.db-wal', 'calendar.db-shm']) expect([file, mode(join(data, file))]).toEqual([file, '600']);
    db.close();
    const keys = loadOrCreateLocalKeyPair(join(dir.path, 'keys'));
    expect(mode(join(dir.path, 'keys'))).toBe('700');
    expect(mode(keys.path)).toBe('600');
  } finally {
    process.umask(previous);
    dir.remove();
  }
});

it('an existing folder keeps the mode its owner gave it', () => {
  const dir = tempDir('file-modes-');
  try {
    const shared = join(dir.path, 'shared');
    mkdirSync(shared, { mode: 0o750 });
    openSqliteDatabase(join(shared, 'c.db')).close();
    expect(mode(shared)).toBe('750');
    expect(mode(join(shared, 'c.db'))).toBe('600');
  } finally {
    dir.remove();
  }
});
