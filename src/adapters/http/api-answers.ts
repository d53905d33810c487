/** The answers of the API's routes and of the service's own (see api-schemas.ts). */
import * as z from 'zod';
import { answer, object, USER_ID, UtcTime } from './api-schemas.js';

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

const SiteEvent = answer('SiteEvent', 'An event, with its project when full_project_details was asked for and it has one.',
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

const limit = (what: string) => z.number().nullable().meta({ description: `The most ${what}; null: no limit.` });

const AllowanceLine = answer('AllowanceLine', "One allowance in one period: its limit, the caller's use, and what is left (null where there is no limit).",
  z.object({
    rule: z.enum(['per_night', 'per_week', 'rolling', 'held']),
    period: z.object({
      start: UtcTime,
      end: UtcTime.nullable().meta({ description: 'null for held: from now on.' }),
      label: z.string().meta({ examples: ['the night of 14 Dec 2026', 'held from now on'] }),
    }),
    limit_hours: limit('hours'), used_hours: z.number(), left_hours: limit('hours left'),
    limit_bookings: limit('bookings'), used_bookings: z.number().int(), left_bookings: limit('bookings left'),
  }));

export const Allowance = answer('Allowance', 'The booking rules the caller books under at the site (BOOKING_RULES), and their time allowances around the moment asked about.',
  z.object({
    site: z.string(),
    at: UtcTime,
    role: z.string().nullable().meta({ description: 'The role or group whose rules apply (admin included); null: the site\'s own.' }),
    exempt: z.boolean().meta({ description: 'No rule applies to the caller here: rules are all null and allowances empty.' }),
    rules: z.object({
      shortest_minutes: z.number().nullable().meta({ description: 'The shortest booking, in minutes; null: no limit.' }),
      longest_hours: z.number().nullable().meta({ description: 'The longest booking, in hours; null: no limit.' }),
      notice_minutes: z.number().nullable().meta({ description: 'A booking starts at least this many minutes after it is made; null: no limit.' }),
      ahead_days: z.number().nullable().meta({ description: 'A booking starts at most this many days ahead; null: no limit.' }),
      earliest_start: UtcTime.nullable().meta({ description: 'The earliest start notice_minutes allows now; null: no limit.' }),
      latest_start: UtcTime.nullable().meta({ description: 'The latest start ahead_days allows now; null: no limit.' }),
    }),
    allowances: z.array(AllowanceLine).meta({ description: 'One per allowance set: the night of at, its week, the rolling window ending that night, and what is held from now on. Empty: no allowance.' }),
  }));

export const YesNo = answer('YesNo', 'The answer to a yes-or-no question.', z.boolean());

const SchedulerObservation = answer('SchedulerObservation', 'An LCO observation scheduled at a PTR site, shaped like an event.',
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
