/** `npm run import [-- <subsite>]`: runs the LCO import once and prints the report as JSON (see USAGE). */
import { UnknownSubsiteError } from '../domain/errors.js';
import { parseCommandLine } from './command-line.js';
import { ConfigError, loadConfig } from './config.js';
import { buildContainer } from './container.js';
import { createLogger } from './logger.js';

const USAGE = `
Imports the observations the LCO scheduler plans for Photon Ranch telescopes into the calendar
(events and projects), once, and prints a JSON report per subsite. The server does the same every
IMPORT_INTERVAL_SECONDS.

Usage: npm run import -- [<subsite>]

  <subsite>   one PTR site (default: every subsite in LCO_SITES; built in: mrc1, mrc2, aro1, eco1, eco2)
  -h, --help  this text

Each WEMA needs its site-proxy secret: SITE_PROXY_SECRET_<WEMA> (e.g. SITE_PROXY_SECRET_MRC), or
the SSM parameter /site-proxy-secret/<wema> with SITE_PROXY_SECRETS_SOURCE=ssm.
`;

async function main(): Promise<void> {
  const { positionals } = parseCommandLine({ usage: USAGE, options: {}, positionals: 1 });
  const subsite = positionals[0];
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
