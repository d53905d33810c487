/**
 * Configuration from environment variables, validated once at start-up. A bad value stops the
 * process with a message naming the variable. README.md lists every variable.
 */
import { dirname, resolve } from 'node:path';
import * as z from 'zod';
import { LOCAL_ISSUER } from '../adapters/auth/local-signing-key.js';
import { parseServiceApiKeys } from '../adapters/auth/service-keys.js';
import { DEFAULT_LCO_SITES, type SiteMapping } from '../domain/lco.js';
import { NIGHT_DARKNESS_LEVELS, type SiteLocation } from '../domain/night.js';
import { SITE_CODE, SITE_CODE_EXPECTED } from '../domain/reservation.js';

export type AuthSource =
  | { readonly mode: 'jwks'; readonly jwksUri: string }
  | { readonly mode: 'public-key'; readonly publicKeyPem: string }
  /** Development: a key pair made in the data directory; `npm run token` signs tokens with it. */
  | { readonly mode: 'local'; readonly keyDir: string };

export interface AppConfig {
  readonly nodeEnv: string;
  readonly port: number;
  readonly host: string;
  readonly storage: 'sqlite' | 'memory' | 'dynamodb';
  readonly sqlitePath: string;
  readonly sqliteSynchronous: 'NORMAL' | 'FULL';
  /** Megabytes of read answers kept per process (SQLite only; see ReadCache); 0: none. */
  readonly readCacheMb: number;
  readonly stage: string;
  readonly awsRegion: string;
  /** A local DynamoDB endpoint; with it, missing tables are created at start. */
  readonly dynamodbEndpoint?: string;
  readonly dynamodbCalendarTable: string;
  readonly scheduleTrackingTable: string;
  readonly auth: AuthSource;
  readonly authAudience: string;
  readonly authIssuer: string;
  readonly authUserinfoUrl?: string;
  readonly authClockToleranceSeconds: number;
  readonly serviceApiKeys: readonly string[];
  readonly allowAnonymousProjectLinks: boolean;
  readonly projectsApiUrl?: string;
  readonly logLevel: string;
  readonly maxReservationHours: number;
  /** WEMA → telescope → PTR site of the sites used with the LCO scheduler. */
  readonly lcoSites: SiteMapping;
  readonly lcoSiteProxyUrl: string;
  readonly siteProxySecretsSource: 'env' | 'ssm';
  /** `SITE_PROXY_SECRET_<WEMA>` values, by variable name (used when the source is env). */
  readonly siteProxySecrets: Readonly<Record<string, string>>;
  readonly lcoTimeoutSeconds: number;
  readonly importEnabled: boolean;
  readonly importIntervalSeconds: number;
  readonly importWindowDays: number;
  readonly importFullRefreshSeconds: number;
  /** Requests a client may make to mutating routes per minute; 0 turns the limit off. */
  readonly rateLimitPerMinute: number;
  /** Requests handled at once before new ones are shed with 503. */
  readonly maxInFlight: number;
  /** Requests waiting on one other service (LCO, the projects service) at once, apart from maxInFlight; past it, 503. */
  readonly upstreamMaxInFlight: number;
  /** How long an LCO schedule read through for `/scheduler-observations` is kept; 0: not kept. */
  readonly lcoCacheSeconds: number;
  /** How long a service the read-through routes use is not asked after failing 3 times in a row. */
  readonly upstreamPauseSeconds: number;
  /**
   * Who may read GET /metrics: local (this machine, not through a proxy; never in production),
   * token (whoever sends metricsToken as a bearer token), public, or off.
   */
  readonly metrics: 'local' | 'token' | 'public' | 'off';
  readonly metricsToken?: string;
  /** The longest a client may take to send a whole request (headers: at most 20 s). */
  readonly requestTimeoutSeconds: number;
  /** Import triggers (`GET /import-schedules`) a client may send per minute; 0 turns the limit off. */
  readonly importTriggersPerMinute: number;
  /** A request body must arrive within this many seconds ... */
  readonly bodyTimeoutSeconds: number;
  /** ... and, after its first 2 s, at this many bytes a second at least. */
  readonly bodyMinBytesPerSecond: number;
  /** Open connections one client address may hold; 0 turns the cap off. */
  readonly maxConnectionsPerClient: number;
  /** How old the JWKS key set may get before it is fetched again. */
  readonly jwksRefreshSeconds: number;
  /** The shortest time between two JWKS fetches asked for by tokens with unknown keys. */
  readonly jwksRefetchCooldownSeconds: number;
  /** The longest window the list routes (`/siteevents`, `/scheduler-observations`) answer for. */
  readonly listMaxWindowDays: number;
  /** The most events one list answer may hold. */
  readonly listMaxEvents: number;
  /** The iCalendar feeds' UID domain (`<event_id>@<domain>`); undefined: the request's host name. */
  readonly icalDomain?: string;
  readonly icalPastDays: number;
  readonly icalFutureDays: number;
  readonly icalMaxEvents: number;
  /** The service's public address, for the feed URLs it hands out; undefined: the request's own. */
  readonly publicUrl?: string;
  /** SITES: where each configured site is (its nights are known); none by default. */
  readonly sites: Readonly<Record<string, SiteLocation>>;
  /** REQUIRE_NIGHT: configured sites refuse bookings outside the night (a site's flag wins). */
  readonly requireNight: boolean;
  /** NIGHT_DARKNESS: the darkness a required night means. */
  readonly nightDarkness: (typeof NIGHT_DARKNESS_LEVELS)[number];
  /** How long the history (and change-feed entries) of a deleted event are kept, and a feed cursor is good for. */
  readonly historyRetentionDays: number;
  /** UI_OIDC_*: how the calendar page signs users in with OpenID Connect (PKCE); none: no such sign-in. */
  readonly uiOidc?: { readonly issuer: string; readonly clientId: string; readonly audience: string };
  /** Where the service keys come from: SERVICE_API_KEYS, or an SSM SecureString parameter. */
  readonly serviceApiKeysSource: 'env' | 'ssm';
  /** The SSM parameter holding the comma-separated service keys (source ssm). */
  readonly serviceApiKeysParameter: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const blankToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
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

const bool = z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).transform((v) => v === 'true' || v === '1');
const integer = (min: number, max: number) =>
  z.coerce.number({ error: 'must be a number' }).int(`must be a whole number`).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

