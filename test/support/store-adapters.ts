/**
 * Every ReservationStore the contract suites run over: the in-memory fake, SQLite (a file in `dir`)
 * and DynamoDB (fresh tables on the suite's DynamoDB Local).
 */
import { join } from 'node:path';
import type { ReservationStore } from '../../src/application/ports/reservation-store.port.js';
import { InMemoryReservationStore } from '../../src/adapters/memory/in-memory-reservation-store.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteReservationStore } from '../../src/adapters/sqlite/sqlite-reservation-store.js';
import { createDynamoDbClients } from '../../src/adapters/dynamodb/client.js';
import { DynamoDbReservationStore } from '../../src/adapters/dynamodb/dynamodb-reservation-store.js';
import { freshTables, type DynamoDbLocal } from './dynamodb-local.js';

export interface StoreUnderTest {
  store: ReservationStore;
  close: () => void | Promise<void>;
}

let files = 0;

/** `dynamo()`: the suite's DynamoDB Local, started in its beforeAll. */
export function storeAdapters(dir: string, dynamo: () => DynamoDbLocal): Array<[string, () => StoreUnderTest | Promise<StoreUnderTest>]> {
  return [
    ['in-memory', () => ({ store: new InMemoryReservationStore(), close: () => undefined })],
    [
      'sqlite',
      () => {
        const db = openSqliteDatabase(join(dir, `contract-${process.pid}-${++files}.db`));
        return { store: new SqliteReservationStore(db), close: () => { db.close(); } };
      },
    ],
    [
      'dynamodb (DynamoDB Local)',
      async () => {
        const names = await freshTables(dynamo().endpoint);
        const { raw, doc } = createDynamoDbClients({ region: 'us-east-1', endpoint: dynamo().endpoint });
        const store = new DynamoDbReservationStore(doc, { tableName: names.calendar });
        return { store, close: () => raw.destroy() };
      },
    ],
  ];
}
