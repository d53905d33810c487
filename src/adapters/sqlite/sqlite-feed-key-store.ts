import type { FeedKeyOwner, FeedKeyStore } from '../../application/ports/feed-keys.port.js';
import type { SqliteDatabase } from './database.js';

/** Calendar-feed-key digests in `feed_keys`: one row per user, the digest unique, so a rotation is one UPDATE. */
export class SqliteFeedKeyStore implements FeedKeyStore {
  private readonly insert;
  private readonly replace;
  private readonly select;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare<[string, string, string]>('INSERT OR IGNORE INTO feed_keys (sub, digest, created_at) VALUES (?, ?, ?)');
    this.replace = db.prepare<[string, string, string]>(
      `INSERT INTO feed_keys (sub, digest, created_at) VALUES (?, ?, ?)
       ON CONFLICT (sub) DO UPDATE SET digest = excluded.digest, created_at = excluded.created_at`,
    );
    this.select = db.prepare<[string], { sub: string; created_at: string }>('SELECT sub, created_at FROM feed_keys WHERE digest = ?');
  }

  async bind(sub: string, digest: string, createdAt: string, replace: boolean): Promise<boolean> {
    return (replace ? this.replace : this.insert).run(sub, digest, createdAt).changes === 1;
  }

  async owner(digest: string): Promise<FeedKeyOwner | undefined> {
    const row = this.select.get(digest);
    return row && { sub: row.sub, createdAt: row.created_at };
  }
}