const code = z.string().regex(/^[a-z0-9]{1,16}$/);
const siteMapping = z.record(code, z.record(z.string().regex(/^[A-Za-z0-9]{1,16}$/), code));

const schema = z.object({
  NODE_ENV: optional(z.string()),
  PORT: optional(integer(0, 65_535)),
  HOST: optional(z.string().min(1)),
  STORAGE: optional(z.enum(['sqlite', 'memory', 'dynamodb'], { error: 'must be sqlite, dynamodb or memory' })),
  STAGE: optional(z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be 1 to 32 lowercase letters, digits or dashes')),
  AWS_REGION: optional(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1')),
  DYNAMODB_ENDPOINT: optional(url),
  DYNAMODB_CALENDAR: optional(z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name')),
  SCHEDULE_TRACKING_TABLE: optional(z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name')),
  SQLITE_PATH: optional(z.string().min(1)),
  SQLITE_SYNCHRONOUS: optional(z.enum(['NORMAL', 'FULL'], { error: 'must be NORMAL or FULL' })),
  READ_CACHE_MB: optional(integer(0, 4096)),
  AUTH_JWKS_URI: optional(url),
  AUTH_PUBLIC_KEY: optional(z.string().refine((v) => v.includes('-----BEGIN '), 'must be a PEM public key or certificate')),
  AUTH_AUDIENCE: optional(z.string().min(1)),
  AUTH_ISSUER: optional(z.string().min(1)),
  AUTH_USERINFO_URL: optional(url),
  AUTH_CLOCK_TOLERANCE_SECONDS: optional(integer(0, 300)),
  SERVICE_API_KEYS: optional(z.string()),
  ALLOW_ANONYMOUS_PROJECT_LINKS: optional(bool),
  PROJECTS_API_URL: optional(url),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })),
  MAX_RESERVATION_HOURS: optional(integer(1, 24 * 31)),
  SITES: optional(z.string().transform((text, ctx) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON like {"saf": {"name": "...", "latitude": 35.6, "longitude": -106, "elevation_m": 2200, "timezone": "America/Denver"}}' });
      return z.NEVER;
    }
    const parsed = siteLocations.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    ctx.addIssue({ code: 'custom', message: `${issue?.path.join('.') || 'value'}: ${issue?.message ?? 'invalid'}` });
    return z.NEVER;
  })),
  REQUIRE_NIGHT: optional(bool),
  NIGHT_DARKNESS: optional(z.enum(NIGHT_DARKNESS_LEVELS, { error: 'must be astronomical, nautical or civil' })),
  LCO_SITES: optional(z.string().transform((text, ctx) => {
    try {
      const parsed = siteMapping.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'must be JSON like {"mrc": {"0m31": "mrc1"}} (WEMA → telescope → PTR site)' });
    return z.NEVER;
  })),
  LCO_SITE_PROXY_URL: optional(z.string().refine((v) => v.includes('{wema}') && /^https?:\/\//.test(v), 'must be an http(s) URL containing {wema}')),
  SITE_PROXY_SECRETS_SOURCE: optional(z.enum(['env', 'ssm'], { error: 'must be env or ssm' })),
  LCO_TIMEOUT_SECONDS: optional(integer(1, 120)),
  IMPORT_ENABLED: optional(bool),
  IMPORT_INTERVAL_SECONDS: optional(integer(10, 86_400)),
  IMPORT_WINDOW_DAYS: optional(integer(1, 90)),
  IMPORT_FULL_REFRESH_SECONDS: optional(integer(60, 7 * 86_400)),
  RATE_LIMIT_PER_MINUTE: optional(integer(0, 1_000_000)),
  MAX_IN_FLIGHT: optional(integer(1, 100_000)),
  UPSTREAM_MAX_IN_FLIGHT: optional(integer(1, 10_000)),
  LCO_CACHE_SECONDS: optional(integer(0, 3600)),
  UPSTREAM_PAUSE_SECONDS: optional(integer(1, 3600)),
  METRICS: optional(z.enum(['local', 'token', 'public', 'off'], { error: 'must be local, token, public or off' })),
  // A secret: checked below, where the message does not repeat the value.
  METRICS_TOKEN: optional(z.string()),
  REQUEST_TIMEOUT_SECONDS: optional(integer(1, 300)),
  IMPORT_TRIGGERS_PER_MINUTE: optional(integer(0, 10_000)),
  BODY_TIMEOUT_SECONDS: optional(integer(1, 300)),
  BODY_MIN_BYTES_PER_SECOND: optional(integer(0, 1024 * 1024)),
  MAX_CONNECTIONS_PER_CLIENT: optional(integer(0, 100_000)),
  JWKS_REFRESH_SECONDS: optional(integer(1, 86_400)),
  JWKS_REFETCH_COOLDOWN_SECONDS: optional(integer(1, 3600)),
  LIST_MAX_WINDOW_DAYS: optional(integer(1, 3660)),
  LIST_MAX_EVENTS: optional(integer(1, 100_000)),
  HISTORY_RETENTION_DAYS: optional(integer(1, 36_500)),
  ICAL_DOMAIN: optional(z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, { error: 'must be a domain name, such as calendar.photonranch.org' })),
  ICAL_PAST_DAYS: optional(integer(0, 366)),
  ICAL_FUTURE_DAYS: optional(integer(1, 731)),
  ICAL_MAX_EVENTS: optional(integer(1, 100_000)),
  PUBLIC_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, such as https://calendar.photonranch.org' })),
  UI_OIDC_ISSUER: optional(url),
  UI_OIDC_CLIENT_ID: optional(z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be a client id (1 to 200 visible characters)')),
  UI_OIDC_AUDIENCE: optional(z.string().min(1).max(500)),
  SERVICE_API_KEYS_SOURCE: optional(z.enum(['env', 'ssm'], { error: 'must be env or ssm' })),
  SERVICE_API_KEYS_PARAMETER: optional(z.string().regex(/^\/[A-Za-z0-9_.\/-]{1,1000}$/, 'must be an SSM parameter name starting with /')),
});

