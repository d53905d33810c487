/**
 * `npm run migrate -- --storage dynamodb`: brings an existing calendar table (the previous
 * service's) to what this service expects, and prints a JSON report. Safe to run again.
 * `--storage sqlite` applies the SQLite schema migrations (they also run at every start).
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { openStorage } from './storage.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { storage: { type: 'string' } } });
  const config = loadConfig();
  const storage = values.storage ?? config.storage;
  if (storage !== 'dynamodb' && storage !== 'sqlite') throw new ConfigError('usage: npm run migrate -- --storage dynamodb|sqlite');
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
