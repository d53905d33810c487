import { pino, type DestinationStream, type Logger } from 'pino';
import { errorSummary, REDACTED_PATHS } from '../adapters/logging/safe-log.js';

/**
 * JSON logs to stdout (the server), or to stderr (command-line tools whose stdout is their output),
 * or to a stream (tests). Errors are logged as their safe summary and credential headers are
 * redacted (safe-log.ts): no token or key reaches a log.
 *
 * `asynchronous` (the long-running server): lines are written without waiting, those logged while
 * a write is under way together in the next, instead of one blocking write(2) per line; pino flushes
 * what is left when the process exits. A process killed outright (SIGKILL, a crash of Node itself)
 * may lose the lines of its last moment. Not for Lambda, whose process is frozen between requests.
 */
export function createLogger(level: string, destination: 1 | 2 | DestinationStream = 1, { asynchronous = false } = {}): Logger {
  return pino(
    {
      level,
      base: { service: 'photonranch-calendar' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: errorSummary },
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    },
    typeof destination === 'number' ? pino.destination({ dest: destination, sync: !asynchronous }) : destination,
  );
}