/** Every variable the configuration reads (for deployments that pass a chosen set through). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

/**
 * SITES with each LCO site (a key of LCO_SITES, such as mrc) stood for by its telescopes' subsites
 * (mrc1, mrc2), the codes the calendar books: they share the place. A subsite given its own entry
 * keeps it.
 */
function telescopeSites(sites: Record<string, SiteLocation>, lco: SiteMapping): Record<string, SiteLocation> {
  const expanded: Record<string, SiteLocation> = {};
  for (const [site, location] of Object.entries(sites)) {
    const subsites = Object.hasOwn(lco, site) ? Object.values(lco[site]!) : [];
    if (subsites.length === 0) expanded[site] = location;
    for (const subsite of subsites) if (!Object.hasOwn(sites, subsite)) expanded[subsite] = location;
  }
  return expanded;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(`Invalid configuration: ${name} ${issue?.message ?? 'is invalid'} (got ${JSON.stringify(env[name])})`);
  }
  const e = parsed.data;
  const nodeEnv = e.NODE_ENV ?? 'development';
  const sqlitePath = resolve(e.SQLITE_PATH ?? './data/calendar.db');

  if (e.AUTH_JWKS_URI && e.AUTH_PUBLIC_KEY) {
    throw new ConfigError('Invalid configuration: set AUTH_JWKS_URI or AUTH_PUBLIC_KEY, not both');
  }
  let auth: AuthSource;
  if (e.AUTH_JWKS_URI) auth = { mode: 'jwks', jwksUri: e.AUTH_JWKS_URI };
  else if (e.AUTH_PUBLIC_KEY) auth = { mode: 'public-key', publicKeyPem: e.AUTH_PUBLIC_KEY };
  else {
    const stray = (['AUTH_ISSUER', 'AUTH_USERINFO_URL'] as const).find((k) => e[k] !== undefined);
    if (stray) {
      throw new ConfigError(`Invalid configuration: ${stray} is set but neither AUTH_JWKS_URI nor AUTH_PUBLIC_KEY is`);
    }
    if (nodeEnv === 'production') {
      throw new ConfigError(
        'Invalid configuration: NODE_ENV=production needs AUTH_JWKS_URI or AUTH_PUBLIC_KEY; local auth mode is for development only',
      );
    }
    auth = { mode: 'local', keyDir: dirname(sqlitePath) };
  }
  if (auth.mode !== 'local' && !e.AUTH_ISSUER) {
    throw new ConfigError(`Invalid configuration: AUTH_ISSUER is required with ${auth.mode === 'jwks' ? 'AUTH_JWKS_URI' : 'AUTH_PUBLIC_KEY'}`);
  }

  const serviceApiKeysSource = e.SERVICE_API_KEYS_SOURCE ?? 'env';
  const serviceApiKeys = parseServiceApiKeys(e.SERVICE_API_KEYS ?? '');
  if (serviceApiKeys === undefined) {
    throw new ConfigError('Invalid configuration: SERVICE_API_KEYS must hold comma-separated keys of at least 16 characters');
  }
  if (serviceApiKeysSource === 'ssm' && serviceApiKeys.length > 0) {
    throw new ConfigError('Invalid configuration: SERVICE_API_KEYS is set but SERVICE_API_KEYS_SOURCE=ssm reads the keys from SSM; unset one');
  }

  if ((e.UI_OIDC_ISSUER === undefined) !== (e.UI_OIDC_CLIENT_ID === undefined)) {
    throw new ConfigError(`Invalid configuration: ${e.UI_OIDC_ISSUER ? 'UI_OIDC_ISSUER is set without UI_OIDC_CLIENT_ID' : 'UI_OIDC_CLIENT_ID is set without UI_OIDC_ISSUER'}; the page's sign-in needs both`);
  }
  if (e.UI_OIDC_AUDIENCE !== undefined && e.UI_OIDC_ISSUER === undefined) {
    throw new ConfigError('Invalid configuration: UI_OIDC_AUDIENCE is set without UI_OIDC_ISSUER and UI_OIDC_CLIENT_ID');
  }
  if (e.UI_OIDC_ISSUER && auth.mode === 'local') {
    throw new ConfigError("Invalid configuration: UI_OIDC_ISSUER is set in local auth mode, where the API would refuse the provider's tokens; set AUTH_JWKS_URI and AUTH_ISSUER too");
  }

  const stage = e.STAGE ?? 'dev';
  // The Lambda runtime sets AWS_LAMBDA_FUNCTION_NAME. Its bundle has no SQLite addon and its disk is
  // thrown away with the instance, so there the default is DynamoDB and SQLite is refused.
  const onLambda = Boolean(env.AWS_LAMBDA_FUNCTION_NAME);
  const storage = e.STORAGE ?? (onLambda ? 'dynamodb' : 'sqlite');
  if (onLambda && storage === 'sqlite') {
    throw new ConfigError('Invalid configuration: STORAGE=sqlite cannot run on AWS Lambda (no disk that lasts, no SQLite in the bundle); use dynamodb');
  }
  if (storage === 'dynamodb' && nodeEnv === 'production' && !e.PROJECTS_API_URL) {
    throw new ConfigError('Invalid configuration: PROJECTS_API_URL is required with STORAGE=dynamodb in production');
  }

  // Production runs behind a proxy, and a proxy on the same machine that adds no header of its own
  // makes every client look local (adapters/http/this-machine.ts): there /metrics is off unless
  // it needs a token or is public by choice.
  const metrics = e.METRICS ?? (e.METRICS_TOKEN ? 'token' : nodeEnv === 'production' || onLambda ? 'off' : 'local');
  if (e.METRICS_TOKEN !== undefined && !/^[\x21-\x7e]{16,200}$/.test(e.METRICS_TOKEN)) {
    throw new ConfigError('Invalid configuration: METRICS_TOKEN must be 16 to 200 visible characters');
  }
  if (metrics === 'token' && !e.METRICS_TOKEN) throw new ConfigError('Invalid configuration: METRICS=token needs METRICS_TOKEN, the bearer token a scraper sends');
  if (metrics !== 'token' && e.METRICS_TOKEN) throw new ConfigError(`Invalid configuration: METRICS_TOKEN is set but METRICS=${metrics} does not use it; unset one`);
  if (metrics === 'local' && nodeEnv === 'production') {
    throw new ConfigError('Invalid configuration: METRICS=local cannot tell a client on this machine from one forwarded by a proxy on it; with NODE_ENV=production set METRICS_TOKEN (or METRICS=public or off)');
  }

  return {
    nodeEnv,
    port: e.PORT ?? 3000,
    host: e.HOST ?? '127.0.0.1',
    storage,
    sqlitePath,
    sqliteSynchronous: e.SQLITE_SYNCHRONOUS ?? 'FULL',
    readCacheMb: e.READ_CACHE_MB ?? 32,
    stage,
    awsRegion: e.AWS_REGION ?? 'us-east-1',
    ...(e.DYNAMODB_ENDPOINT ? { dynamodbEndpoint: e.DYNAMODB_ENDPOINT } : {}),
    dynamodbCalendarTable: e.DYNAMODB_CALENDAR ?? `calendar-${stage}`,
    scheduleTrackingTable: e.SCHEDULE_TRACKING_TABLE ?? `${stage}-schedule-tracking`,
    auth,
    authAudience: e.AUTH_AUDIENCE ?? 'master',
    authIssuer: auth.mode === 'local' ? LOCAL_ISSUER : (e.AUTH_ISSUER as string),
    ...(e.AUTH_USERINFO_URL ? { authUserinfoUrl: e.AUTH_USERINFO_URL } : {}),
    authClockToleranceSeconds: e.AUTH_CLOCK_TOLERANCE_SECONDS ?? 30,
    serviceApiKeys,
    allowAnonymousProjectLinks: e.ALLOW_ANONYMOUS_PROJECT_LINKS ?? false,
    ...(e.PROJECTS_API_URL ? { projectsApiUrl: e.PROJECTS_API_URL } : {}),
    logLevel: e.LOG_LEVEL ?? 'info',
    maxReservationHours: e.MAX_RESERVATION_HOURS ?? 24,
    lcoSites: e.LCO_SITES ?? DEFAULT_LCO_SITES,
    lcoSiteProxyUrl: e.LCO_SITE_PROXY_URL ?? 'https://{wema}-proxy.lco.global/',
    siteProxySecretsSource: e.SITE_PROXY_SECRETS_SOURCE ?? 'env',
    siteProxySecrets: Object.fromEntries(
      Object.entries(env).filter((kv): kv is [string, string] => /^SITE_PROXY_SECRET_[A-Z0-9]+$/.test(kv[0]) && typeof kv[1] === 'string' && kv[1] !== ''),
    ),
    lcoTimeoutSeconds: e.LCO_TIMEOUT_SECONDS ?? 15,
    importEnabled: e.IMPORT_ENABLED ?? true,
    importIntervalSeconds: e.IMPORT_INTERVAL_SECONDS ?? 300,
    importWindowDays: e.IMPORT_WINDOW_DAYS ?? 21,
    importFullRefreshSeconds: e.IMPORT_FULL_REFRESH_SECONDS ?? 3600,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE ?? 600,
    maxInFlight: e.MAX_IN_FLIGHT ?? 256,
    upstreamMaxInFlight: e.UPSTREAM_MAX_IN_FLIGHT ?? 16,
    lcoCacheSeconds: e.LCO_CACHE_SECONDS ?? 30,
    upstreamPauseSeconds: e.UPSTREAM_PAUSE_SECONDS ?? 15,
    // Off on Lambda by default too: an instance's counters describe one instance of many, and
    // CloudWatch has the real figures.
    metrics,
    ...(e.METRICS_TOKEN ? { metricsToken: e.METRICS_TOKEN } : {}),
    requestTimeoutSeconds: e.REQUEST_TIMEOUT_SECONDS ?? 30,
    importTriggersPerMinute: e.IMPORT_TRIGGERS_PER_MINUTE ?? 6,
    bodyTimeoutSeconds: e.BODY_TIMEOUT_SECONDS ?? 10,
    bodyMinBytesPerSecond: e.BODY_MIN_BYTES_PER_SECOND ?? 1024,
    maxConnectionsPerClient: e.MAX_CONNECTIONS_PER_CLIENT ?? 64,
    jwksRefreshSeconds: e.JWKS_REFRESH_SECONDS ?? 600,
    jwksRefetchCooldownSeconds: e.JWKS_REFETCH_COOLDOWN_SECONDS ?? 30,
    listMaxWindowDays: e.LIST_MAX_WINDOW_DAYS ?? 62,
    listMaxEvents: e.LIST_MAX_EVENTS ?? 2000,
    historyRetentionDays: e.HISTORY_RETENTION_DAYS ?? 400,
    sites: telescopeSites(e.SITES ?? {}, e.LCO_SITES ?? DEFAULT_LCO_SITES),
    requireNight: e.REQUIRE_NIGHT ?? false,
    nightDarkness: e.NIGHT_DARKNESS ?? 'astronomical',
    ...(e.ICAL_DOMAIN ? { icalDomain: e.ICAL_DOMAIN } : {}),
    icalPastDays: e.ICAL_PAST_DAYS ?? 30,
    icalFutureDays: e.ICAL_FUTURE_DAYS ?? 90,
    icalMaxEvents: e.ICAL_MAX_EVENTS ?? 5000,
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL.replace(/\/+$/, '') } : {}),
    ...(e.UI_OIDC_ISSUER && e.UI_OIDC_CLIENT_ID
      ? { uiOidc: { issuer: e.UI_OIDC_ISSUER, clientId: e.UI_OIDC_CLIENT_ID, audience: e.UI_OIDC_AUDIENCE ?? e.AUTH_AUDIENCE ?? 'master' } }
      : {}),
    serviceApiKeysSource,
    serviceApiKeysParameter: e.SERVICE_API_KEYS_PARAMETER ?? `/photonranch-calendar/${stage}/service-api-keys`,
  };
}

