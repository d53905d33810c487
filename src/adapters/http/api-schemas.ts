/**
 * The shapes of the API's bodies, as zod schemas: the routes validate requests with them, their
 * answers are typed by them, and GET /openapi.json is generated from them (openapi.ts). Limits and
 * patterns come from the domain, so a rule is written once; the messages are the domain's too, so a
 * client sees the same reason whichever layer refused it.
 */
import * as z from 'zod';
import { EVENT_ID, EVENT_ID_EXPECTED, LIMITS, SITE_CODE, SITE_CODE_EXPECTED } from '../../domain/reservation.js';
import { CANONICAL_TIME, ISO_8601_TIME, TIME_EXPECTED } from '../../domain/time.js';
import { DARKNESS_LEVELS } from '../../domain/night.js';

export interface NamedSchema {
  readonly id: string;
  readonly description: string;
  readonly schema: z.ZodType;
  /** requests as a client may send them (zod's input side), answers as the server gives them (output). */
  readonly side: 'request' | 'answer';
}

/** Every named schema; openapi.ts turns each into components.schemas.<id>. */
export const NAMED_SCHEMAS: NamedSchema[] = [];
/** The same, as the zod registries toJSONSchema reads (ids, and so the $refs between them). */
export const requestSchemas = z.registry<{ id: string }>();
export const answerSchemas = z.registry<{ id: string }>();

const namedAs = (side: NamedSchema['side']) => <T extends z.ZodType>(id: string, description: string, schema: T): T => {
  (side === 'request' ? requestSchemas : answerSchemas).add(schema, { id });
  NAMED_SCHEMAS.push({ id, description, schema, side });
  return schema;
};
const named = namedAs('request');
const answer = namedAs('answer');

const EXPECTED_STRING = 'expected a string';
/** An optional string field as the domain reads it: absent or null is "not given". */
const optionalText = (max: number) =>
  z.string({ error: EXPECTED_STRING }).max(max, { error: `longer than ${max} characters` }).nullish();

export const SiteCode = named('SiteCode', 'A PTR site (one telescope): 1 to 16 lowercase letters and digits.',
  z.string().regex(SITE_CODE, { error: SITE_CODE_EXPECTED }).meta({ examples: ['saf', 'mrc1'] }));

export const InputTime = named('InputTime',
  'ISO 8601 with a zone (Z or a numeric offset), seconds and fraction optional; stored and returned as UTC, YYYY-MM-DDTHH:mm:ssZ. ' +
  'Impossible dates (2025-02-30) are refused too.',
  z.string().regex(ISO_8601_TIME, { error: TIME_EXPECTED }).meta({ examples: ['2025-06-20T03:00:00Z', '2025-06-19T21:00:00-06:00'] }));

export const UtcTime = answer('UtcTime', 'A UTC time in the one form the calendar stores: YYYY-MM-DDTHH:mm:ssZ.',
  z.string().regex(CANONICAL_TIME).meta({ examples: ['2025-06-20T03:00:00Z'] }));

const eventId = z.string({ error: EXPECTED_STRING }).min(1, { error: 'must not be empty' }).max(LIMITS.event_id, { error: `longer than ${LIMITS.event_id} characters` });
const USER_ID = { description: "The user's Auth0 id (the token's sub).", examples: ['google-oauth2|100354044221813550027'] };
const userId = z.string({ error: EXPECTED_STRING }).max(LIMITS.creator_id, { error: `longer than ${LIMITS.creator_id} characters` }).meta(USER_ID);
const ownerId = z.string({ error: EXPECTED_STRING }).min(1, { error: `expected 1 to ${LIMITS.creator_id} characters` })
  .max(LIMITS.creator_id, { error: `expected 1 to ${LIMITS.creator_id} characters` }).meta(USER_ID);
const object = z.record(z.string(), z.unknown());
/** A precondition: change nothing (412) unless the event is at this version (as If-Match does). */
const precondition = z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' })
  .min(1, { error: 'expected a whole number of at least 1' }).optional()
  .meta({ description: 'Change nothing, and answer 412, unless the stored event is at this version (like If-Match).' });

// ---- requests ----

