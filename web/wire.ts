/**
 * The shapes the page sends and receives, taken from the server's own zod schemas
 * (src/adapters/http/api-requests.ts and api-answers.ts) rather than copied: a request is what its route's schema
 * accepts (zod's input side), an answer what its schema gives (the output side). A schema changed
 * so that the page no longer fits it fails `npm run typecheck`, not in a browser. Only types come
 * in (`import type`): nothing of zod or of the server is bundled into the page. This is the one
 * module of web/ that names the schemas.
 */
import type * as z from 'zod';
import type * as answers from '../src/adapters/http/api-answers.js';
import type * as requests from '../src/adapters/http/api-requests.js';

/** An event as the server stores and answers it (POST /siteevents, /modifyevent, /event-history). */
export type StoredEvent = z.output<typeof answers.Event>;

/** A telescope the page can show: a configured site, or one that only has events (shown in UTC). */
export type SiteInfo = Pick<z.output<typeof answers.SiteListing>['sites'][number], 'site' | 'name' | 'timezone'>;

/** One night as POST /availability answers it. */
export type NightTimes = z.output<typeof answers.Night>;

/** One change in an event's history (POST /event-history answers a page of them). */
export type HistoryEntry = z.output<typeof answers.HistoryList>[number];

export type SiteEventsBody = z.input<typeof requests.SiteEventsRequest>;
export type SiteEventsAnswer = z.output<typeof answers.SiteEventList>;
export type AvailabilityBody = z.input<typeof requests.AvailabilityRequest>;
export type AvailabilityAnswer = z.output<typeof answers.Availability>;
export type SiteListing = z.output<typeof answers.SiteListing>;
export type NewEventBody = z.input<typeof requests.NewEventRequest>;
export type NewEventAnswer = z.output<typeof answers.NewEventAnswer>;
export type ModifyEventBody = z.input<typeof requests.ModifyEventRequest>;
export type DeleteEventBody = z.input<typeof requests.DeleteEventRequest>;
export type EventHistoryBody = z.input<typeof requests.EventHistoryRequest>;
export type Me = z.output<typeof answers.Me>;
export type AllowanceBody = z.input<typeof requests.AllowanceRequest>;
export type AllowanceAnswer = z.output<typeof answers.Allowance>;
