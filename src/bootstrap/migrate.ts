/**
 * `npm run migrate -- --storage dynamodb`: brings an existing calendar table (the previous
 * service's) to what this service expects, and prints a JSON report. Safe to run again.
 * `--storage sqlite` applies the SQLite schema migrations (they also run at every start).
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { createDynamoDbClients } from '../adapters/dynamodb/client.js';
import { DynamoDbMigration } from '../adapters/dynamodb/dynamodb-migration.js';
import { ensureTables } from '../adapters/dynamodb/tables.js';
import { openSqliteDatabase, schemaVersion } from '../adapters/sqlite/database.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { storage: { type: 'string' } } });
  const config = loadConfig();
  const storage = values.storage ?? config.storage;
  if (storage === 'dynamodb') {
    const { raw, doc } = createDynamoDbClients({
      region: config.awsRegion,
      ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
    });
    try {
      if (config.dynamodbEndpoint) {
        await ensureTables(raw, { calendar: config.dynamodbCalendarTable, scheduleTracking: config.scheduleTrackingTable });
      }
      const report = await new DynamoDbMigration(doc, config.dynamodbCalendarTable).run();
      process.stdout.write(`${JSON.stringify({ storage, table: config.dynamodbCalendarTable, ...report }, null, 2)}\n`);
    } finally {
      raw.destroy();
    }
  } else if (storage === 'sqlite') {
    const db = openSqliteDatabase(config.sqlitePath);
    process.stdout.write(`${JSON.stringify({ storage, path: config.sqlitePath, schemaVersion: schemaVersion(db) })}\n`);
    db.close();
  } else {
    throw new ConfigError('usage: npm run migrate -- --storage dynamodb|sqlite');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