const FRONTEND_EVENT = {
  event_id: '0f1e4c52-7c0e-4b8e-9d38-2f6a1c7e9b41',
  start: '2025-06-20T03:00:00Z',
  end: '2025-06-20T04:00:00Z',
  creator: 'Alice Astronomer',
  creator_id: 'google-oauth2|100354044221813550027',
  site: 'saf',
  resourceId: 'saf',
  title: 'M51, L and RGB',
  reservation_type: 'realtime',
  project_id: 'none',
  project_priority: 'standard',
  reservation_note: '',
  rendering: '',
};

export const NewEventRequest = named('NewEventRequest',
  'The event to book. Keys the calendar does not know (the frontend sends `rendering`, for one) are kept as given, up to 64 of them.',
  z.looseObject({
    event_id: eventId.regex(EVENT_ID, { error: EVENT_ID_EXPECTED })
      .meta({ description: 'Chosen by the client (a UUID); unique. Printable ASCII without spaces. Other routes look up any id, also one stored before this rule.' }),
    site: SiteCode,
    start: InputTime,
    end: InputTime.meta({ description: 'After start; [start, end) is the booked interval.' }),
    creator: optionalText(LIMITS.creator).meta({ description: "Display name; defaults to the token's name." }),
    creator_id: optionalText(LIMITS.creator_id).meta({ description: "The owner's Auth0 id; a non-admin may only give their own." }),
    title: optionalText(LIMITS.title),
    resourceId: optionalText(LIMITS.resourceId).meta({ description: 'The calendar resource: the site (the default), or empty.' }),
    reservation_type: optionalText(LIMITS.reservation_type).meta({ examples: ['realtime', 'project'] }),
    origin: optionalText(8).meta({ description: '"PTR" (the default) or "LCO", in any case.' }),
    project_id: optionalText(LIMITS.project_id).meta({ description: '"none" or "<project name>#<created_at>".' }),
    project_priority: optionalText(LIMITS.project_priority),
    reservation_note: optionalText(LIMITS.reservation_note),
    last_modified: optionalText(64).meta({ description: 'Ignored: the server sets it.' }),
  }).meta({ examples: [FRONTEND_EVENT] }));

export const ModifyEventRequest = named('ModifyEventRequest',
  'The event to change (found by originalEvent.event_id; its start is only a hint) and its new fields.',
  z.looseObject({ originalEvent: z.looseObject({ event_id: eventId, version: precondition }), modifiedEvent: object }).meta({
    examples: [{
      originalEvent: { event_id: FRONTEND_EVENT.event_id, start: FRONTEND_EVENT.start },
      modifiedEvent: { ...FRONTEND_EVENT, start: '2025-06-20T05:00:00Z', end: '2025-06-20T06:00:00Z' },
    }],
  }));

export const DeleteEventRequest = named('DeleteEventRequest', 'The event to delete; start and creator_id are accepted and ignored.',
  z.looseObject({ event_id: eventId, version: precondition }).meta({ examples: [{ event_id: FRONTEND_EVENT.event_id, start: FRONTEND_EVENT.start }] }));

const eventRef = z.union([eventId, z.looseObject({ event_id: eventId })]);
const eventRefs = z.array(eventRef).max(1000).meta({ description: 'Event ids, or objects with an event_id; at most 1000.' });

export const EventHistoryRequest = named('EventHistoryRequest', 'The event whose history to read, and which page of it.',
  z.looseObject({
    event_id: eventId,
    after_version: z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' })
      .min(0, { error: 'expected a whole number of at least 0' }).optional()
      .meta({ description: "Answer the changes after this version: the last entry's version of the previous page (default: from the first change)." }),
    limit: z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' })
      .min(1, { error: 'expected a whole number from 1 to 1000' }).max(1000, { error: 'expected a whole number from 1 to 1000' }).optional()
      .meta({ description: 'The most changes in one answer (default 100); an answer also stops at about 1 MiB (always at least one change).' }),
  }).meta({ examples: [{ event_id: FRONTEND_EVENT.event_id }, { event_id: FRONTEND_EVENT.event_id, after_version: 100, limit: 500 }] }));

