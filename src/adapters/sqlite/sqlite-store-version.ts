import Database from 'better-sqlite3';
import type { StoreVersion } from '../../application/ports/store-version.port.js';
import { addonOption, type SqliteDatabase } from './database.js';

/**
 * The database file's `PRAGMA data_version`, read on a connection of its own that never writes: it
 * changes with every commit of any other connection, in this process or another. (A connection does
 * not see its own commits there, which is why the store's connection cannot be asked.)
 */
export class SqliteStoreVersion implements StoreVersion {
  private readonly db: SqliteDatabase;
  private readonly statement;

  constructor(path: string) {
    this.db = new Database(path, { ...addonOption(), fileMustExist: true });
    this.statement = this.db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  current(): number {
    return this.statement.get()!;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
