/**
 * Why the server cannot start, in one line that names what to change. The causes a newcomer or an
 * operator meets (a port in use, a database folder it cannot write, DynamoDB that does not answer or
 * refuses the credentials) become a StartupError; main prints its message alone and exits 1.
 */
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DomainError, StoreUnavailableError } from '../domain/errors.js';
import type { AppConfig } from './config.js';

export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

const codeOf = (error: unknown): string | undefined => {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    // A domain error's code is ours (STORE_UNAVAILABLE); the cause's is the system's (ECONNREFUSED).
    if (typeof e.code === 'string' && !(e instanceof DomainError)) return e.code;
  }
  return undefined;
};

/** The listen() failure as what to do about it. */
export function listenFailure(config: Pick<AppConfig, 'host' | 'port'>, error: unknown): Error {
  const where = `${config.host}:${config.port}`;
  switch (codeOf(error)) {
    case 'EADDRINUSE':
      return new StartupError(`Port ${config.port} is already in use on ${config.host}: stop what listens there, or set PORT to another port (PORT=3001 npm start).`, { cause: error });
    case 'EACCES':
      return new StartupError(`Listening on ${where} is not permitted: set PORT to a port above 1023, or HOST to an address this user may use.`, { cause: error });
    case 'EADDRNOTAVAIL':
      return new StartupError(`HOST=${config.host} is not an address of this machine: set HOST to one (127.0.0.1, or 0.0.0.0 for every interface).`, { cause: error });
    default:
      return error as Error;
  }
}

/** The database file or its folder cannot be made or opened. */
export function sqliteFailure(config: Pick<AppConfig, 'sqlitePath'>, error: unknown): Error {
  const code = codeOf(error);
  if (code && /^(EACCES|EPERM|EROFS|ENOTDIR|ENOENT|EISDIR|EEXIST|SQLITE_CANTOPEN|SQLITE_READONLY)/.test(code)) {
    return new StartupError(`The database ${config.sqlitePath} cannot be created or opened (${code}): set SQLITE_PATH to a file in a folder this user can write.`, { cause: error });
  }
  return error as Error;
}

/** DynamoDB failed the start-up probe (or the table creation on a local endpoint). */
export function dynamoDbFailure(config: Pick<AppConfig, 'awsRegion' | 'dynamodbEndpoint' | 'dynamodbCalendarTable'>, error: unknown): Error {
  const name = (error as Error | undefined)?.name ?? '';
  const code = codeOf(error);
  if (name === 'CredentialsProviderError') {
    return new StartupError('STORAGE=dynamodb found no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (on AWS the role provides them), or DYNAMODB_ENDPOINT for DynamoDB Local (npm run dynamodb-local).', { cause: error });
  }
  if (['UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'AccessDeniedException'].includes(name)) {
    return new StartupError(`AWS refused the credentials for DynamoDB (${name}): check AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that they may read ${config.dynamodbCalendarTable}.`, { cause: error });
  }
  if (error instanceof ResourceNotFoundException) {
    return new StartupError(`The table ${config.dynamodbCalendarTable} does not exist in AWS_REGION=${config.awsRegion}: deploy the stack (infra/), or set STAGE or DYNAMODB_CALENDAR to the table's name.`, { cause: error });
  }
  if (error instanceof StoreUnavailableError || name === 'TimeoutError' || code !== undefined) {
    const reason = code ?? name;
    return new StartupError(config.dynamodbEndpoint
      ? `DynamoDB at DYNAMODB_ENDPOINT=${config.dynamodbEndpoint} does not answer (${reason}): start it (npm run dynamodb-local) or correct DYNAMODB_ENDPOINT.`
      : `DynamoDB in AWS_REGION=${config.awsRegion} cannot be reached (${reason}): check the network and AWS_REGION, or set DYNAMODB_ENDPOINT for a local DynamoDB.`, { cause: error });
  }
  return error as Error;
}
