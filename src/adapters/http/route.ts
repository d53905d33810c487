/**
 * What a route of the calendar API is (routes.ts holds the table of them): method, path, who may
 * call it, what it does and what GET /openapi.json says of it; and the helpers the route files
 * write their routes with.
 */
import * as z from 'zod';
import type { Actor } from '../../domain/actor.js';
import type { JsonText } from '../../application/json-text.js';
import { FAILURES_TO_PAUSE } from '../../application/upstream-guard.js';
import { InvalidInputError } from '../../domain/errors.js';
import type { StoreVersion } from '../../application/ports/store-version.port.js';
import type { Described, DocumentedSettings } from './api-schemas.js';
import type { Conditions, CalendarFeedCache } from './ical.js';

/** none: anyone; user: a valid access token; link: a token, a service key, or (switch on) anyone. */
export type AuthMode = 'none' | 'user' | 'link';

interface RouteRequest {
  readonly body: Record<string, unknown>;
  readonly actor: Actor;
  /** Path parameters (`/import-schedules/{subsite}` → subsite). */
  readonly params: Readonly<Record<string, string>>;
  /** The If-Match header, when sent. */
  readonly ifMatch?: string;
  /** If-None-Match and If-Modified-Since, for the routes that answer 304. */
  readonly conditions?: Conditions;
  /** The request's scheme and host (`https://calendar.example.org`), for the calendar feed addresses handed out. */
  readonly origin?: string;
}

/** What the route table needs to know of the deployment. */
export interface RouteOptions {
  /** The UID domain of the iCalendar feeds (ICAL_DOMAIN, else PUBLIC_URL's host name); DEFAULT_ICAL_DOMAIN when undefined, never the request's. */
  readonly icalDomain?: string;
  /** Where the calendar feeds are written and kept; one of its own by default (a test may count what it writes). */
  readonly calendarFeedCache?: CalendarFeedCache;
  /** The store's version, where it has one (SQLite): a calendar feed is read again only after a commit, or on a new UTC day. */
  readonly storeVersion?: StoreVersion;
  /** The public address for the calendar feed URLs handed out (PUBLIC_URL); see feedAddressBase when undefined. */
  readonly publicUrl?: string;
}

/** What GET /openapi.json says of a route; the schemas are the ones the route validates and answers with. */
export interface RouteDoc {
  readonly summary: string;
  readonly description?: Described;
  readonly tag: 'Reservations' | 'Projects' | 'Queries' | 'Feeds' | 'LCO';
  /** The JSON body, when the route reads one. */
  readonly request?: z.ZodType;
  /** The 200 answer's JSON. */
  readonly response: z.ZodType;
  /**
   * Statuses this route gives besides those every route of its kind gives (see openapi.ts: a body
   * route 400 and 413, a signed-in route 401 (and 403 where a service key is taken), a rate-limited one
   * 429, every route 500 and 503).
   */
  readonly errors: readonly number[];
  /**
   * The route's writes are judged by the booking rules (BOOKING_RULES): its 400 may be a shape rule's
   * refusal (BOOKING_RULE) and its 409 an allowance's (ALLOWANCE_EXCEEDED), as openapi.ts says.
   */
  readonly judged?: boolean;
  /** The route takes a precondition (If-Match, or a version in the body): 412 when it fails. */
  readonly conditional?: boolean;
  /** The 200 answer's media type, when not JSON (`response` is then a named string schema). */
  readonly media?: 'text/calendar';
  /**
   * The route answers If-None-Match and If-Modified-Since with 304, and sends ETag, Last-Modified and
   * Cache-Control: an anonymous route's only (see SignedInRoute).
   */
  readonly cached?: boolean;
}

/** What every route has, whoever may call it. */
interface RouteBase {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Whether the route reads a JSON body. */
  readonly hasBody: boolean;
  /**
   * The per-client rate limit the route counts against: `changes` for the routes that change stored
   * data, `imports` for the import triggers (which take no in-flight slot: they join a shared run).
   */
  readonly limit?: 'changes' | 'imports';
  /**
   * The other service the answer to this body waits on ("the LCO site proxy"), if any: such a
   * request takes a slot of that service's own budget (UPSTREAM_MAX_IN_FLIGHT), not one of the slots
   * the rest of the service needs.
   */
  readsThrough?(body: Readonly<Record<string, unknown>>): string | undefined;
  /** The ETag of an answer that holds one event: its version. */
  etag?(answer: unknown): string | undefined;
  /** Resolves to the answer: a RawAnswer (a calendar feed) with its own status and type, a JsonText as it is, anything else through JSON.stringify. */
  handle(request: RouteRequest): Promise<unknown>;
}

