/**
 * The shapes of the API's bodies, as zod schemas: the routes validate requests with them, their
 * answers are typed by them, and GET /openapi.json is generated from them (openapi.ts). Limits and
 * patterns come from the domain and the use cases where they have them, so a rule is written once;
 * the messages are the domain's too, so a client sees the same reason whichever layer refused it.
 * (What only this edge bounds, such as 1000 event ids per project link, is written here.)
 *
 * This file holds the registry and the shapes both sides share; api-requests.ts the request bodies,
 * api-answers.ts the answers.
 */
import * as z from 'zod';
import { LIMITS, SITE_CODE, SITE_CODE_EXPECTED } from '../../domain/reservation.js';
import { CANONICAL_TIME, ISO_8601_TIME, TIME_EXPECTED } from '../../domain/time.js';

/**
 * The settings the API document states, as the running service has them (named as AppConfig names
 * them): the document says what this deployment does, never a default written into its text.
 */
export interface DocumentedSettings {
  readonly listMaxWindowDays: number;
  readonly listMaxEvents: number;
  readonly maxReservationHours: number;
  readonly historyRetentionDays: number;
  readonly icalPastDays: number;
  readonly icalFutureDays: number;
  readonly icalMaxEvents: number;
  readonly lcoCacheSeconds: number;
  readonly upstreamPauseSeconds: number;
  readonly upstreamMaxInFlight: number;
  readonly rateLimitPerMinute: number;
  readonly importTriggersPerMinute: number;
}

/** A description, or one that states settings: written from the running ones when the document is made (openapi.ts). */
export type Described = string | ((settings: DocumentedSettings) => string);

interface NamedSchema {
  readonly id: string;
  readonly description: Described;
  readonly schema: z.ZodType;
  /** requests as a client may send them (zod's input side), answers as the server gives them (output). */
  readonly side: 'request' | 'answer';
}

/** Every named schema; openapi.ts turns each into components.schemas.<id>. */
export const NAMED_SCHEMAS: NamedSchema[] = [];
/** The same, as the zod registries toJSONSchema reads (ids, and so the $refs between them). */
export const requestSchemas = z.registry<{ id: string }>();
export const answerSchemas = z.registry<{ id: string }>();

const namedAs = (side: NamedSchema['side']) => <T extends z.ZodType>(id: string, description: Described, schema: T): T => {
  (side === 'request' ? requestSchemas : answerSchemas).add(schema, { id });
  NAMED_SCHEMAS.push({ id, description, schema, side });
  return schema;
};
export const named = namedAs('request');
export const answer = namedAs('answer');

export const EXPECTED_STRING = 'expected a string';
/** An optional string field as the domain reads it: absent or null is "not given". */
export const optionalText = (max: number) =>
  z.string({ error: EXPECTED_STRING }).max(max, { error: `longer than ${max} characters` }).nullish();

export const SiteCode = named('SiteCode', 'A PTR site (one telescope): 1 to 16 lowercase letters and digits.',
  z.string().regex(SITE_CODE, { error: SITE_CODE_EXPECTED }).meta({ examples: ['saf', 'mrc1'] }));

export const InputTime = named('InputTime',
  'ISO 8601 with a zone (Z or a numeric offset), seconds and fraction optional; stored and returned as UTC, YYYY-MM-DDTHH:mm:ssZ. ' +
  'Impossible dates (2025-02-30) are refused too.',
  z.string().regex(ISO_8601_TIME, { error: TIME_EXPECTED }).meta({ examples: ['2025-06-20T03:00:00Z', '2025-06-19T21:00:00-06:00'] }));

export const UtcTime = answer('UtcTime', 'A UTC time in the one form the calendar stores: YYYY-MM-DDTHH:mm:ssZ.',
  z.string().regex(CANONICAL_TIME).meta({ examples: ['2025-06-20T03:00:00Z'] }));

export const eventId = z.string({ error: EXPECTED_STRING }).min(1, { error: 'must not be empty' }).max(LIMITS.event_id, { error: `longer than ${LIMITS.event_id} characters` });
export const USER_ID = { description: "The user's Auth0 id (the token's sub).", examples: ['google-oauth2|100354044221813550027'] };
export const userId = z.string({ error: EXPECTED_STRING }).max(LIMITS.creator_id, { error: `longer than ${LIMITS.creator_id} characters` }).meta(USER_ID);
export const ownerId = z.string({ error: EXPECTED_STRING }).min(1, { error: `expected 1 to ${LIMITS.creator_id} characters` })
  .max(LIMITS.creator_id, { error: `expected 1 to ${LIMITS.creator_id} characters` }).meta(USER_ID);
export const object = z.record(z.string(), z.unknown());
/** A precondition: change nothing (412) unless the event is at this version (as If-Match does). */
export const precondition = z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' })
  .min(1, { error: 'expected a whole number of at least 1' }).optional()
  .meta({ description: 'Change nothing, and answer 412, unless the stored event is at this version (like If-Match).' });
