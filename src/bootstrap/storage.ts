import type { ProjectsGateway } from '../application/ports/projects-gateway.port.js';
import type { ReservationStore } from '../application/ports/reservation-store.port.js';
import type { ScheduleTrackingStore } from '../application/ports/schedule-tracking-store.port.js';
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
import type { AppConfig } from './config.js';

export interface Storage {
  readonly store: ReservationStore;
  readonly tracking: ScheduleTrackingStore;
  /** The embedded projects service, used when PROJECTS_API_URL is unset. */
  readonly embeddedProjects: ProjectsGateway;
  /**
   * Brings stored data written by earlier versions (or the previous service) to what this one
   * expects, and reports what it did. Safe to run again. SQLite's schema migrations already ran when
   * it was opened, so it reports the schema version.
   */
  migrate(): Promise<Record<string, unknown>>;
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
      const db = openSqliteDatabase(config.sqlitePath, { synchronous: config.sqliteSynchronous });
      return {
        store: new SqliteReservationStore(db),
        tracking: new SqliteScheduleTrackingStore(db),
        embeddedProjects: new SqliteProjectsGateway(db),
        migrate: async () => ({ storage: 'sqlite', path: config.sqlitePath, schemaVersion: schemaVersion(db) }),
        close: () => {
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
        throw error;
      }
      return {
        store: new DynamoDbReservationStore(doc, { tableName: names.calendar }),
        tracking: new DynamoDbScheduleTrackingStore(doc, names.scheduleTracking),
        embeddedProjects: new InMemoryProjectsGateway(),
        migrate: async () => ({ storage: 'dynamodb', table: names.calendar, ...(await new DynamoDbMigration(doc, names.calendar).run()) }),
        close: () => raw.destroy(),
      };
    }
    case 'memory':
      return {
        store: new InMemoryReservationStore(),
        tracking: new InMemoryScheduleTrackingStore(),
        embeddedProjects: new InMemoryProjectsGateway(),
        migrate: async () => ({ storage: 'memory' }),
        close: () => undefined,
      };
  }
}