export const RestoreEventRequest = named('RestoreEventRequest', 'The deleted event to bring back, and which of its versions (default: the last).',
  z.looseObject({ event_id: eventId, version: precondition.meta({ description: 'The version to restore (default: the one it had when deleted).' }) })
    .meta({ examples: [{ event_id: FRONTEND_EVENT.event_id }] }));

export const AddProjectRequest = named('AddProjectRequest', 'Links the listed events to a project.',
  z.looseObject({ project_id: z.string({ error: EXPECTED_STRING }).max(LIMITS.project_id), events: eventRefs }).meta({
    examples: [{ project_id: 'M51 mosaic#2025-06-01T17:02:11Z', events: [{ event_id: FRONTEND_EVENT.event_id, start: FRONTEND_EVENT.start }] }],
  }));

export const RemoveProjectRequest = named('RemoveProjectRequest', 'Unlinks the listed events from their project.',
  z.looseObject({ events: eventRefs }).meta({ examples: [{ events: [FRONTEND_EVENT.event_id] }] }));

const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

export const SiteEventsRequest = named('SiteEventsRequest', "A site's calendar window [start, end); at most 31 days by default.",
  z.looseObject({
    site: SiteCode, start: InputTime, end: InputTime,
    full_project_details: flag.optional().meta({ description: 'Attach each linked project from the projects service.' }),
  }).meta({ examples: [{ site: 'saf', start: '2025-06-15T00:00:00Z', end: '2025-06-22T00:00:00Z', full_project_details: false }] }));

export const UserEventsRequest = named('UserEventsRequest', "A user's events that end after a time.",
  z.looseObject({ user_id: ownerId, time: InputTime }).meta({ examples: [{ user_id: FRONTEND_EVENT.creator_id, time: '2025-06-20T00:00:00Z' }] }));

export const SiteTimeRequest = named('SiteTimeRequest', 'A site and a moment.',
  z.looseObject({ site: SiteCode, time: InputTime }).meta({ examples: [{ site: 'saf', time: '2025-06-20T03:30:00Z' }] }));

export const UserSiteTimeRequest = named('UserSiteTimeRequest', 'A user, a site and a moment.',
  z.looseObject({ user_id: userId, site: SiteCode, time: InputTime })
    .meta({ examples: [{ user_id: FRONTEND_EVENT.creator_id, site: 'saf', time: '2025-06-20T03:30:00Z' }] }));

export const SiteWindowRequest = named('SiteWindowRequest', 'A site and a window [start, end).',
  z.looseObject({ site: SiteCode, start: InputTime, end: InputTime })
    .meta({ examples: [{ site: 'mrc1', start: '2025-06-20T00:00:00Z', end: '2025-06-21T00:00:00Z' }] }));

export const ChangesRequest = named('ChangesRequest', "A page of a site's change feed: from the start, or after a cursor.",
  z.looseObject({
    site: SiteCode,
    since: z.string({ error: EXPECTED_STRING }).max(64, { error: 'not a cursor this feed handed out' }).optional()
      .meta({ description: 'The next of the previous answer (opaque, and good only for this site); leave it out to start from the oldest change kept.' }),
    limit: z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' })
      .min(1, { error: 'expected a whole number from 1 to 1000' }).max(1000, { error: 'expected a whole number from 1 to 1000' }).optional()
      .meta({ description: 'The most changes in one answer (default 100).' }),
  }).meta({ examples: [{ site: 'saf' }, { site: 'saf', since: 'c2.scg_tLsTJOJKVQyiiZyOls56T5rMKP6Ksqd3oy2YqpIJUpATcgZ3Aw', limit: 500 }] }));

export const FeedKeyRequest = named('FeedKeyRequest', 'Whether to replace an existing private feed address.',
  z.looseObject({ rotate: z.boolean({ error: 'expected true or false' }).optional().meta({ description: 'Replace the address you have; the old one stops working.' }) })
    .meta({ examples: [{}, { rotate: true }] }));

