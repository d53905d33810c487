/** The request bodies of the API's routes (see api-schemas.ts). */
import * as z from 'zod';
import { EVENT_ID, EVENT_ID_EXPECTED, LIMITS } from '../../domain/reservation.js';
import { DARKNESS_LEVELS } from '../../domain/night.js';
import { CHANGES_PAGE_CHARS, DEFAULT_CHANGES_LIMIT } from '../../application/use-cases/list-changes.js';
import { DEFAULT_HISTORY_LIMIT, HISTORY_PAGE_CHARS, MAX_HISTORY_LIMIT } from '../../application/use-cases/get-event-history.js';
import { EXPECTED_STRING, eventId, InputTime, named, object, optionalText, ownerId, precondition, SiteCode, userId } from './api-schemas.js';

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

export const NewEventRequest = named('NewEventRequest', (s) =>
  `The event to book, at most ${s.maxReservationHours} hours long (MAX_RESERVATION_HOURS). Keys the calendar does not know ` +
  `(the frontend sends \`rendering\`, for one) are kept as given, up to ${LIMITS.extraKeys} of them.`,
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

/** The most changes one /changes page may be asked for. */
const MAX_CHANGES_LIMIT = 1000;

/** A page's `limit`: 1 to `max` changes, `fallback` when not given; the use case also ends a page at about `pageChars`. */
const pageLimit = (max: number, fallback: number, pageChars: number) => {
  const expected = `expected a whole number from 1 to ${max}`;
  return z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' })
    .min(1, { error: expected }).max(max, { error: expected }).optional()
    .meta({ description: `The most changes in one answer (default ${fallback}); an answer also stops at about ${pageChars / (1024 * 1024)} MiB (always at least one change).` });
};

export const EventHistoryRequest = named('EventHistoryRequest', 'The event whose history to read, and which page of it.',
  z.looseObject({
    event_id: eventId,
    after_version: z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' })
      .min(0, { error: 'expected a whole number of at least 0' }).optional()
      .meta({ description: "Answer the changes after this version: the last entry's version of the previous page (default: from the first change)." }),
    limit: pageLimit(MAX_HISTORY_LIMIT, DEFAULT_HISTORY_LIMIT, HISTORY_PAGE_CHARS),
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

export const SiteEventsRequest = named('SiteEventsRequest', (s) => `A site's calendar window [start, end): at most ${s.listMaxWindowDays} days ` +
  `(LIST_MAX_WINDOW_DAYS); a window with more than ${s.listMaxEvents} events (LIST_MAX_EVENTS) is a 400 asking for a shorter one.`,
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

export const SiteWindowRequest = named('SiteWindowRequest', (s) => `A site and a window [start, end) of at most ${s.listMaxWindowDays} days (LIST_MAX_WINDOW_DAYS).`,
  z.looseObject({ site: SiteCode, start: InputTime, end: InputTime })
    .meta({ examples: [{ site: 'mrc1', start: '2025-06-20T00:00:00Z', end: '2025-06-21T00:00:00Z' }] }));

export const ChangesRequest = named('ChangesRequest', "A page of a site's change feed: from the start, or after a cursor.",
  z.looseObject({
    site: SiteCode,
    since: z.string({ error: EXPECTED_STRING }).max(64, { error: 'not a cursor this feed handed out' }).optional()
      .meta({ description: 'The next of the previous answer (opaque, and good only for this site); leave it out to start from the oldest change kept.' }),
    limit: pageLimit(MAX_CHANGES_LIMIT, DEFAULT_CHANGES_LIMIT, CHANGES_PAGE_CHARS),
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

export const AllowanceRequest = named('AllowanceRequest', 'A site, and the moment whose night, week and rolling window to report (now when not given).',
  z.looseObject({ site: SiteCode, at: InputTime.nullish().meta({ description: 'Default (absent or null): now.' }) })
    .meta({ examples: [{ site: 'saf' }, { site: 'saf', at: '2025-06-20T03:30:00Z' }] }));
