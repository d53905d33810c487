/**
 * Every environment variable the service reads, declared once: its name, its parser, its default and
 * its line of README (setting.ts says how). In README order: `npm run docs:config` prints the table,
 * and test/bootstrap/config-table.test.ts fails when README.md's differs. A default that depends on
 * other settings (a `defaultRule`) is applied by loadConfig (config.ts), which also checks the rules
 * between settings.
 */
import { resolve } from 'node:path';
import * as z from 'zod';
import { NIGHT_DARKNESS_LEVELS } from '../domain/night.js';
import { bookingRules, bool, integer, lcoSites, oneOf, serviceApiKeys, sites, tableName, text, url } from './setting-parsers.js';
import { family, outside, setting, type SettingValues } from './setting.js';

export const SETTINGS = {
  port: setting('PORT', integer(0, 65_535), { lambda: 'server', default: '3000', doc: 'HTTP port (`0` picks a free one)' }),
  host: setting('HOST', z.string().min(1), { lambda: 'server', default: '127.0.0.1', doc: 'address to listen on (`0.0.0.0` to serve other machines)' }),
  storage: setting('STORAGE', oneOf(['sqlite', 'memory', 'dynamodb'], 'must be sqlite, dynamodb or memory'), {
    lambda: 'stack',
    defaultRule: '`sqlite`; `dynamodb` on Lambda',
    doc: '`sqlite`, `dynamodb`, or `memory` (nothing kept; for demos)',
  }),
  sqlitePath: setting('SQLITE_PATH', z.string().min(1).transform((path) => resolve(path)), {
    lambda: 'server',
    default: './data/calendar.db',
    doc: 'the database file; its folder also holds the local-mode key and the change-feed cursor secret (`feed-cursor.key`)',
  }),
  sqliteSynchronous: setting('SQLITE_SYNCHRONOUS', oneOf(['NORMAL', 'FULL']), {
    lambda: 'server',
    default: 'FULL',
    doc: 'SQLite `synchronous` in WAL mode: `FULL` (a commit survives power loss) or `NORMAL`',
  }),
  readCacheMb: setting('READ_CACHE_MB', integer(0, 4096), {
    lambda: 'server',
    default: '32',
    doc: 'SQLite only: megabytes of answers of the pure read routes each process keeps until the next commit from any process (see "The read cache"); `0` turns it off',
  }),
  stage: setting('STAGE', z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be 1 to 32 lowercase letters, digits or dashes'), {
    lambda: 'stack',
    default: 'dev',
    doc: 'deployment stage; names the DynamoDB tables',
  }),
  awsRegion: setting('AWS_REGION', z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1'), {
    lambda: 'stack',
    default: 'us-east-1',
    doc: 'region of the DynamoDB tables',
  }),
  dynamodbEndpoint: setting('DYNAMODB_ENDPOINT', url, { lambda: 'server', doc: 'a local DynamoDB (e.g. DynamoDB Local); when set, missing tables are created at start' }),
  dynamodbCalendarTable: setting('DYNAMODB_CALENDAR', tableName, {
    lambda: 'stack',
    defaultRule: '`calendar-<STAGE>`',
    doc: 'the events table (key `event_id` + `start`; GSIs `site-end-index`, `creatorid-end-index`)',
  }),
  scheduleTrackingTable: setting('SCHEDULE_TRACKING_TABLE', tableName, {
    lambda: 'stack',
    defaultRule: '`<STAGE>-schedule-tracking`',
    doc: 'the LCO schedule-tracking table (key `ptr_site`)',
  }),
  authJwksUri: setting('AUTH_JWKS_URI', url, { lambda: 'function', doc: 'the identity provider\'s JWKS, e.g. `https://<tenant>.auth0.com/.well-known/jwks.json`' }),
  authPublicKey: setting('AUTH_PUBLIC_KEY', z.string().refine((v) => v.includes('-----BEGIN '), 'must be a PEM public key or certificate'), {
    lambda: 'function',
    doc: 'instead of JWKS: one PEM public key or certificate (`\\n` escapes allowed)',
  }),
  authIssuer: setting('AUTH_ISSUER', z.string().min(1), { lambda: 'function', doc: 'required `iss` of tokens (required with either key source)' }),
  authAudience: setting('AUTH_AUDIENCE', z.string().min(1), { lambda: 'function', default: 'master', doc: 'required `aud` of tokens' }),
  authUserinfoUrl: setting('AUTH_USERINFO_URL', url, {
    lambda: 'function',
    doc: 'Auth0 `/userinfo`, asked for roles when a token lacks the `https://photonranch.org/user_metadata` claim',
  }),
  groupClaim: setting('GROUP_CLAIM', z.string().min(1).max(256), {
    lambda: 'function',
    doc: 'the token claim naming the caller\'s group or groups (a string or a list of strings), whose rules `BOOKING_RULES.roles` may set; unset: only the roles of the `https://photonranch.org/user_metadata` claim count',
  }),
  authClockToleranceSeconds: setting('AUTH_CLOCK_TOLERANCE_SECONDS', integer(0, 300), { lambda: 'function', default: '30', doc: 'leeway for `exp` / `nbf`' }),
  serviceApiKeys: setting('SERVICE_API_KEYS', serviceApiKeys, {
    lambda: 'stack',
    default: '', secret: true,
    doc: 'comma-separated keys (16+ characters) that trusted backends send as `X-Api-Key`; they may only link and unlink projects',
  }),
  serviceApiKeysSource: setting('SERVICE_API_KEYS_SOURCE', oneOf(['env', 'ssm']), {
    lambda: 'stack',
    default: 'env',
    doc: '`env` (`SERVICE_API_KEYS`) or `ssm`: the keys, comma-separated, in the SecureString parameter `SERVICE_API_KEYS_PARAMETER`, read on first use and every 5 minutes after (the AWS stack\'s default)',
  }),
  serviceApiKeysParameter: setting('SERVICE_API_KEYS_PARAMETER', z.string().regex(/^\/[A-Za-z0-9_.\/-]{1,1000}$/, 'must be an SSM parameter name starting with /'), {
    lambda: 'stack',
    defaultRule: '`/photonranch-calendar/<STAGE>/service-api-keys`',
    doc: 'the SSM parameter of the service keys',
  }),
  allowAnonymousProjectLinks: setting('ALLOW_ANONYMOUS_PROJECT_LINKS', bool, {
    lambda: 'function',
    default: 'false',
    doc: 'compatibility switch: accept `add-projects-to-events` / `remove-project-from-events` with no credentials, as the old service did',
  }),
  projectsApiUrl: setting('PROJECTS_API_URL', url, {
    lambda: 'function',
    doc: 'the projects service (`POST <url>/get-project`); unset: an embedded projects table in the SQLite database (in memory with `dynamodb`; required in production there)',
  }),
  logLevel: setting('LOG_LEVEL', oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), {
    lambda: 'function',
    default: 'info',
    doc: '`fatal` `error` `warn` `info` `debug` `trace` `silent`; logs are JSON lines (pino) with a request id',
  }),
  maxReservationHours: setting('MAX_RESERVATION_HOURS', integer(1, 24 * 31), { lambda: 'function', default: '24', doc: 'the longest reservation accepted' }),
  nodeEnv: setting('NODE_ENV', text, { lambda: 'stack', default: 'development', doc: '`production` refuses local auth mode' }),
  lcoSites: setting('LCO_SITES', lcoSites, {
    lambda: 'function',
    default: '{"mrc":{"0m31":"mrc1","0m61":"mrc2"},"aro":{"0m3":"aro1"},"eco":{"0m43":"eco1","0m28":"eco2"}}',
    doc: 'JSON: the WEMAs used with the LCO scheduler → telescope id → PTR site',
  }),
  lcoSiteProxyUrl: setting('LCO_SITE_PROXY_URL', z.string().refine((v) => v.includes('{wema}') && /^https?:\/\//.test(v), 'must be an http(s) URL containing {wema}'), {
    lambda: 'function',
    default: 'https://{wema}-proxy.lco.global/',
    doc: 'the site proxy of each WEMA (`{wema}` is replaced)',
  }),
  siteProxySecrets: family('SITE_PROXY_SECRET_<WEMA>', /^SITE_PROXY_SECRET_[A-Z0-9]+$/,
    'the secret of a WEMA\'s site proxy, e.g. `SITE_PROXY_SECRET_MRC`; a WEMA without one is skipped (no outside call)'),
  siteProxySecretsSource: setting('SITE_PROXY_SECRETS_SOURCE', oneOf(['env', 'ssm']), {
    lambda: 'stack',
    default: 'env',
    doc: '`env` (the variables above) or `ssm` (SSM parameters `/site-proxy-secret/<wema>`, used on Lambda)',
  }),
  lcoTimeoutSeconds: setting('LCO_TIMEOUT_SECONDS', integer(1, 120), {
    lambda: 'function',
    default: '15',
    doc: 'timeout of each site-proxy request (GETs are retried twice with backoff)',
  }),
  importEnabled: setting('IMPORT_ENABLED', bool, { lambda: 'stack', default: 'true', doc: 'run the LCO import inside the server, at start and then every interval' }),
  importIntervalSeconds: setting('IMPORT_INTERVAL_SECONDS', integer(10, 86_400), { lambda: 'server', default: '300', doc: 'how often the server imports' }),
  importWindowDays: setting('IMPORT_WINDOW_DAYS', integer(1, 90), { lambda: 'function', default: '21', doc: 'the imported window: `[now, now + days)`' }),
  importFullRefreshSeconds: setting('IMPORT_FULL_REFRESH_SECONDS', integer(60, 7 * 86_400), {
    lambda: 'function',
    default: '3600',
    doc: 'import a subsite at least this often even when LCO\'s `last_schedule_time` has not moved (cancellations do not move it)',
  }),
  rateLimitPerMinute: setting('RATE_LIMIT_PER_MINUTE', integer(0, 1_000_000), {
    lambda: 'function',
    default: '600',
    doc: 'requests each client may make to the changing routes (`/newevent`, `/modifyevent`, `/delete`, project links) per minute, as a burst of as many; a signed-in user or service key is one client, anyone else is counted by address (the connection\'s, or API Gateway\'s `sourceIp` on Lambda; behind a reverse proxy, anonymous callers share the proxy\'s); past it: 429 with `Retry-After`. `0` turns it off. Counted per process (per Lambda instance)',
  }),
  maxInFlight: setting('MAX_IN_FLIGHT', integer(1, 100_000), {
    lambda: 'function',
    default: '256',
    doc: 'requests handled at once; past it a request is shed at once with 503 and `Retry-After: 1`',
  }),
  upstreamMaxInFlight: setting('UPSTREAM_MAX_IN_FLIGHT', integer(1, 10_000), {
    lambda: 'function',
    default: '16',
    doc: 'requests waiting on one other service at once (`/scheduler-observations` on LCO; `/siteevents` with `full_project_details` on the projects service), each service counted apart and apart from `MAX_IN_FLIGHT`, so a slow or hung service never holds the slots the rest of the API needs; past it: 503 naming the service, with `Retry-After: 1` (see "Slow services behind the calendar")',
  }),
  lcoCacheSeconds: setting('LCO_CACHE_SECONDS', integer(0, 3600), {
    lambda: 'function',
    default: '30',
    doc: 'how long `/scheduler-observations` keeps an answer of LCO (per WEMA, telescope and whole UTC days asked; at most 256 answers and 20 000 observations per process); `0` keeps none',
  }),
  upstreamPauseSeconds: setting('UPSTREAM_PAUSE_SECONDS', integer(1, 3600), {
    lambda: 'function',
    default: '15',
    doc: 'after 3 failures in a row, a WEMA\'s site proxy or the projects service is not asked by the read-through routes for this long: they answer 502 at once, naming the service, with `Retry-After`; then one request tries it again',
  }),
  metrics: setting('METRICS', oneOf(['local', 'token', 'public', 'off'], 'must be local, token, public or off'), {
    lambda: 'function',
    defaultRule: '`local`; `token` with `METRICS_TOKEN`; `off` with `NODE_ENV=production` and on Lambda',
    doc: 'who may read `GET /metrics`: `local` (a client on this machine that came straight to the server, with no proxy header and a loopback `Host`; refused with `NODE_ENV=production`, see "Behind a reverse proxy"), `token`, `public`, or `off`',
  }),
  metricsToken: setting('METRICS_TOKEN', z.string().regex(/^[\x21-\x7e]{16,200}$/, 'must be 16 to 200 visible characters'), {
    lambda: 'function',
    secret: true,
    doc: '`GET /metrics` answers a request with `Authorization: Bearer <this>` (16 to 200 visible characters), from anywhere, and nobody else (the 404 of an unknown path)',
  }),
  sqliteAddon: outside('SQLITE_ADDON',
    'a better-sqlite3 addon built for the running Node, when `node_modules` holds one built for another (the suite\'s Node 22 pass sets it)'),
  requestTimeoutSeconds: setting('REQUEST_TIMEOUT_SECONDS', integer(1, 300), {
    lambda: 'server',
    default: '30',
    doc: 'the longest a client may take to send a whole request; headers must arrive within 20 s (or this, if less)',
  }),
  bodyTimeoutSeconds: setting('BODY_TIMEOUT_SECONDS', integer(1, 300), {
    lambda: 'server',
    default: '10',
    doc: 'a request body must have arrived this long after reading began (408 after it)',
  }),
  bodyMinBytesPerSecond: setting('BODY_MIN_BYTES_PER_SECOND', integer(0, 1024 * 1024), {
    lambda: 'server',
    default: '1024',
    doc: 'after its first 2 s, a body must keep arriving at this rate at least (408 otherwise); a body is read before the request takes an in-flight slot',
  }),
  maxConnectionsPerClient: setting('MAX_CONNECTIONS_PER_CLIENT', integer(0, 100_000), {
    lambda: 'server',
    default: '64',
    doc: 'connections one client address may hold open without having sent a whole request (open over a second and not yet sent it, a body still arriving, a kept-alive connection\'s next request begun: that counts from its first byte); past it a new connection is closed at once with 503, and a new one still sending when its second is over is closed then, the newest first. A new connection has one second to send its first request whole before it counts, and connections whose requests are complete (being answered, or kept alive and idle) are not counted, so a client whose requests arrive whole within that second is never refused, however many connections it keeps or shares an address with, up to 16 times the cap of them new at once (1 024 by default; past that a new one is refused). Refusals are logged at most once per address every 10 s, with their count (`refused`). `0` turns it off',
  }),
  importTriggersPerMinute: setting('IMPORT_TRIGGERS_PER_MINUTE', integer(0, 10_000), {
    lambda: 'function',
    default: '6',
    doc: '`GET /import-schedules` calls each client may make per minute (429 past it; `0` turns it off). A trigger that arrives during a run joins that run and gets its report',
  }),
  icalDomain: setting('ICAL_DOMAIN', z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, {
    error: 'must be a domain name, such as calendar.photonranch.org' }), { lambda: 'function', defaultRule: '`PUBLIC_URL`\'s host name, else `calendar.photonranch.org`',
    doc: 'the domain of the calendar feeds\' UIDs (`<event_id>@<domain>`); never taken from the request, so every address gets the same calendar feed',
  }),
  icalPastDays: setting('ICAL_PAST_DAYS', integer(0, 366), { lambda: 'function', default: '30', doc: 'the calendar feeds\' window reaches this many UTC days before today' }),
  icalFutureDays: setting('ICAL_FUTURE_DAYS', integer(1, 731), { lambda: 'function', default: '90', doc: 'the calendar feeds\' window reaches this many UTC days after today' }),
  icalMaxEvents: setting('ICAL_MAX_EVENTS', integer(1, 100_000), {
    lambda: 'function',
    default: '5000',
    doc: 'the most events one calendar feed holds; past it, the coming events are kept first (the nearest ones) and past ones fill what room is left',
  }),
  publicUrl: setting('PUBLIC_URL', z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, such as https://calendar.photonranch.org' }).transform((v) => v.replace(/\/+$/, '')), {
    lambda: 'function',
    doc: 'the service\'s public address, for the private calendar feed URLs it hands out; needed for `POST /ical-feed` anywhere but on this machine (without it, a request whose `Host` is a loopback name gets its own address, any other 503)',
  }),
  historyRetentionDays: setting('HISTORY_RETENTION_DAYS', integer(1, 36_500), {
    lambda: 'function',
    default: '400',
    doc: 'how long the history of a deleted event, and its entries in the change feed, are kept; also how long a `/changes` cursor is good for',
  }),
  siteLocations: setting('SITES', sites, {
    lambda: 'function',
    default: '{}',
    doc: 'JSON: where each telescope is, `{"<site>": {"name", "latitude", "longitude", "elevation_m", "timezone", "require_night"?, "darkness"?}}` (degrees north and east, metres, an IANA zone); an LCO site\'s entry (`mrc`) stands for its subsites (`mrc1`, `mrc2`). See "Nights and free time"',
  }),
  bookingRules: setting('BOOKING_RULES', bookingRules, {
    lambda: 'function',
    default: '{}',
    doc: 'JSON: the booking rules and time allowances, `{"default": {...}, "sites": {"<site>": {...}}, "roles": {"<role or group>": {...} or "exempt"}}`, each set of `shortest_minutes`, `longest_hours`, `notice_minutes`, `ahead_days`, `per_night`, `per_week`, `rolling` (`{"nights", "hours"?, "bookings"?}`) and `held` (`{"hours"?, "bookings"?}`); admins are exempt unless `roles.admin` says otherwise. Empty: no rules. See "Fair share"',
  }),
  requireNight: setting('REQUIRE_NIGHT', bool, {
    lambda: 'function',
    default: 'false',
    doc: '`true`: `/newevent` and `/modifyevent` refuse, with 400, a booking at a site in `SITES` that is not inside that site\'s night; a site\'s own `require_night` wins',
  }),
  nightDarkness: setting('NIGHT_DARKNESS', oneOf(NIGHT_DARKNESS_LEVELS, 'must be astronomical, nautical or civil'), {
    lambda: 'function',
    default: 'astronomical',
    doc: 'what "inside the night" means when it is required: `astronomical`, `nautical` or `civil` darkness; a site\'s own `darkness` wins',
  }),
  listMaxWindowDays: setting('LIST_MAX_WINDOW_DAYS', integer(1, 3660), {
    lambda: 'function',
    default: '62',
    doc: 'the longest window `/siteevents`, `/availability` and `/scheduler-observations` answer for (400 beyond)',
  }),
  listMaxEvents: setting('LIST_MAX_EVENTS', integer(1, 100_000), {
    lambda: 'function',
    default: '2000',
    doc: 'the most events one list answer holds (400, asking for a shorter window, beyond)',
  }),
  jwksRefreshSeconds: setting('JWKS_REFRESH_SECONDS', integer(1, 86_400), {
    lambda: 'function',
    default: '600',
    doc: 'the identity provider\'s key set is fetched at start and again once it is this old, before it is used; a key the provider stops listing stops verifying within this',
  }),
  uiOidcIssuer: setting('UI_OIDC_ISSUER', url, {
    lambda: 'function',
    doc: 'the calendar page\'s OpenID Connect sign-in (authorization code with PKCE): the provider\'s issuer URL; with `UI_OIDC_CLIENT_ID` or neither, and not in local auth mode (the API would refuse the provider\'s tokens)',
  }),
  uiOidcClientId: setting('UI_OIDC_CLIENT_ID', z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be a client id (1 to 200 visible characters)'), {
    lambda: 'function',
    doc: 'the page\'s public client id at that provider; with `UI_OIDC_ISSUER` or neither',
  }),
  uiOidcAudience: setting('UI_OIDC_AUDIENCE', z.string().min(1).max(500), {
    lambda: 'function',
    defaultRule: '`AUTH_AUDIENCE`',
    doc: 'the audience the page asks the provider\'s access token for (Auth0\'s `audience`)',
  }),
  jwksRefetchCooldownSeconds: setting('JWKS_REFETCH_COOLDOWN_SECONDS', integer(1, 3600), {
    lambda: 'function',
    default: '30',
    doc: 'a token naming a key not in the set causes at most one fetch per this, shared by all callers; a key in the latest set is always accepted',
  }),
} as const;

/** Each setting's value, by key: what readSettings(SETTINGS, env) returns. */
export type Settings = SettingValues<typeof SETTINGS>;