export const AvailabilityRequest = named('AvailabilityRequest', "A site's window [start, end) (the /siteevents limits, from a year back to two years ahead), and what counts as night.",
  z.looseObject({
    site: SiteCode, start: InputTime, end: InputTime,
    darkness: z.enum(DARKNESS_LEVELS, { error: 'expected astronomical, nautical, civil or any' }).optional()
      .meta({ description: 'Cut the free time to the night at this darkness (default astronomical); any: no cut.' }),
    min_minutes: z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' })
      .min(0, { error: 'expected a whole number from 0 to 1440' }).max(1440, { error: 'expected a whole number from 0 to 1440' }).optional()
      .meta({ description: 'Leave out free pieces shorter than this (default 0).' }),
  }).meta({ examples: [{ site: 'saf', start: '2027-06-20T00:00:00Z', end: '2027-06-27T00:00:00Z', darkness: 'nautical', min_minutes: 30 }] }));

// ---- answers ----

const HISTORY_ACTIONS = ['created', 'modified', 'deleted', 'project-linked', 'project-unlinked', 'imported', 'import-updated', 'import-removed', 'restored'] as const;


export const Event = answer('Event', 'A reservation as stored. Keys the client added are returned as they were sent.',
  z.looseObject({
    event_id: z.string(),
    start: UtcTime,
    end: UtcTime,
    creator: z.string(),
    creator_id: z.string(),
    site: z.string(),
    resourceId: z.string(),
    title: z.string(),
    reservation_type: z.string(),
    origin: z.string().meta({ description: '"PTR" (booked here) or "LCO" (imported); compare without regard to case.' }),
    project_id: z.string().meta({ description: '"none" when the event has no project.' }),
    project_priority: z.string().optional(),
    reservation_note: z.string(),
    last_modified: z.string(),
    version: z.number().int().min(1).meta({ description: '1 when created, one more on every change; also the ETag of an answer holding one event.' }),
  }));

export const HistoryList = answer('HistoryList', "A page of the event's changes, oldest first: ask again with after_version set to the last one's version for the next; an empty list is the end.",
  z.array(z.object({
    event_id: z.string(),
    version: z.number().int().min(1).meta({ description: "The event's version after the change; a delete is a version too, one past the one it deleted." }),
    at: UtcTime,
    by: z.string().meta({ description: "A user's sub, service, anonymous, or lco-import." }),
    action: z.enum(HISTORY_ACTIONS),
    event: Event.meta({ description: 'The event as it stood after the change (before it, for a delete).' }),
  })));

export const ChangePage = answer('ChangePage', "A page of a site's changes, in the order they were committed.",
  z.object({
    changes: z.array(z.object({
      event_id: z.string(),
      version: z.number().int().min(1),
      action: z.enum(HISTORY_ACTIONS),
      at: UtcTime,
      event: Event.nullable().meta({ description: "The event as it is now, without its note (the owner's, in /event-history); " +
        'null when it is no longer at the site (deleted, or moved to another site). Never a version since superseded.' }),
    })),
    next: z.string().meta({ description: 'Ask again with this as since: the changes after these, or none yet. Opaque: it is sealed, and a changed one is a 400.' }),
  }));

export const EventList = answer('EventList', 'Events ordered by start.', z.array(Event));

export const SiteEvent = answer('SiteEvent', 'An event, with its project when full_project_details was asked for and it has one.',
  z.looseObject({
    ...Event.shape,
    project: z.union([object, z.literal('Project not found.')]).optional()
      .meta({ description: "The project service's record, or \"Project not found.\"." }),
  }));

export const SiteEventList = answer('SiteEventList', 'Events ordered by start.', z.array(SiteEvent));

export const NewEventAnswer = answer('NewEventAnswer', 'The stored event.', z.object({ new_calendar_event: Event }));

export const ProjectLinkAnswer = answer('ProjectLinkAnswer', 'The ids changed, and those not found (skipped, never created).',
  z.object({ updated: z.array(z.string()), missing: z.array(z.string()) }));

export const ICalendar = answer('ICalendar', 'An iCalendar (RFC 5545) document: a VCALENDAR of VEVENTs, times in UTC.',
  z.string().meta({ examples: ['BEGIN:VCALENDAR\r\nVERSION:2.0\r\n...END:VCALENDAR\r\n'] }));

export const FeedAddress = answer('FeedAddress', 'Your private feed address: keep it secret, anyone with it can read your reservations.',
  z.object({
    url: z.string().meta({ description: 'The https address of the feed (subscribe to it by URL).' }),
    webcal: z.string().meta({ description: 'The same as webcal://, which calendar apps open as a subscription.' }),
  }));

