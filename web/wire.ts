/**
 * The shapes the page sends and receives, taken from the server's own zod schemas
 * (src/adapters/http/api-schemas.ts) rather than copied: a request is what its route's schema
 * accepts (zod's input side), an answer what its schema gives (the output side). A schema changed
 * so that the page no longer fits it fails `npm run typecheck`, not in a browser. Only types come
 * in (`import type`): nothing of zod or of the server is bundled into the page. This is the one
 * module of web/ that names the schemas.
 */
import type * as z from 'zod';
import type * as schemas from '../src/adapters/http/api-schemas.js';

/** An event as the server stores and answers it (POST /siteevents, /modifyevent, /event-history). */
export type StoredEvent = z.output<typeof schemas.Event>;

/** A telescope the page can show: a configured site, or one that only has events (shown in UTC). */
export type SiteInfo = Pick<z.output<typeof schemas.SiteListing>['sites'][number], 'site' | 'name' | 'timezone'>;

/** One night as POST /availability answers it. */
export type NightTimes = z.output<typeof schemas.Night>;

/** One change in an event's history (POST /event-history answers a page of them). */
export type HistoryEntry = z.output<typeof schemas.HistoryList>[number];

export type SiteEventsBody = z.input<typeof schemas.SiteEventsRequest>;
export type SiteEventsAnswer = z.output<typeof schemas.SiteEventList>;
export type AvailabilityBody = z.input<typeof schemas.AvailabilityRequest>;
export type AvailabilityAnswer = z.output<typeof schemas.Availability>;
export type SiteListing = z.output<typeof schemas.SiteListing>;
export type NewEventBody = z.input<typeof schemas.NewEventRequest>;
export type NewEventAnswer = z.output<typeof schemas.NewEventAnswer>;
export type ModifyEventBody = z.input<typeof schemas.ModifyEventRequest>;
export type DeleteEventBody = z.input<typeof schemas.DeleteEventRequest>;
export type EventHistoryBody = z.input<typeof schemas.EventHistoryRequest>;
export type Me = z.output<typeof schemas.Me>;
