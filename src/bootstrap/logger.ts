import { pino, type DestinationStream, type Logger } from 'pino';
import { errorSummary, REDACTED_PATHS } from '../adapters/logging/safe-log.js';

/**
 * JSON logs to stdout (the server), or to stderr (command-line tools whose stdout is their output),
 * or to a stream (tests). Errors are logged as their safe summary and credential headers are
 * redacted (safe-log.ts): no token or key reaches a log.
 */
export function createLogger(level: string, destination: 1 | 2 | DestinationStream = 1): Logger {
  return pino(
    {
      level,
      base: { service: 'photonranch-calendar' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: errorSummary },
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    },
    typeof destination === 'number' ? pino.destination(destination) : destination,
  );
}
