/**
 * Domain errors carry a stable `code`; the HTTP edge owns the one table that maps codes to
 * statuses. Nothing here knows about HTTP.
 */

/**
 * Every code a domain error may carry. A subclass with a code not listed here does not compile, and
 * the edge's table is a `Record<ErrorCode, ...>`, so a code listed here without a status does not
 * compile either: no domain error can fall through to a 500.
 */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'EVENT_TOO_LARGE'
  | 'TOO_MANY_RESULTS'
  | 'RESERVATION_CONFLICT'
  | 'RESERVATION_EXISTS'
  | 'RESERVATION_NOT_FOUND'
  | 'VERSION_MISMATCH'
  | 'CURSOR_EXPIRED'
  | 'FEED_NOT_FOUND'
  | 'FEED_KEY_EXISTS'
  | 'NOT_RESERVATION_OWNER'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'STORE_UNAVAILABLE'
  | 'STALE_WRITE'
  | 'IDENTITY_UNAVAILABLE'
  | 'SUBSITE_NOT_FOUND'
  | 'BOOKING_RULE'
  | 'ALLOWANCE_EXCEEDED'
  | 'BOOKING_BEGUN';

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;

  /** `options.cause`: the adapter's error behind this one, for the log and for start-up diagnosis. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The caller sent something malformed: wrong type, missing key, impossible time, ... */
export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
}

/** An event whose stored form would be larger than the cap (unknown keys are kept, but not without bound). */
export class EventTooLargeError extends DomainError {
  readonly code = 'EVENT_TOO_LARGE';

  constructor(readonly bytes: number, readonly limit: number) {
    super(`The event is too large to store: ${bytes} bytes as JSON, at most ${limit} (${limit / 1024} KB) with every extra key.`);
  }
}

/** A list query matched more events than one answer may hold. */
export class TooManyResultsError extends DomainError {
  readonly code = 'TOO_MANY_RESULTS';

  constructor(readonly limit: number, hint: string) {
    super(`More than ${limit} events match; ${hint}.`);
  }
}

export class ReservationConflictError extends DomainError {
  readonly code = 'RESERVATION_CONFLICT';

  constructor(readonly conflictingEventIds: readonly string[]) {
    super(
      conflictingEventIds.length > 0
        ? `The requested time overlaps another user's reservation at this site: ${conflictingEventIds.join(', ')}`
        : "The requested time overlaps another user's reservation at this site.",
    );
  }
}

export class ReservationExistsError extends DomainError {
  readonly code = 'RESERVATION_EXISTS';

  /** `deleted`: the id is a deleted event's, which keeps it (see history.ts, arrivalVersion). */
  constructor(readonly eventId: string, options: { deleted?: boolean } = {}) {
    super(options.deleted
      ? `The event_id ${eventId} belongs to a deleted event, and an event_id is never given to another event: ` +
        'restore that event (POST /restore-event) if it is yours, or create with a new event_id.'
      : `An event with event_id ${eventId} already exists.`);
  }
}

/** A conditional change (If-Match, or a version in the body) found the event at another version. */
export class VersionMismatchError extends DomainError {
  readonly code = 'VERSION_MISMATCH';

  constructor(readonly eventId: string, readonly expected: number, readonly current: number) {
    super(`Event ${eventId} has changed: it is at version ${current}, not ${expected}. Read it again, then retry.`);
  }
}

/** A change-feed cursor older than the history's retention: the reader must start again without one. */
export class CursorExpiredError extends DomainError {
  readonly code = 'CURSOR_EXPIRED';

  constructor(retentionDays: number) {
    super(`This cursor is older than the feed keeps changes (${retentionDays} days): some changes after it may be gone. ` +
      'Start again without "since" and follow "next".');
  }
}

/** A private calendar feed key that is not (or no longer) anyone's. */
export class CalendarFeedNotFoundError extends DomainError {
  readonly code = 'FEED_NOT_FOUND';

  constructor() {
    super('No calendar feed has this address. If you made a new address (rotate), use that one.');
  }
}

/** The user has a private calendar feed address, which is shown only when it is made. */
export class FeedKeyExistsError extends DomainError {
  readonly code = 'FEED_KEY_EXISTS';

  constructor() {
    super('You already have a private feed address, and it is shown only when made. ' +
      'Send {"rotate": true} for a new one; the old one then stops working.');
  }
}

export class ReservationNotFoundError extends DomainError {
  readonly code = 'RESERVATION_NOT_FOUND';

  constructor(readonly eventId: string) {
    super(`No event with event_id ${eventId} was found.`);
  }
}

export class NotReservationOwnerError extends DomainError {
  readonly code = 'NOT_RESERVATION_OWNER';

  constructor() {
    super('You may only modify your own events.');
  }
}

/** The caller is known but the action is not theirs to take (other than event ownership). */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
}

/** An outside service we depend on (projects service, LCO, identity provider) failed. */
export class UpstreamUnavailableError extends DomainError {
  readonly code = 'UPSTREAM_UNAVAILABLE';
  /** Set when the service is not asked again before this many seconds (it kept failing): a client may retry then. */
  readonly retryAfterSeconds?: number;

  constructor(message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options);
    if (options?.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Our own storage could not take the request now (lock timeout, throttling); retrying may work. */
export class StoreUnavailableError extends DomainError {
  readonly code = 'STORE_UNAVAILABLE';
}

/**
 * A planned write found, when it came to commit, the event no longer as it was planned on (another
 * write changed it in between). The writer plans it again on a fresh read (see commitPlanned); only
 * when that keeps happening does the caller get this, as a 503 to retry.
 */
export class StaleWriteError extends DomainError {
  readonly code = 'STALE_WRITE';

  constructor(readonly eventId: string) {
    super(`Event ${eventId} kept changing while this write was being made; please retry.`);
  }
}

/** The identity provider's keys cannot be fetched now, so no token can be checked; retry later. */
export class IdentityUnavailableError extends DomainError {
  readonly code = 'IDENTITY_UNAVAILABLE';
}

export class UnknownSubsiteError extends DomainError {
  readonly code = 'SUBSITE_NOT_FOUND';

  constructor(readonly subsite: string, known: readonly string[] = []) {
    super(`No LCO-scheduled PTR site is called ${subsite}.${known.length > 0 ? ` The known ones are ${known.join(', ')}.` : ''}`);
  }
}

/** A booking of a shape the site's rules do not allow (too short or long, too soon, too far ahead): the request itself is wrong. */
export class BookingRuleError extends DomainError {
  readonly code = 'BOOKING_RULE';

  constructor(readonly rule: 'shortest' | 'longest' | 'notice' | 'ahead', message: string) {
    super(message);
  }
}

/** A booking that would take its owner over a time allowance (domain/fair-share.ts); the message names the rule, the period and the numbers. */
export class AllowanceExceededError extends DomainError {
  readonly code = 'ALLOWANCE_EXCEEDED';

  constructor(readonly rule: 'per_night' | 'per_week' | 'rolling' | 'held', readonly measure: 'hours' | 'bookings', message: string) {
    super(message);
  }
}

/**
 * A change that would give back time already used at the telescope: the delete, move or cut into
 * the past of a booking under allowances that has begun (fair-share.ts). It may still be ended early.
 */
export class BookingBegunError extends DomainError {
  readonly code = 'BOOKING_BEGUN';
}
