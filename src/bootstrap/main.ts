/** `npm start`: the calendar API as a long-running Node server. */
import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';
import { StartupError } from './startup-error.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const running = await startServer(config);
  const shutdown = (signal: string): void => {
    running.logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      running.logger.error('in-flight requests did not finish within 25 s; exiting');
      process.exit(1);
    }, 25_000);
    force.unref();
    void running.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // A cause we know gets its one-line fix; anything else its stack, for a bug report.
  const detail = error instanceof StartupError ? error.message : error instanceof Error ? error.stack : String(error);
  process.stderr.write(`calendar API failed to start: ${detail}\n`);
  process.exit(1);
});
