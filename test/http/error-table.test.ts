/**
 * Every domain error has its status: checked by the compiler (the table is a Record over ErrorCode,
 * and a subclass's code must be an ErrorCode) and, here, for every error class the domain exports.
 */
import { errorResponse, STATUS_BY_CODE } from '../../src/adapters/http/errors.js';
import * as errors from '../../src/domain/errors.js';
import { DomainError, type ErrorCode } from '../../src/domain/errors.js';

type AnyError = new (...args: unknown[]) => DomainError;
const errorClasses = Object.entries(errors as Record<string, unknown>)
  .filter(([, value]) => typeof value === 'function' && value.prototype instanceof DomainError) as Array<[string, AnyError]>;
/** Constructor arguments for the classes that take more than a message. */
const ARGUMENTS: Record<string, unknown[]> = {
  ReservationConflictError: [['evt-1']],
  EventTooLargeError: [300_000, 262_144],
  TooManyResultsError: [500, 'narrow the window'],
};

it('finds every error class the domain exports', () => {
  expect(errorClasses.map(([name]) => name)).toEqual(expect.arrayContaining([
    'InvalidInputError', 'ReservationConflictError', 'StoreUnavailableError', 'UnknownSubsiteError',
  ]));
  expect(errorClasses.length).toBe(Object.keys(STATUS_BY_CODE).length);
});

it.each(errorClasses)('%s is a 4xx or 5xx chosen on purpose, with its message as the body', (name, ErrorClass) => {
  const error = new ErrorClass(...(ARGUMENTS[name] ?? ['the reason']));
  const response = errorResponse(error, 'request-1');
  expect(response.unexpected).toBe(false);
  expect(response.status).toBe(STATUS_BY_CODE[error.code]);
  expect(response.body).toBe(error.message);
  expect(response.headers).toEqual(response.status === 503 ? { 'Retry-After': '1' } : {});
});

it('a code outside ErrorCode, or a table without a code, does not compile', () => {
  class Unlisted extends DomainError {
    // @ts-expect-error 'NOT_A_CODE' is not an ErrorCode
    readonly code = 'NOT_A_CODE';
  }
  // @ts-expect-error the table must give every code a status
  const partial: Record<ErrorCode, number> = { INVALID_INPUT: 400 };
  expect(new Unlisted('x').code).toBe('NOT_A_CODE');
  expect(Object.keys(partial)).toEqual(['INVALID_INPUT']);
});

it('anything else is a 500 with a generic body that names the request, never the error', () => {
  const response = errorResponse(new Error('secret detail'), 'request-2');
  expect(response).toEqual({ status: 500, body: 'Internal server error (request id request-2).', headers: {}, unexpected: true });
});
