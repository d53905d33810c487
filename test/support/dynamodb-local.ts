import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClients } from '../../src/adapters/dynamodb/client.js';
import { ensureTables, type TableNames } from '../../src/adapters/dynamodb/tables.js';
// @ts-expect-error plain JavaScript helper shared with .ci/run and npm scripts
import { ensureDynamoDbLocal } from '../../scripts/dynamodb-local.mjs';

export interface DynamoDbLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** AWS's DynamoDB Local, in memory, on a free loopback port; started by the test that needs it. */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const folder = (ensureDynamoDbLocal as () => string)();
  const port = await freePort();
  const child: ChildProcess = spawn(
    'java',
    [`-Djava.library.path=${join(folder, 'DynamoDBLocal_lib')}`, '-jar', join(folder, 'DynamoDBLocal.jar'),
      '-inMemory', '-disableTelemetry', '-port', String(port)],
    // DynamoDB Local writes a metadata file into its working folder: keep it out of the repository.
    { stdio: 'ignore', cwd: folder },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const { raw } = createDynamoDbClients({ region: 'us-east-1', endpoint });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await raw.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`DynamoDB Local did not start: ${String(error)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  raw.destroy();
  return {
    endpoint,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

let tables = 0;
/** Fresh, uniquely named tables on a running DynamoDB Local. */
export async function freshTables(endpoint: string): Promise<TableNames> {
  tables += 1;
  const suffix = `${process.pid}-${tables}-${Math.random().toString(36).slice(2, 8)}`;
  const names = { calendar: `calendar-${suffix}`, scheduleTracking: `tracking-${suffix}` };
  const { raw } = createDynamoDbClients({ region: 'us-east-1', endpoint });
  await ensureTables(raw, names);
  raw.destroy();
  return names;
}

/** The environment of a server process (or Lambda host) on fresh tables of a running DynamoDB Local. */
export async function freshTablesEnv(endpoint: string): Promise<Record<string, string>> {
  const names = await freshTables(endpoint);
  return {
    STORAGE: 'dynamodb', AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: endpoint,
    DYNAMODB_CALENDAR: names.calendar, SCHEDULE_TRACKING_TABLE: names.scheduleTracking, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local',
  };
}

/** Runs `body` with fresh tables and a document client on DynamoDB Local, closing the client after. */
export async function withFreshTables<T>(
  endpoint: string,
  body: (context: { names: TableNames; doc: ReturnType<typeof createDynamoDbClients>['doc'] }) => Promise<T>,
): Promise<T> {
  const names = await freshTables(endpoint);
  const { raw, doc } = createDynamoDbClients({ region: 'us-east-1', endpoint });
  try {
    return await body({ names, doc });
  } finally {
    raw.destroy();
  }
}
