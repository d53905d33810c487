/**
 * Every route of the calendar API (CONTRACT.md) as data: method, path, who may call it, and what it
 * does. The Koa app serves this table, and the Lambda handler runs the same Koa app, so the behaviour
 * exists once.
 */
import * as z from 'zod';
import type { UseCases } from '../../application/use-cases/index.js';
import type { Actor } from '../../domain/actor.js';
import { JsonText } from '../../application/json-text.js';
import { InvalidInputError } from '../../domain/errors.js';
import type { CalendarFeed } from '../../application/use-cases/site-calendar-feed.js';
import type { StoreVersion } from '../../application/ports/store-version.port.js';
import { HttpProblem } from './errors.js';
import { DEFAULT_ICAL_DOMAIN, FeedCache, feedAnswer, type Conditions } from './ical.js';
import { isLoopbackHost } from './this-machine.js';
import {
  AddProjectRequest, ChangePage, ChangesRequest, YesNo, DeleteEventRequest, EventHistoryRequest, HistoryList, RestoreEventRequest, Event, EventList, ImportReport, ModifyEventRequest, NewEventAnswer,
  NewEventRequest, ProjectLinkAnswer, RemoveProjectRequest, SchedulerObservationList, SiteEventList, SiteEventsRequest,
  SiteTimeRequest, SiteWindowRequest, UserEventsRequest, UserSiteTimeRequest, ICalendar, FeedKeyRequest, FeedAddress, AvailabilityRequest, Availability, SiteListing, Me,
} from './api-schemas.js';

/** none: anyone; user: a valid access token; link: a token, a service key, or (switch on) anyone. */
export type AuthMode = 'none' | 'user' | 'link';

export interface RouteRequest {
  readonly body: Record<string, unknown>;
  readonly actor: Actor;
  /** Path parameters (`/import-schedules/{subsite}` → subsite). */
  readonly params: Readonly<Record<string, string>>;
  /** The If-Match header, when sent. */
  readonly ifMatch?: string;
  /** If-None-Match and If-Modified-Since, for the routes that answer 304. */
  readonly conditions?: Conditions;
  /** The request's scheme and host (`https://calendar.example.org`), for the feed addresses handed out. */
  readonly origin?: string;
}

/** What the route table needs to know of the deployment. */
export interface RouteOptions {
  /** The UID domain of the iCalendar feeds (ICAL_DOMAIN); DEFAULT_ICAL_DOMAIN when undefined, never the request's. */
  readonly icalDomain?: string;
  /** Where the feeds are written and kept; one of its own by default (a test may count what it writes). */
  readonly feedCache?: FeedCache;
  /** The store's version, where it has one (SQLite): a feed is read again only after a commit. */
  readonly storeVersion?: StoreVersion;
  /** The public address for the feed URLs handed out (PUBLIC_URL); see feedAddressBase when undefined. */
  readonly publicUrl?: string;
}

/** What GET /openapi.json says of a route; the schemas are the ones the route validates and answers with. */
export interface RouteDoc {
  readonly summary: string;
  readonly description?: string;
  readonly tag: 'Reservations' | 'Projects' | 'Queries' | 'Feeds' | 'LCO';
  /** The JSON body, when the route reads one. */
  readonly request?: z.ZodType;
  /** The 200 answer's JSON. */
  readonly response: z.ZodType;
  /**
   * Statuses this route gives besides those every route of its kind gives (see openapi.ts: a body
   * route 400 and 413, a signed-in route 401, a limited one 429, every route 500 and 503).
   */
  readonly errors: readonly number[];
  /** The route takes a precondition (If-Match, or a version in the body): 412 when it fails. */
  readonly conditional?: boolean;
  /** The 200 answer's media type, when not JSON (`response` is then a named string schema). */
  readonly media?: 'text/calendar';
  /** The route answers If-None-Match and If-Modified-Since with 304, and sends ETag, Last-Modified and Cache-Control. */
  readonly cached?: boolean;
}

