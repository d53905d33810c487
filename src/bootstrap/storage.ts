import { randomBytes } from 'node:crypto';
import type { ProjectsGateway } from '../application/ports/projects-gateway.port.js';
import type { ReservationStore } from '../application/ports/reservation-store.port.js';
import type { ScheduleTrackingStore } from '../application/ports/schedule-tracking-store.port.js';
import type { FeedKeyStore } from '../application/ports/feed-keys.port.js';
import type { StoreVersion } from '../application/ports/store-version.port.js';
import { SqliteStoreVersion } from '../adapters/sqlite/sqlite-store-version.js';
import { DynamoDbFeedKeyStore } from '../adapters/dynamodb/dynamodb-feed-key-store.js';
import { InMemoryFeedKeyStore } from '../adapters/memory/in-memory-feed-key-store.js';
import { SqliteFeedKeyStore } from '../adapters/sqlite/sqlite-feed-key-store.js';
import { createDynamoDbClients } from '../adapters/dynamodb/client.js';
import { DynamoDbMigration } from '../adapters/dynamodb/dynamodb-migration.js';
import { DynamoDbReservationStore } from '../adapters/dynamodb/dynamodb-reservation-store.js';
import { DynamoDbScheduleTrackingStore } from '../adapters/dynamodb/dynamodb-schedule-tracking-store.js';
import { ensureTables } from '../adapters/dynamodb/tables.js';
import { InMemoryProjectsGateway } from '../adapters/memory/in-memory-projects-gateway.js';
import { InMemoryReservationStore } from '../adapters/memory/in-memory-reservation-store.js';
import { InMemoryScheduleTrackingStore } from '../adapters/memory/in-memory-schedule-tracking-store.js';
import { openSqliteDatabase, schemaVersion } from '../adapters/sqlite/database.js';
import { SqliteProjectsGateway } from '../adapters/sqlite/sqlite-projects-gateway.js';
import { SqliteReservationStore } from '../adapters/sqlite/sqlite-reservation-store.js';
import { SqliteScheduleTrackingStore } from '../adapters/sqlite/sqlite-schedule-tracking-store.js';
import { loadOrCreateDynamoDbSecret } from '../adapters/dynamodb/dynamodb-secret.js';
import { cursorSecretPath, loadOrCreateFileSecret, SECRET_BYTES } from '../adapters/secrets/file-secret.js';
import type { AppConfig } from './config.js';
import { dynamoDbFailure, sqliteFailure } from './startup-error.js';

export interface Storage {
  readonly store: ReservationStore;
  readonly tracking: ScheduleTrackingStore;
  /** The private calendar-feed keys, in the same store, so every process and instance resolves them. */
  readonly feedKeys: FeedKeyStore;
  /**
   * The secret that seals change-feed cursors (AesGcmFeedCursorCodec), kept beside the data so that
   * every process shares it and a restart keeps cursors good: a file next to the SQLite database, an
   * item of the DynamoDB table; random per process for a database in memory.
   */
  cursorSecret(): Promise<Uint8Array>;
  /**
   * Changes with every commit from any process, where the store can tell so exactly (a SQLite file):
   * the read cache is kept only then, and the calendar feeds' cache is keyed by it. DynamoDB cannot (its reads are eventually consistent, and
   * nothing tells one instance of another's writes), nor can an in-memory database.
   */
  readonly storeVersion?: StoreVersion;
  /** The embedded projects service, used when PROJECTS_API_URL is unset. */
  readonly embeddedProjects: ProjectsGateway;
  /**
   * Brings stored data written by earlier versions (or the previous service) to what this one
   * expects, and reports what it did. Safe to run again. SQLite's schema migrations already ran when
   * it was opened, so it reports the schema version.
   */
  migrate(): Promise<Record<string, unknown>>;
  /** Readiness: one real query of the store; throws when the store cannot answer. */
  check(): Promise<void>;
  /** Releases what was opened (the database file, the DynamoDB client's sockets). */
  close(): void;
}

/**
 * The one place that opens the storage adapters `config.storage` names: the server, the Lambda
 * handlers and the command-line tools all come here. On a local DynamoDB endpoint (DynamoDB Local)
 * the tables are created when missing; on AWS they belong to the deployment.
 */
export async function openStorage(config: AppConfig): Promise<Storage> {
  switch (config.storage) {
    case 'sqlite': {
      let db;
      try {
        db = openSqliteDatabase(config.sqlitePath, { synchronous: config.sqliteSynchronous });
      } catch (error) {
        throw sqliteFailure(config, error);
      }
      const store = new SqliteReservationStore(db);
      const storeVersion = config.sqlitePath === ':memory:' ? undefined : new SqliteStoreVersion(config.sqlitePath);
      return {
        store,
        ...(storeVersion ? { storeVersion } : {}),
        tracking: new SqliteScheduleTrackingStore(db),
        feedKeys: new SqliteFeedKeyStore(db),
        cursorSecret: config.sqlitePath === ':memory:' ? processSecret() : async () => loadOrCreateFileSecret(cursorSecretPath(config.sqlitePath)),
        embeddedProjects: new SqliteProjectsGateway(db),
        migrate: async () => ({ storage: 'sqlite', path: config.sqlitePath, schemaVersion: schemaVersion(db) }),
        check: () => probe(store),
        close: () => {
          storeVersion?.close();
          if (db.open) db.close();
        },
      };
    }
    case 'dynamodb': {
      const { raw, doc } = createDynamoDbClients({
        region: config.awsRegion,
        ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
      });
      const names = { calendar: config.dynamodbCalendarTable, scheduleTracking: config.scheduleTrackingTable };
      try {
        if (config.dynamodbEndpoint) await ensureTables(raw, names);
      } catch (error) {
        raw.destroy();
        throw dynamoDbFailure(config, error);
      }
      const store = new DynamoDbReservationStore(doc, { tableName: names.calendar });
      return {
        store,
        tracking: new DynamoDbScheduleTrackingStore(doc, names.scheduleTracking),
        feedKeys: new DynamoDbFeedKeyStore(doc, names.calendar),
        cursorSecret: () => loadOrCreateDynamoDbSecret(doc, names.calendar, 'feed-cursor'),
        embeddedProjects: new InMemoryProjectsGateway(),
        migrate: async () => ({ storage: 'dynamodb', table: names.calendar, ...(await new DynamoDbMigration(doc, names.calendar).run()) }),
        check: () => probe(store),
        close: () => raw.destroy(),
      };
    }
    case 'memory': {
      const store = new InMemoryReservationStore();
      return {
        store,
        tracking: new InMemoryScheduleTrackingStore(),
        feedKeys: new InMemoryFeedKeyStore(),
        cursorSecret: processSecret(),
        embeddedProjects: new InMemoryProjectsGateway(),
        migrate: async () => ({ storage: 'memory' }),
        check: () => probe(store),
        close: () => undefined,
      };
    }
  }
}

/** A secret of this process alone (the same at every call), for storage that does not outlive it either. */
function processSecret(): () => Promise<Uint8Array> {
  const secret = randomBytes(SECRET_BYTES);
  return async () => secret;
}

/** A read of an id no event has: it exercises the connection, the table and the credentials. */
async function probe(store: ReservationStore): Promise<void> {
  await store.get('#readiness-probe');
}
