import { ConfigError, loadConfig } from '../../src/bootstrap/config.js';

const jwks = { AUTH_JWKS_URI: 'https://tenant.example/.well-known/jwks.json', AUTH_ISSUER: 'https://tenant.example/' };

it('defaults: port 3000 on 127.0.0.1, SQLite at ./data/calendar.db, local auth with audience master', () => {
  const config = loadConfig({});
  expect(config).toMatchObject({
    port: 3000, host: '127.0.0.1', storage: 'sqlite', sqliteSynchronous: 'FULL', authAudience: 'master', logLevel: 'info',
    allowAnonymousProjectLinks: false, serviceApiKeys: [], maxReservationHours: 24,
  });
  expect(config.sqlitePath.endsWith('/data/calendar.db')).toBe(true);
  expect(config.auth.mode).toBe('local');
});

it('reads every variable', () => {
  const config = loadConfig({
    ...jwks, PORT: '8080', HOST: '0.0.0.0', STORAGE: 'memory', SQLITE_PATH: '/tmp/x.db', SQLITE_SYNCHRONOUS: 'NORMAL',
    AUTH_AUDIENCE: 'api', AUTH_USERINFO_URL: 'https://tenant.example/userinfo', AUTH_CLOCK_TOLERANCE_SECONDS: '5',
    SERVICE_API_KEYS: 'aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbb', ALLOW_ANONYMOUS_PROJECT_LINKS: 'true',
    PROJECTS_API_URL: 'https://projects.example/dev/', LOG_LEVEL: 'debug', MAX_RESERVATION_HOURS: '12',
    HISTORY_RETENTION_DAYS: '30', ICAL_DOMAIN: 'calendar.photonranch.org', ICAL_PAST_DAYS: '7', ICAL_FUTURE_DAYS: '60',
    ICAL_MAX_EVENTS: '100', PUBLIC_URL: 'https://calendar.photonranch.org/', REQUIRE_NIGHT: 'true', NIGHT_DARKNESS: 'nautical',
    SITES: '{"saf": {"name": "Apache Ridge", "latitude": 35.554, "longitude": -105.87, "elevation_m": 2134, "timezone": "America/Denver", "darkness": "civil"}}',
  });
  expect(config).toMatchObject({
    port: 8080, host: '0.0.0.0', storage: 'memory', sqlitePath: '/tmp/x.db', sqliteSynchronous: 'NORMAL',
    auth: { mode: 'jwks', jwksUri: jwks.AUTH_JWKS_URI }, authIssuer: jwks.AUTH_ISSUER, authAudience: 'api',
    authUserinfoUrl: 'https://tenant.example/userinfo', authClockToleranceSeconds: 5,
    serviceApiKeys: ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'], allowAnonymousProjectLinks: true,
    projectsApiUrl: 'https://projects.example/dev/', logLevel: 'debug', maxReservationHours: 12,
    historyRetentionDays: 30, icalDomain: 'calendar.photonranch.org', icalPastDays: 7, icalFutureDays: 60, icalMaxEvents: 100,
    publicUrl: 'https://calendar.photonranch.org', requireNight: true, nightDarkness: 'nautical',
    sites: { saf: { name: 'Apache Ridge', latitude: 35.554, longitude: -105.87, elevation_m: 2134, timezone: 'America/Denver', darkness: 'civil' } },
  });
});

it("SITES: an LCO site's entry stands for its telescopes' subsites, the codes the calendar books; a subsite's own entry wins", () => {
  const place = (name: string) => ({ name, latitude: 34.46, longitude: -119.68, elevation_m: 317, timezone: 'America/Los_Angeles' });
  const { sites } = loadConfig({ SITES: JSON.stringify({ mrc: place('Mountain Ranch Camp'), mrc2: place('The big one'), saf: place('Apache Ridge') }) });
  expect(sites).toEqual({ mrc1: place('Mountain Ranch Camp'), mrc2: place('The big one'), saf: place('Apache Ridge') });
  const custom = loadConfig({ LCO_SITES: '{"tfn": {"0m4a": "tfn1"}}', SITES: JSON.stringify({ tfn: place('Teide') }) });
  expect(custom.sites).toEqual({ tfn1: place('Teide') });
});