export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly auth: AuthMode;
  /** Whether the route reads a JSON body. */
  readonly hasBody: boolean;
  /**
   * The per-client rate limit the route counts against: `changes` for the routes that change stored
   * data, `imports` for the import triggers (which take no in-flight slot: they join a shared run).
   */
  readonly limit?: 'changes' | 'imports';
  readonly doc: RouteDoc;
  /**
   * Whether the answer to this body depends on the stored calendar alone, so that the read cache may
   * keep it until the next commit (see ReadCache): never for an answer that asks another service.
   */
  cacheable?(body: Readonly<Record<string, unknown>>): boolean;
  /**
   * The other service the answer to this body waits on ("the LCO site proxy"), if any: such a
   * request takes a slot of that service's own budget (UPSTREAM_MAX_IN_FLIGHT), not one of the slots
   * the rest of the service needs.
   */
  readsThrough?(body: Readonly<Record<string, unknown>>): string | undefined;
  /** The ETag of an answer that holds one event: its version. */
  etag?(answer: unknown): string | undefined;
  /** Resolves to the answer: a JsonText is sent as it is, anything else through JSON.stringify. */
  handle(request: RouteRequest): Promise<unknown>;
}

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
function pure(route: Route, when: (body: Readonly<Record<string, unknown>>) => boolean = () => true): Route {
  return { ...route, cacheable: when };
}

/** Whether a `/siteevents` body asks for project details, as its schema reads the flag (`true` or `"true"`). */
const withProjectDetails = (body: Readonly<Record<string, unknown>>): boolean =>
  body.full_project_details === true || body.full_project_details === 'true';

/** A route whose answer, for the bodies `when` accepts, waits on `service`. */
function readingThrough(route: Route, service: string, when: (body: Readonly<Record<string, unknown>>) => boolean = () => true): Route {
  return { ...route, readsThrough: (body) => (when(body) ? service : undefined) };
}

/** A route whose answer holds one event, sent with that event's version as its ETag. */
function withEtag(route: Route, versionOf: (answer: unknown) => number | undefined): Route {
  return { ...route, etag: (answer) => {
    const version = versionOf(answer);
    return version === undefined ? undefined : `"${version}"`;
  } };
}

const IF_MATCH = /^"([1-9]\d{0,15})"$/;

/**
 * The version a conditional request expects: from If-Match (`"3"`; `*` is any version) or from the
 * body; both may be given only when they agree.
 */
export function expected(ifMatch: string | undefined, bodyVersion: number | undefined): { expectedVersion?: number } {
  let header: number | undefined;
  if (ifMatch !== undefined && ifMatch.trim() !== '*') {
    const match = IF_MATCH.exec(ifMatch.trim());
    if (!match) throw new InvalidInputError('Invalid If-Match: expected the ETag of the event, such as "3" (its version in double quotes)');
    header = Number(match[1]);
    // Past 2^53 a number is not the one sent (the 412 would name another version): no version gets there.
    if (!Number.isSafeInteger(header)) throw new InvalidInputError(`Invalid If-Match: ${match[1]!} is larger than any version`);
  }
  if (header !== undefined && bodyVersion !== undefined && header !== bodyVersion) {
    throw new InvalidInputError(`Invalid version: ${bodyVersion} in the body, but If-Match says ${header}`);
  }
  const version = header ?? bodyVersion;
  return version === undefined ? {} : { expectedVersion: version };
}

/**
 * Where the private feed addresses handed out point: PUBLIC_URL. Without it, the request's own
 * origin only when its Host names this machine by a loopback name (a development server): anywhere
 * else Host is whatever the client or a proxy wrote (behind a plain proxy, the upstream's
 * 127.0.0.1:3000), and a secret address would be handed out under a name nobody chose. Checked
 * before a key is made, so a refusal leaves none behind.
 */
