/** `npm run import [-- <subsite>]`: runs the LCO import once and prints the report as JSON. */
import { UnknownSubsiteError } from '../domain/errors.js';
import { ConfigError, loadConfig } from './config.js';
import { buildContainer } from './container.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  const subsite = process.argv[2];
  const config = loadConfig();
  const app = await buildContainer(config, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2));
  try {
    const reports = await app.useCases.importSchedules.execute(subsite ? { subsite } : {});
    process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  } finally {
    app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError || error instanceof UnknownSubsiteError ? (error as Error).message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