/** A route anyone may call: the only kind whose answer may be kept and given to another caller. */
export interface AnonymousRoute extends RouteBase {
  readonly auth: 'none';
  readonly doc: RouteDoc;
  /**
   * Whether the answer to this body depends on the stored calendar alone, so that the read cache may
   * keep it until the next commit (see ReadCache): never for an answer that asks another service.
   * The read cache answers before authentication runs, hence anonymous routes only.
   */
  cacheable?(body: Readonly<Record<string, unknown>>): boolean;
}

/**
 * A route that needs a token (or a service key): its answer is its caller's, so by its type it can
 * be marked neither cacheable (the read cache) nor cached (HTTP caching).
 */
interface SignedInRoute extends RouteBase {
  readonly auth: 'user' | 'link';
  readonly doc: SignedInDoc;
  readonly cacheable?: never;
}

type SignedInDoc = Omit<RouteDoc, 'cached'> & { readonly cached?: never };

export type Route = AnonymousRoute | SignedInRoute;

/** The kind of route an auth mode makes: see AnonymousRoute and SignedInRoute. */
type RouteFor<A extends AuthMode> = A extends 'none' ? AnonymousRoute : SignedInRoute;
type DocFor<A extends AuthMode> = A extends 'none' ? RouteDoc : SignedInDoc;

/**
 * Validates a body against a schema; the message names the first offending key. A key that is
 * absent or null is "missing", as the domain says it.
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
  if (issue?.code === 'invalid_type' && valueAt(body, issue.path) == null) {
    throw new InvalidInputError(`Error: missing required key ${key}`);
  }
  throw new InvalidInputError(`Invalid ${key}: ${(issue?.message ?? 'invalid').replace(/^Invalid input: /, '')}`);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const part of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[part];
  }
  return at;
}

/** A read route whose answer is the store's alone (for the bodies `when` accepts). */
export function pure(route: AnonymousRoute, when: (body: Readonly<Record<string, unknown>>) => boolean = () => true): AnonymousRoute {
  return { ...route, cacheable: when };
}

/** A route whose answer, for the bodies `when` accepts, waits on `service`. */
export function readingThrough<R extends Route>(route: R, service: string, when: (body: Readonly<Record<string, unknown>>) => boolean = () => true): R {
  return { ...route, readsThrough: (body) => (when(body) ? service : undefined) };
}

/** A route whose answer holds one event, sent with that event's version as its ETag. */
export function withEtag<R extends Route>(route: R, versionOf: (answer: unknown) => number | undefined): R {
  return { ...route, etag: (answer) => {
    const version = versionOf(answer);
    return version === undefined ? undefined : `"${version}"`;
  } };
}

/**
 * What a read-through route says of the other service it waits on (`service`, whose `client` is
 * paused): the 502 of its pause after failures, and the 503 of its budget of waiting requests.
 */
export const readThroughRefusals = (s: DocumentedSettings, service: string, client: string): string =>
  `502 when ${service} cannot be reached: at once, with Retry-After, while ${client} is paused for ${s.upstreamPauseSeconds} s ` +
  `(UPSTREAM_PAUSE_SECONDS) after failing ${FAILURES_TO_PAUSE} times in a row. 503 when ${s.upstreamMaxInFlight} requests ` +
  `(UPSTREAM_MAX_IN_FLIGHT) wait on it already.`;

/** An answer of the route's documented shape, or the same already serialised. */
export type Answer<S extends z.ZodType> = Promise<z.output<S> | JsonText>;

/** A POST route that reads its body with `request` and answers with `response`. */
export const post = <A extends AuthMode, Q extends z.ZodType, S extends z.ZodType>(
  path: string,
  auth: A,
  doc: Omit<DocFor<A>, 'request' | 'response'> & { request: Q; response: S },
  handle: (body: z.output<Q>, request: RouteRequest) => Answer<S>,
  limit?: 'changes',
): RouteFor<A> => ({
  method: 'POST', path, auth, hasBody: true, doc, ...(limit ? { limit } : {}),
  handle: (request: RouteRequest) => handle(parseBody(doc.request, request.body), request),
}) as RouteFor<A>;

/** A POST route that changes stored data: it counts against the per-client `changes` rate limit. */
export const change: typeof post = (path, auth, doc, handle) => post(path, auth, doc, handle, 'changes');