const nullableTime = UtcTime.nullable();
export const Night = answer('Night', "One night (solar noon to solar noon) at the site: each event is null when it does not happen that night.",
  z.object({
    sunset: nullableTime, civil_dusk: nullableTime, nautical_dusk: nullableTime, astronomical_dusk: nullableTime,
    astronomical_dawn: nullableTime, nautical_dawn: nullableTime, civil_dawn: nullableTime, sunrise: nullableTime,
    moonrise: nullableTime, moonset: nullableTime,
    moon_illumination: z.number().min(0).max(1).meta({ description: "The Moon's illuminated fraction at the night's middle." }),
  }));

export const Availability = answer('Availability', "A site's nights in the window and its free time.",
  z.object({
    site: z.string(),
    night_times: z.enum(['known', 'unknown']).meta({ description: 'unknown: the site has no coordinates in SITES, so nights is empty and free is not cut to the night.' }),
    nights: z.array(Night),
    free: z.array(z.object({ start: UtcTime, end: UtcTime })).meta({ description: 'The window at the darkness asked for, minus every booking and imported observation.' }),
  }));

export const SiteListing = answer('SiteListing', 'The configured sites, and every site with events.',
  z.object({
    sites: z.array(z.object({
      site: z.string(), name: z.string(), latitude: z.number(), longitude: z.number(), elevation_m: z.number(),
      timezone: z.string().meta({ description: 'IANA time zone.' }), require_night: z.boolean(),
    })),
    with_events: z.array(z.string()),
  }));

export const Me = answer('Me', "The signed-in caller as the calendar sees them: the user id its events carry, the name, and whether they are an admin.",
  z.object({ user_id: z.string().meta(USER_ID), name: z.string(), admin: z.boolean() }));

export const YesNo = answer('YesNo', 'The answer to a yes-or-no question.', z.boolean());

export const SchedulerObservation = answer('SchedulerObservation', 'An LCO observation scheduled at a PTR site, shaped like an event.',
  z.object({
    event_id: z.string(), id: z.string(), start: UtcTime, end: UtcTime, creator: z.string(), creator_id: z.string(),
    last_modified: z.string(), reservation_type: z.literal('observation'), origin: z.literal('LCO'), site: z.string(),
    resourceId: z.string(), title: z.string(), project_id: z.string(), observation_type: z.string(), observation_state: z.string(),
    request_state: z.string(), observation_data: object.meta({ description: 'The observation as the LCO observation portal gave it.' }),
  }));

export const SchedulerObservationList = answer('SchedulerObservationList', 'Observations ordered by start.', z.array(SchedulerObservation));

export const ImportReport = answer('ImportReport', 'One entry per subsite the run covered.',
  z.array(z.object({
    subsite: z.string(),
    status: z.enum(['imported', 'skipped', 'not_configured', 'failed']),
    reason: z.string().optional(),
    added: z.array(z.string()),
    updated: z.array(z.string()),
    removed: z.array(z.string()),
    unchanged: z.number().int(),
    overlaps: z.array(z.object({ event_id: z.string(), overlaps: z.array(z.string()) }))
      .meta({ description: "Imported events that overlap users' reservations (LCO wins)." }),
    invalid: z.array(z.object({ id: z.unknown(), reason: z.string() })).meta({ description: 'Observations skipped as invalid.' }),
    errors: z.array(z.string()).meta({ description: 'Writes that failed (the next run retries them).' }),
    writes: z.number().int().meta({ description: 'Calendar and project writes made.' }),
  })));

export const ServiceIndex = answer('ServiceIndex', 'What this deployment is, and where to go next.',
  z.looseObject({ service: z.string(), version: z.string(), storage: z.string(), auth: z.string(), routes: z.array(z.string()) }));

export const Health = answer('Health', 'The process answers.', z.object({ status: z.literal('ok') }));
export const Readiness = answer('Readiness', 'The store answers a query.', z.object({ status: z.literal('ready') }));
export const OpenApiDocument = answer('OpenApiDocument', 'This document.', z.looseObject({ openapi: z.string() }));