it('the read-through routes: 16 requests waiting per service, LCO answers kept 30 s, a failing service paused 15 s, by default', () => {
  expect(loadConfig({})).toMatchObject({ upstreamMaxInFlight: 16, lcoCacheSeconds: 30, upstreamPauseSeconds: 15 });
  expect(loadConfig({ UPSTREAM_MAX_IN_FLIGHT: '4', LCO_CACHE_SECONDS: '0', UPSTREAM_PAUSE_SECONDS: '60' }))
    .toMatchObject({ upstreamMaxInFlight: 4, lcoCacheSeconds: 0, upstreamPauseSeconds: 60 });
});

it('nights: no sites configured, no night required, astronomical darkness, by default', () => {
  expect(loadConfig({})).toMatchObject({ sites: {}, requireNight: false, nightDarkness: 'astronomical' });
});

it.each([
  [{ PORT: 'abc' }, 'PORT'],
  [{ PORT: '70000' }, 'PORT'],
  [{ STORAGE: 'postgres' }, 'STORAGE'],
  [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  [{ AUTH_JWKS_URI: 'not a url', AUTH_ISSUER: 'x' }, 'AUTH_JWKS_URI'],
  [{ PROJECTS_API_URL: 'ftp://x' }, 'PROJECTS_API_URL'],
  [{ ALLOW_ANONYMOUS_PROJECT_LINKS: 'yes please' }, 'ALLOW_ANONYMOUS_PROJECT_LINKS'],
  [{ MAX_RESERVATION_HOURS: '0' }, 'MAX_RESERVATION_HOURS'],
  [{ AUTH_JWKS_URI: jwks.AUTH_JWKS_URI }, 'AUTH_ISSUER'],
  [{ ...jwks, AUTH_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----' }, 'AUTH_PUBLIC_KEY'],
  [{ AUTH_PUBLIC_KEY: 'just text', AUTH_ISSUER: 'x' }, 'AUTH_PUBLIC_KEY'],
  [{ AUTH_ISSUER: 'https://tenant.example/' }, 'AUTH_ISSUER'],
  [{ SERVICE_API_KEYS: 'short' }, 'SERVICE_API_KEYS'],
  [{ NODE_ENV: 'production' }, 'AUTH_JWKS_URI'],
  [{ HISTORY_RETENTION_DAYS: '0' }, 'HISTORY_RETENTION_DAYS'],
  [{ ICAL_DOMAIN: 'not a domain/' }, 'ICAL_DOMAIN'],
  [{ ICAL_FUTURE_DAYS: '0' }, 'ICAL_FUTURE_DAYS'],
  [{ PUBLIC_URL: 'javascript:alert(1)' }, 'PUBLIC_URL'],
  [{ SITES: 'saf' }, 'SITES must be JSON'],
  [{ SITES: '{"saf": {"name": "A", "latitude": 95, "longitude": -105, "elevation_m": 2000, "timezone": "America/Denver"}}' }, 'SITES saf.latitude'],
  [{ SITES: '{"saf": {"name": "A", "latitude": 35, "longitude": -105, "elevation_m": 2000, "timezone": "Mars/Olympus"}}' }, 'SITES saf.timezone: must be an IANA time zone'],
  [{ SITES: '{"saf": {"name": "A", "latitude": 35, "longitude": -105, "elevation_m": 2000}}' }, 'SITES saf.timezone'],
  [{ SITES: '{"saf": {"name": "A", "latitude": 35, "longitude": -105, "elevation_m": 2000, "timezone": "UTC", "lat": 1}}' }, 'SITES saf'],
  [{ SITES: '{"no way": {"name": "A", "latitude": 35, "longitude": -105, "elevation_m": 2000, "timezone": "UTC"}}' }, 'SITES'],
  [{ REQUIRE_NIGHT: 'sometimes' }, 'REQUIRE_NIGHT'],
  [{ NIGHT_DARKNESS: 'any' }, 'NIGHT_DARKNESS'],
  [{ UPSTREAM_MAX_IN_FLIGHT: '0' }, 'UPSTREAM_MAX_IN_FLIGHT'],
  [{ LCO_CACHE_SECONDS: '-1' }, 'LCO_CACHE_SECONDS'],
  [{ LCO_CACHE_SECONDS: '1.5' }, 'LCO_CACHE_SECONDS'],
  [{ UPSTREAM_PAUSE_SECONDS: '0' }, 'UPSTREAM_PAUSE_SECONDS'],
])('%p is refused with a message naming %s', (env, variable) => {
  expect(() => loadConfig(env)).toThrow(ConfigError);
  expect(() => loadConfig(env)).toThrow(variable);
});

it('production starts with a key source configured', () => {
  expect(loadConfig({ NODE_ENV: 'production', ...jwks }).auth.mode).toBe('jwks');
});

describe('the storage adapter, chosen here only', () => {
  const lambda = { ...jwks, AWS_LAMBDA_FUNCTION_NAME: 'calendar-http' };

  it('defaults to DynamoDB on AWS Lambda (which sets AWS_LAMBDA_FUNCTION_NAME) and to SQLite elsewhere', () => {
    expect(loadConfig(lambda).storage).toBe('dynamodb');
    expect(loadConfig(jwks).storage).toBe('sqlite');
    expect(loadConfig({ ...lambda, STORAGE: 'memory' }).storage).toBe('memory');
  });

  it('refuses SQLite on Lambda, saying why, instead of quietly using another store', () => {
    expect(() => loadConfig({ ...lambda, STORAGE: 'sqlite' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...lambda, STORAGE: 'sqlite' })).toThrow(/STORAGE=sqlite cannot run on AWS Lambda.*use dynamodb/);
  });
});

describe('BOOKING_RULES: validated at start, the message naming the site and the field', () => {
  it('reads a default, sites and roles; without it there are no rules', () => {
    expect(loadConfig({}).bookingRules).toEqual({});
    const rules = {
      default: { shortest_minutes: 15, longest_hours: 4, notice_minutes: 0, ahead_days: 30, per_night: { hours: 4, bookings: 2 }, rolling: { nights: 7, hours: 10 }, held: { hours: 20 } },
      sites: { saf: { per_night: { hours: 6 }, per_week: null } },
      roles: { admin: 'exempt', students: { held: { hours: 8 } } },
    };
    expect(loadConfig({ BOOKING_RULES: JSON.stringify(rules) }).bookingRules).toEqual(rules);
    expect(loadConfig({ GROUP_CLAIM: 'https://observatory.example/groups' }).groupClaim).toBe('https://observatory.example/groups');
  });

  it("lets an LCO site's entry stand for its telescopes' subsites, as SITES does; a subsite's own entry wins", () => {
    const { bookingRules } = loadConfig({ BOOKING_RULES: '{"sites": {"mrc": {"longest_hours": 2}, "mrc2": {"longest_hours": 3}, "saf": {"longest_hours": 4}}}' });
    expect(bookingRules.sites).toEqual({ mrc1: { longest_hours: 2 }, mrc2: { longest_hours: 3 }, saf: { longest_hours: 4 } });
  });

  it.each([
    ['{"default": ', 'BOOKING_RULES must be JSON'],
    ['{"sites": {"saf": {"per_night": {"hours": -1}}}}', 'BOOKING_RULES sites.saf.per_night.hours: must be a number above 0'],
    ['{"sites": {"saf": {"per_night": {"bookings": 1.5}}}}', 'BOOKING_RULES sites.saf.per_night.bookings: must be a whole number'],
    ['{"sites": {"saf": {"per_nite": {"hours": 2}}}}', 'BOOKING_RULES sites.saf'],
    ['{"sites": {"Saf!": {}}}', 'BOOKING_RULES sites.Saf!'],
    ['{"default": {"rolling": {"nights": 60, "hours": 10}}}', 'BOOKING_RULES default.rolling.nights: must be at most 31'],
    ['{"default": {"rolling": {"hours": 10}}}', 'BOOKING_RULES default.rolling.nights'],
    ['{"default": {"shortest_minutes": 300, "longest_hours": 4}}', 'BOOKING_RULES default: shortest_minutes is longer than longest_hours'],
    ['{"roles": {"students": "free"}}', 'BOOKING_RULES roles.students'],
    ['{"weekly": {}}', 'BOOKING_RULES'],
  ])('%s is refused with %s', (json, message) => {
    expect(() => loadConfig({ BOOKING_RULES: json })).toThrow(ConfigError);
    expect(() => loadConfig({ BOOKING_RULES: json })).toThrow(message);
  });
});
