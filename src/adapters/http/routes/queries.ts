/** The routes that read the calendar (tag Queries): anyone may ask, except /me. */
import type { UseCases } from '../../../application/use-cases/index.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { Allowance, Availability, ChangePage, EventList, Me, SiteEventList, SiteListing, YesNo } from '../api-answers.js';
import { AllowanceRequest, AvailabilityRequest, ChangesRequest, SiteEventsRequest, SiteTimeRequest, UserEventsRequest, UserSiteTimeRequest } from '../api-requests.js';
import { post, pure, readingThrough, readThroughRefusals, type Answer, type Route } from '../route.js';

/** Whether a `/siteevents` body asks for project details, as its schema reads the flag (`true` or `"true"`). */
const withProjectDetails = (body: Readonly<Record<string, unknown>>): boolean =>
  body.full_project_details === true || body.full_project_details === 'true';

export function queryRoutes(u: UseCases): Route[] {
  return [
    post('/changes', 'none', {
      tag: 'Queries', summary: "A site's change feed", request: ChangesRequest, response: ChangePage, errors: [410],
      description: (s) => "The site's changes in the order they were committed, each with the event as it is now, without its note " +
        "(null when it is no longer at the site): what anyone may see. Every version of an event, notes included, is its owner's: /event-history. " +
        'Start without since and ask again with each answer\'s next: every change comes exactly once, also under concurrent writers. ' +
        'A cursor that is not one this site\'s feed handed out answers 400; one older than the history kept, ' +
        `${s.historyRetentionDays} days (HISTORY_RETENTION_DAYS), answers 410: start again without since.`,
    }, async ({ site, since, limit }) => u.listChanges.execute({ site, ...(since === undefined ? {} : { since }), ...(limit === undefined ? {} : { limit }) })),
    // With project details, the answer holds the projects service's: not cached, and it waits on that service.
    readingThrough(pure(post('/siteevents', 'none', {
      tag: 'Queries', summary: "A site's calendar", request: SiteEventsRequest, response: SiteEventList, errors: [502],
      description: (s) => "The site's events overlapping [start, end), also those that began before it or run past it, ordered by start. " +
        `With full_project_details: ${readThroughRefusals(s, 'the projects service', 'it')}`,
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
    // The caller's own use: a signed-in route, so never kept by the read cache nor by HTTP caches.
    post('/allowance', 'user', {
      tag: 'Queries', summary: 'My booking rules and time allowances at a site', request: AllowanceRequest, response: Allowance, errors: [],
      description: 'The booking rules (BOOKING_RULES) the caller books under at the site: the role whose rules apply, or exempt; how ' +
        'short and long a booking may be and the starts allowed now; and for each time allowance, its limit, what the caller uses and ' +
        'what is left, in the night of at (default now), its week, the rolling window of nights ending with it, and held from now on. ' +
        "Counted as a booking is judged: the caller's own bookings at the site, LCO observations left out. Without BOOKING_RULES, " +
        'every rule is null and there is no allowance.',
    }, async ({ site, at }, { actor }) => u.allowance.execute({ actor, site, ...(at === undefined || at === null ? {} : { at }) })),
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
  ];
}
