/**
 * The parsers of settings.ts: each reads a variable's text and says, in the message of its first
 * issue, what the variable must be (the ConfigError prefixes the variable's name).
 */
import * as z from 'zod';
import { parseServiceApiKeys } from '../adapters/auth/service-keys.js';
import { EXEMPT, MAX_ROLLING_NIGHTS, type BookingRules } from '../domain/fair-share.js';
import type { SiteMapping } from '../domain/lco.js';
import { NIGHT_DARKNESS_LEVELS, type SiteLocation } from '../domain/night.js';
import { SITE_CODE, SITE_CODE_EXPECTED } from '../domain/reservation.js';

export const text = z.string();
export const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
export const bool = z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).transform((v) => v === 'true' || v === '1');
export const integer = (min: number, max: number) =>
  z.coerce.number({ error: 'must be a number' }).int(`must be a whole number`).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

/** One of `values`, said as "must be a, b or c" (or `expected`). */
export const oneOf = <const V extends readonly [string, ...string[]]>(values: V, expected?: string) =>
  z.enum(values, { error: expected ?? `must be ${values.length > 2 ? `one of ${values.join(', ')}` : values.join(' or ')}` });

export const tableName = z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name');

/** Comma-separated keys of 16 characters or more (blank entries ignored). */
export const serviceApiKeys = z.string().transform((keys, ctx) => {
  const parsed = parseServiceApiKeys(keys);
  if (parsed) return parsed;
  ctx.addIssue({ code: 'custom', message: 'must hold comma-separated keys of at least 16 characters' });
  return z.NEVER;
});

/** An IANA time zone this runtime knows. */
const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, { error: 'must be an IANA time zone, such as America/Phoenix' });
const siteLocations = z.record(z.string().regex(SITE_CODE, { error: SITE_CODE_EXPECTED }), z.strictObject({
  name: z.string().min(1).max(200),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  elevation_m: z.number().min(-500).max(9000),
  timezone: timeZone,
  require_night: z.boolean().optional(),
  darkness: z.enum(NIGHT_DARKNESS_LEVELS).optional(),
}));

/**
 * A setting holding JSON of `shape`: "must be JSON like <example>" when it is not JSON, else the
 * first problem named by its path in the JSON (saf.latitude, sites.saf.per_night.hours).
 */
function jsonSetting<T>(shape: z.ZodType<T>, example: string) {
  return z.string().transform((json, ctx): T => {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be JSON like ${example}` });
      return z.NEVER;
    }
    const parsed = shape.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    ctx.addIssue({ code: 'custom', message: `${issue?.path.join('.') || 'value'}: ${issue?.message ?? 'invalid'}` });
    return z.NEVER;
  });
}

/** SITES: JSON of each site's place. */
export const sites = jsonSetting<Record<string, SiteLocation>>(siteLocations,
  '{"saf": {"name": "...", "latitude": 35.6, "longitude": -106, "elevation_m": 2200, "timezone": "America/Denver"}}');

const code = z.string().regex(/^[a-z0-9]{1,16}$/);
const siteMapping = z.record(code, z.record(z.string().regex(/^[A-Za-z0-9]{1,16}$/), code));

/** LCO_SITES: JSON of WEMA → telescope → PTR site. */
export const lcoSites = z.string().transform((json, ctx): SiteMapping => {
  try {
    const parsed = siteMapping.safeParse(JSON.parse(json));
    if (parsed.success) return parsed.data;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: 'must be JSON like {"mrc": {"0m31": "mrc1"}} (WEMA → telescope → PTR site)' });
  return z.NEVER;
});

const positive = z.number().positive({ error: 'must be a number above 0' });
const count = z.number().int({ error: 'must be a whole number' }).min(0, { error: 'must be at least 0' });
const quota = z.strictObject({ hours: positive.nullable().optional(), bookings: count.nullable().optional() });
const ruleSet = z.strictObject({
  shortest_minutes: positive.nullable().optional(),
  longest_hours: positive.nullable().optional(),
  notice_minutes: z.number().min(0, { error: 'must be at least 0' }).nullable().optional(),
  ahead_days: positive.nullable().optional(),
  per_night: quota.nullable().optional(),
  per_week: quota.nullable().optional(),
  rolling: quota.extend({
    nights: z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' })
      .max(MAX_ROLLING_NIGHTS, { error: `must be at most ${MAX_ROLLING_NIGHTS}` }),
  }).nullable().optional(),
  held: quota.nullable().optional(),
}).refine((rules) => !(rules.shortest_minutes && rules.longest_hours && rules.shortest_minutes > rules.longest_hours * 60), {
  error: 'shortest_minutes is longer than longest_hours: no booking could be made',
});
const bookingRulesShape = z.strictObject({
  default: ruleSet.optional(),
  sites: z.record(z.string().regex(SITE_CODE, { error: SITE_CODE_EXPECTED }), ruleSet).optional(),
  roles: z.record(z.string().min(1).max(128), z.union([z.literal(EXEMPT), ruleSet], { error: `must be "${EXEMPT}" or a set of rules` })).optional(),
});

/** BOOKING_RULES: JSON of the booking rules (domain/fair-share.ts). */
export const bookingRules = jsonSetting<BookingRules>(bookingRulesShape as z.ZodType<BookingRules>,
  '{"default": {"longest_hours": 4, "per_night": {"hours": 4}}, "sites": {"saf": {...}}, "roles": {"admin": "exempt"}}');
