/**
 * `npm run migrate -- --storage dynamodb`: brings an existing calendar table (the previous
 * service's) to what this service expects, and prints a JSON report. Safe to run again.
 * `--storage sqlite` applies the SQLite schema migrations (they also run at every start).
 */
import { exitWithUsage, parseCommandLine } from './command-line.js';
import { ConfigError, loadConfig } from './config.js';
import { openStorage } from './storage.js';

const USAGE = `
Brings the store to what this service expects and prints a JSON report; safe to run again.
DynamoDB: canonical times, normalised project ids, the day guards the conflict check relies on, the
usage items the allowances (BOOKING_RULES) count, and a list of overlaps that already exist (reported,
never deleted); safe beside live writes. SQLite: the schema migrations (they also run at every start).

Usage: npm run migrate -- [--storage dynamodb|sqlite]

  --storage <s>  dynamodb (the tables named by STAGE, DYNAMODB_CALENDAR, AWS_REGION and
                 DYNAMODB_ENDPOINT) or sqlite (SQLITE_PATH); default: STORAGE
  -h, --help     this text
`;

async function main(): Promise<void> {
  const { values } = parseCommandLine({ usage: USAGE, options: { storage: { type: 'string' } } });
  const config = loadConfig();
  const storage = values.storage ?? config.storage;
  if (storage !== 'dynamodb' && storage !== 'sqlite') exitWithUsage(USAGE, `--storage must be dynamodb or sqlite, not ${storage}.`);
  const opened = await openStorage({ ...config, storage });
  try {
    const report = await opened.migrate();
    process.stdout.write(`${JSON.stringify(report, null, storage === 'dynamodb' ? 2 : undefined)}\n`);
  } finally {
    opened.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
