/**
 * The one table from error codes to HTTP statuses, shared by every HTTP driver, and the plain-text
 * body each error gets. Unknown errors are 500 with a generic body; the log has the details.
 */
import { DomainError, type ErrorCode } from '../../domain/errors.js';

/**
 * An error that only exists at the HTTP edge (unknown route, body too large, load shed, ...): an
 * answer the edge chose on purpose, so never logged as a server fault.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  TOO_MANY_RESULTS: 400,
  EVENT_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  NOT_RESERVATION_OWNER: 403,
  FORBIDDEN: 403,
  RESERVATION_NOT_FOUND: 404,
  VERSION_MISMATCH: 412,
  CURSOR_EXPIRED: 410,
  FEED_NOT_FOUND: 404,
  FEED_KEY_EXISTS: 409,
  SUBSITE_NOT_FOUND: 404,
  BOOKING_RULE: 400,
  ALLOWANCE_EXCEEDED: 409,
  BOOKING_BEGUN: 409,
  RESERVATION_CONFLICT: 409,
  RESERVATION_EXISTS: 409,
  UPSTREAM_UNAVAILABLE: 502,
  STORE_UNAVAILABLE: 503,
  STALE_WRITE: 503,
  IDENTITY_UNAVAILABLE: 503,
};

/** Storage busy or throttled, or keys not fetched yet: each clears within about a second. */
const RETRY_AFTER_SECONDS = 1;

interface ErrorResponse {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** True when the error is a server fault that must be logged with its stack. */
  readonly unexpected: boolean;
}

/** The koa-jwt failure wraps the cause (a domain error from the key source, or jsonwebtoken's). */
function authFailure(error: unknown): ErrorResponse | undefined {
  if (!(error instanceof Error) || (error as { status?: number }).status !== 401) return undefined;
  const cause = (error as { originalError?: unknown }).originalError;
  if (cause instanceof DomainError) return undefined;
  const reason = cause instanceof Error ? cause.message : error.message;
  return { status: 401, body: `Unauthorized: ${reason}`, headers: {}, unexpected: false };
}

export function errorResponse(error: unknown, requestId: string): ErrorResponse {
  const cause = (error as { originalError?: unknown } | undefined)?.originalError;
  const domainError = error instanceof DomainError ? error : cause instanceof DomainError ? cause : undefined;
  if (domainError) {
    const status = STATUS_BY_CODE[domainError.code];
    // A 503 is "not now": say when to come back, so clients and proxies retry instead of failing. An
    // upstream paused after failing says when it will be asked again.
    const pausedFor = (domainError as { retryAfterSeconds?: number }).retryAfterSeconds;
    const headers: Record<string, string> = pausedFor !== undefined ? { 'Retry-After': String(pausedFor) }
      : status === 503 ? { 'Retry-After': String(RETRY_AFTER_SECONDS) } : {};
    return { status, body: domainError.message, headers, unexpected: false };
  }
  if (error instanceof HttpProblem) {
    return { status: error.status, body: error.message, headers: error.headers, unexpected: false };
  }
  const auth = authFailure(error);
  if (auth) return auth;
  return {
    status: 500,
    body: `Internal server error (request id ${requestId}).`,
    headers: {},
    unexpected: true,
  };
}
