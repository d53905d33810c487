/**
 * The SQLite store's group commit: the writes that reach the store in the same event-loop turn run
 * in one `BEGIN IMMEDIATE` transaction, each inside its own savepoint, and share its COMMIT (under
 * `synchronous = FULL`, its one fsync). Each write sees those before it, so a rule checked inside a
 * write holds between them as between separate transactions. A refusal (a domain error) rolls back
 * only its own savepoint. Any other failure, of one write or of the COMMIT, leaves nothing of the
 * group; each of its writes then runs again alone, so only the one at fault fails. Every write is
 * answered only after its COMMIT has returned.
 */
import { SqliteError, type Transaction } from 'better-sqlite3';
import { DomainError, ReservationConflictError, StoreUnavailableError } from '../../domain/errors.js';
import type { SqliteDatabase } from './database.js';

const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED']);

/** A write waiting for the next group commit, and how its caller learns the outcome. */
interface PendingWrite {
  /** The write's own transaction function, called inside the group's (so as a savepoint). */
  readonly run: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** What the group commits have done since the store was opened: commits, and the writes in them. */
export interface GroupCommitStats {
  transactions: number;
  writes: number;
}

export class GroupCommit {
  private readonly groupTx: Transaction<(writes: readonly PendingWrite[]) => Outcome[]>;
  private readonly aloneTx: Transaction<(write: PendingWrite) => unknown>;
  private pending: PendingWrite[] = [];
  /** For tests and figures: how many writes the group commits have shared among how many commits. */
  readonly stats: GroupCommitStats = { transactions: 0, writes: 0 };

  constructor(db: SqliteDatabase) {
    // Each write's own transaction function, called in here, becomes a savepoint: its refusal rolls
    // back only itself. Anything else aborts the group (see commitPending).
    this.groupTx = db.transaction((writes: readonly PendingWrite[]): Outcome[] => writes.map((write) => {
      try {
        return { ok: true, value: write.run() };
      } catch (error) {
        // A statement error such as SQLITE_FULL may have rolled back the whole transaction.
        if (!isRefusal(error) || !db.inTransaction) throw error;
        return { ok: false, error };
      }
    }));
    this.aloneTx = db.transaction((write: PendingWrite): unknown => write.run());
  }

  /** Queues a write for the group commit at the end of this event-loop turn (see the class). */
  enqueue<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => this.commitPending());
    });
  }

  /** Commits the queued writes together, then answers each. */
  private commitPending(): void {
    const writes = this.pending;
    this.pending = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.groupTx.immediate(writes);
      this.stats.transactions += 1;
      this.stats.writes += writes.length;
    } catch (error) {
      // The write lock could not be had (or a lone write failed): every write fails alike, and
      // running each alone would only wait out the busy timeout again, once per write.
      if (writes.length === 1 || isBusy(error)) {
        for (const write of writes) write.reject(storeError(error));
        return;
      }
      // One write failed otherwise, or the COMMIT did: nothing of the group was kept. Alone, each
      // write succeeds or fails on its own.
      outcomes = writes.map((write): Outcome => {
        try {
          return { ok: true, value: this.aloneTx.immediate(write) };
        } catch (failure) {
          return { ok: false, error: failure };
        }
      });
    }
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) writes[i]!.resolve(outcome.value);
      else writes[i]!.reject(storeError(outcome.error));
    });
  }

  /** Runs a write outside the group commit (the purge: long, rare, and alone anyway). */
  alone<T>(operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      throw storeError(error);
    }
  }
}

/**
 * The SQLite result code of a better-sqlite3 error. Told by its name and code, not instanceof: the
 * addon keeps the SqliteError class of the first module instance (and JavaScript realm) that loaded
 * it, and a test runner that loads the module again per test file, each in a realm of its own,
 * would otherwise fail to recognise its errors.
 */
function sqliteCode(error: unknown): string | undefined {
  if (error instanceof SqliteError) return error.code;
  const { name, code } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; code?: unknown };
  return name === 'SqliteError' && typeof code === 'string' ? code : undefined;
}

function isBusy(error: unknown): boolean {
  return BUSY_CODES.has(sqliteCode(error) ?? '');
}

/**
 * A write's own refusal, which rolls back only its savepoint: a domain error, or the overlap
 * triggers' backstop (the schema's only RAISE(ABORT), so this code is always one of them).
 */
function isRefusal(error: unknown): boolean {
  return error instanceof DomainError || sqliteCode(error) === 'SQLITE_CONSTRAINT_TRIGGER';
}

/** SQLite's lock and trigger failures as domain errors; anything else as it is. */
function storeError(error: unknown): unknown {
  if (isBusy(error)) return new StoreUnavailableError('The calendar database is busy; please retry.');
  if (sqliteCode(error) === 'SQLITE_CONSTRAINT_TRIGGER') return new ReservationConflictError([]);
  return error;
}