function feedAddressBase(publicUrl: string | undefined, origin: string | undefined): string {
  if (publicUrl) return publicUrl;
  let parsed: URL | undefined;
  try {
    parsed = origin === undefined ? undefined : new URL(origin);
  } catch {
    parsed = undefined;
  }
  // The URL's own origin, not the text: a Host of `localhost:3000?x=` or `localhost:3000#` would
  // otherwise put the key after a `?` or `#` of the address handed out.
  if (parsed && isLoopbackHost(parsed.host)) return parsed.origin;
  throw new HttpProblem(503, 'This server does not know its public address (PUBLIC_URL is not set), so it cannot make a feed address; ask its operator to set it.');
}

type EventRef = z.infer<typeof AddProjectRequest>['events'][number];
const refId = (ref: EventRef): string => (typeof ref === 'string' ? ref : ref.event_id);

/** An answer of the route's documented shape, or the same already serialised. */
type Answer<S extends z.ZodType> = Promise<z.output<S> | JsonText>;

export function buildRoutes(u: UseCases, deployment: RouteOptions = {}): Route[] {
  /** A POST route that reads its body with `request` and answers with `response`. */
  const post = <Q extends z.ZodType, S extends z.ZodType>(
    path: string,
    auth: AuthMode,
    doc: Omit<RouteDoc, 'request' | 'response'> & { request: Q; response: S },
    handle: (body: z.output<Q>, request: RouteRequest) => Answer<S>,
    limit?: 'changes',
  ): Route => ({
    method: 'POST', path, auth, hasBody: true, doc, ...(limit ? { limit } : {}),
    handle: (request) => handle(parseBody(doc.request, request.body), request),
  });
  const change: typeof post = (path, auth, doc, handle) => post(path, auth, doc, handle, 'changes');
  const feeds = deployment.feedCache ?? new FeedCache(deployment.icalDomain ?? DEFAULT_ICAL_DOMAIN, {}, deployment.storeVersion);
  /**
   * A GET route answering an iCalendar feed, conditionally (ical.ts), read and written through the
   * shared cache: one reading for all who ask for the same feed at once (by route and parameters).
   */
  const feed = (
    path: string,
    doc: Pick<RouteDoc, 'summary' | 'description' | 'errors'>,
    load: (params: Readonly<Record<string, string>>) => Promise<CalendarFeed>,
    how: (params: Readonly<Record<string, string>>) => { description: string; cache: 'public' | 'private'; exactLastModified: boolean },
  ): Route => ({
    method: 'GET', path, auth: 'none', hasBody: false,
    doc: { tag: 'Feeds', response: ICalendar, media: 'text/calendar', cached: true, ...doc },
    handle: async ({ params, conditions }) => {
      const { description, cache, exactLastModified } = how(params);
      const options = { description, cache };
      const { feed: loaded, rendered } = await feeds.load(JSON.stringify([path, params]), () => load(params), options);
      return feedAnswer(loaded, rendered, options, conditions ?? {}, exactLastModified);
    },
  });
  const USER = 'Needs a bearer token; only the owner or an admin may change an event.';
  const CONDITIONAL = 'With If-Match: "<version>" (or the version in the body), it changes nothing and answers 412 unless the event is at that version.';
  const LINK = 'Needs a bearer token (owner-or-admin per event) or a service key in X-Api-Key.';
  return [
    withEtag(change('/newevent', 'user', {
      tag: 'Reservations', summary: 'Book a reservation', request: NewEventRequest, response: NewEventAnswer, errors: [403, 409],
      description: "Refused with 409, naming the events in the way, when it overlaps another user's reservation at the site or its " +
        'event_id is taken: by an event, or by a deleted one (an event_id is never given to another event; restore it, or use a new ' +
        'event_id). The check and the write are one atomic step. A non-admin may only book for themselves. ' +
        'Sending the same event again (same creator, same content) answers 200 with the stored one: a lost answer can be retried.',
    }, async (_event, { body, actor }) => ({
      // The domain reads the body as sent (unknown keys kept); the schema has checked its known keys.
      new_calendar_event: await u.createReservation.execute({ actor, event: body }),
    })), (answer) => (answer as { new_calendar_event?: { version?: number } }).new_calendar_event?.version),
    withEtag(change('/modifyevent', 'user', {
      tag: 'Reservations', summary: 'Change a reservation', request: ModifyEventRequest, response: Event, errors: [403, 404, 409], conditional: true,
      description: `${USER} The same conflict rule as booking, ignoring the event itself; atomic. ${CONDITIONAL}`,
    }, async ({ originalEvent, modifiedEvent }, { actor, ifMatch }) => u.modifyReservation.execute({
      actor, originalEvent, modifiedEvent, ...expected(ifMatch, originalEvent.version),
    })), (answer) => (answer as { version?: number }).version),
    withEtag(change('/delete', 'user', {
      tag: 'Reservations', summary: 'Delete a reservation', request: DeleteEventRequest, response: Event, errors: [403, 404], conditional: true,
      description: `${USER} ${CONDITIONAL}`,
    }, async ({ event_id, version }, { actor, ifMatch }) => u.deleteReservation.execute({ actor, eventId: event_id, ...expected(ifMatch, version) })),
    (answer) => (answer as { version?: number }).version),
    post('/event-history', 'user', {
      tag: 'Reservations', summary: "An event's history", request: EventHistoryRequest, response: HistoryList, errors: [403, 404],
      description: 'The changes of the event, oldest first: its version, when, who and what, and the event as it stood after it ' +
        '(before it, for a delete, which is a version of its own). One page at a time: at most limit changes (default 100), and no ' +
        'more than about 1 MiB of them (always at least one); for the next page ask again with after_version set to the last ' +
        "change's version, until an answer is empty. To the owner (who first booked the id) or an admin; 404 for an id never booked.",
    }, async ({ event_id, after_version, limit }, { actor }) => u.eventHistory.execute({
      actor, eventId: event_id, ...(after_version === undefined ? {} : { afterVersion: after_version }), ...(limit === undefined ? {} : { limit }),
    })),
    withEtag(change('/restore-event', 'user', {
      tag: 'Reservations', summary: 'Bring back a deleted reservation', request: RestoreEventRequest, response: Event, errors: [403, 404, 409],
      description: 'Recreates a deleted event as it stood at a version (default: when deleted), under the conflict rule like any ' +
        'booking (409 naming what is in the way now, or when the event exists), as a new version. To the owner (who first booked ' +
        'the id) or an admin; an LCO observation to an admin only.',
    }, async ({ event_id, version }, { actor }) => u.restoreEvent.execute({ actor, eventId: event_id, ...(version === undefined ? {} : { version }) })),
    (answer) => (answer as { version?: number }).version),
    post('/changes', 'none', {
      tag: 'Queries', summary: "A site's change feed", request: ChangesRequest, response: ChangePage, errors: [410],
      description: "The site's changes in the order they were committed, each with the event as it is now, without its note " +
        "(null when it is no longer at the site): what anyone may see. Every version of an event, notes included, is its owner's: /event-history. " +
        'Start without since and ask again with each answer\'s next: every change comes exactly once, also under concurrent writers. ' +
        'A cursor that is not one this site\'s feed handed out answers 400; one older than the history retention (HISTORY_RETENTION_DAYS) ' +
        'answers 410: start again without since.',
    }, async ({ site, since, limit }) => u.listChanges.execute({ site, ...(since === undefined ? {} : { since }), ...(limit === undefined ? {} : { limit }) })),
    change('/add-projects-to-events', 'link', {
      tag: 'Projects', summary: 'Link events to a project', request: AddProjectRequest, response: ProjectLinkAnswer, errors: [403], description: LINK,
    }, async ({ project_id, events }, { actor }) => u.addProject.execute({ actor, projectId: project_id, eventIds: events.map(refId) })),
    change('/remove-project-from-events', 'link', {
      tag: 'Projects', summary: 'Unlink events from their project', request: RemoveProjectRequest, response: ProjectLinkAnswer, errors: [403],
      description: LINK,
    }, async ({ events }, { actor }) => u.removeProject.execute({ actor, eventIds: events.map(refId) })),
    // With project details, the answer holds the projects service's: not cached, and it waits on that service.
    readingThrough(pure(post('/siteevents', 'none', {
      tag: 'Queries', summary: "A site's calendar", request: SiteEventsRequest, response: SiteEventList, errors: [502],
      description: "The site's events overlapping [start, end), also those that began before it or run past it, ordered by start. " +
        'With full_project_details, 502 when the projects service cannot be reached (at once, with Retry-After, while it is paused ' +
        'after failing 3 times in a row), and 503 when too many requests wait on it (UPSTREAM_MAX_IN_FLIGHT).',
    }, async ({ site, start, end, full_project_details }) =>
      (await u.listSiteReservations.execute({ site, start, end, fullProjectDetails: full_project_details === true })).toJson()),
    (body) => !withProjectDetails(body)), 'the projects service', withProjectDetails),
    pure(post('/user-events-ending-after-time', 'none', {
      tag: 'Queries', summary: "A user's coming events", request: UserEventsRequest, response: EventList, errors: [],
      description: "The user's events with end > time, ordered by start.",
    }, async ({ user_id, time }) => (await u.listUserReservations.execute({ userId: user_id, time })).toJson())),
    pure(post('/get-event-at-time', 'none', {
      tag: 'Queries', summary: 'What is on at a moment', request: SiteTimeRequest, response: EventList, errors: [],
      description: "The site's events active at time: start <= time < end.",
    }, async ({ site, time }) => (await u.listReservationsAtTime.execute({ site, time })).toJson())),
    pure(post('/is-user-scheduled', 'none', {
      tag: 'Queries', summary: 'Does the user have the telescope now?', request: UserSiteTimeRequest, response: YesNo, errors: [],
      description: 'true when one of the events active at time at the site is the user\'s.',
    }, async ({ user_id, site, time }) => u.isUserScheduled.execute({ userId: user_id, site, time }))),
    pure(post('/does-conflicting-event-exist', 'none', {
      tag: 'Queries', summary: 'Does someone else have the telescope now?', request: UserSiteTimeRequest, response: YesNo, errors: [],
      description: 'true when an event active at time at the site belongs to another user.',
    }, async ({ user_id, site, time }) => u.doesConflictingReservationExist.execute({ userId: user_id, site, time }))),
    readingThrough(post('/scheduler-observations', 'none', {
      tag: 'LCO', summary: 'What the LCO scheduler plans at a site', request: SiteWindowRequest, response: SchedulerObservationList, errors: [502],
      description: 'Read through from the LCO observation portal (an answer is kept LCO_CACHE_SECONDS); an unknown site is []. ' +
        '502 when LCO cannot be reached (at once, with Retry-After, while its site proxy is paused after failing 3 times in a row); ' +
        '503 when too many requests wait on LCO (UPSTREAM_MAX_IN_FLIGHT).',
    }, async ({ site, start, end }) => u.listSchedulerObservations.execute({ site, start, end })), 'the LCO site proxy'),
    {
      method: 'GET', path: '/me', auth: 'user', hasBody: false,
      doc: { tag: 'Queries', summary: 'Who am I?', response: Me, errors: [],
        description: "The caller of the token as every route sees them: the id their events carry (creator_id), their name, and whether they may change anyone's events." },
      handle: async ({ actor }): Answer<typeof Me> => {
        // The route's auth is `user`: any other caller was refused before this runs.
        if (actor.kind !== 'user') throw new InvalidInputError('Only a signed-in user has an identity here.');
        return { user_id: actor.sub, name: actor.name ?? actor.sub, admin: actor.isAdmin };
      },
    },
    {
      method: 'POST', path: '/sites', auth: 'none', hasBody: false,
      doc: { tag: 'Queries', summary: 'The telescopes', response: SiteListing, errors: [],
        description: 'The sites configured with their place and time zone (SITES), whether they require bookings inside the night, and every site with events.' },
      handle: (): Answer<typeof SiteListing> => u.listSites.execute(),
    },
    post('/availability', 'none', {
      tag: 'Queries', summary: 'Nights and free time at a site', request: AvailabilityRequest, response: Availability, errors: [],
      description: "Each night of the window (sunset, the ends of civil, nautical and astronomical twilight, sunrise, the Moon's rise, set and " +
        'illumination), and the free time: the window cut to the night at the darkness, minus every booking and LCO observation. ' +
        'A site without coordinates says night_times unknown.',
    }, async ({ site, start, end, darkness, min_minutes }) => u.availability.execute({
      site, start, end, ...(darkness === undefined ? {} : { darkness }), ...(min_minutes === undefined ? {} : { minMinutes: min_minutes }),
    })),
    change('/ical-feed', 'user', {
      tag: 'Feeds', summary: 'Your private calendar feed address', request: FeedKeyRequest, response: FeedAddress, errors: [409],
      description: 'Makes a secret address of a feed of your reservations at every site, notes included, for a calendar app. ' +
        'It is shown only now: only a digest of its key is kept. 409 when you have one already; {"rotate": true} makes a new one ' +
        'and the old address stops working at once.',
    }, async ({ rotate }, { actor, origin }) => {
      const base = feedAddressBase(deployment.publicUrl, origin);
      const { key } = await u.issueFeedKey.execute({ actor, rotate: rotate === true });
      const url = `${base}/ical/users/${key}.ics`;
      return { url, webcal: url.replace(/^https?:/, 'webcal:') };
    }),
    feed('/ical/{site}.ics', {
      summary: "A site's calendar feed (iCalendar)", errors: [400],
      description: "The site's reservations and imported LCO observations from 30 days ago to 90 days ahead (ICAL_PAST_DAYS, " +
        'ICAL_FUTURE_DAYS), for any calendar app; an unknown site is an empty calendar. Notes are not included. ' +
        'Poll with If-None-Match or If-Modified-Since: 304 when unchanged.',
    }, ({ site }) => u.siteCalendarFeed.execute({ site: site ?? '' }),
    (params) => ({ description: `Reservations at the Photon Ranch telescope ${params.site ?? ''}`, cache: 'public', exactLastModified: true })),
    feed('/ical/users/{key}.ics', {
      summary: "A user's private calendar feed (iCalendar)", errors: [404],
      description: 'The reservations of the key\'s owner at every site, notes included (the address from POST /ical-feed is the only ' +
        'credential). 404 for an unknown or replaced key. 304 for a current If-None-Match; If-Modified-Since alone is not ' +
        'enough here (a delete leaves no later time), so it is answered in full.',
    }, ({ key }) => u.userCalendarFeed.execute({ key: key ?? '' }),
    () => ({ description: 'Your Photon Ranch reservations', cache: 'private', exactLastModified: false })),
    {
      method: 'GET', path: '/import-schedules', auth: 'none', hasBody: false, limit: 'imports',
      doc: { tag: 'LCO', summary: 'Import from LCO now, every subsite', response: ImportReport, errors: [],
        description: 'Joins the run in progress, if any (the import also runs on its own schedule).' },
      handle: (): Answer<typeof ImportReport> => u.importSchedules.execute(),
    },
    {
      method: 'GET', path: '/import-schedules/{subsite}', auth: 'none', hasBody: false, limit: 'imports',
      doc: { tag: 'LCO', summary: 'Import from LCO now, one subsite', response: ImportReport, errors: [404],
        description: '404 for a subsite the deployment does not know; the message lists those it does.' },
      handle: ({ params }): Answer<typeof ImportReport> => u.importSchedules.execute({ subsite: params.subsite ?? '' }),
    },
  ];
}
