/**
 * Configuration from environment variables, validated once at start-up. A bad value stops the
 * process with a message naming the variable. Each variable is declared once, in settings.ts (its
 * parser, default and README line); here are the rules between settings and the shapes made of
 * several (the auth source, the page's sign-in, the configured sites' places).
 */
import { dirname } from 'node:path';
import { LOCAL_ISSUER } from '../adapters/auth/local-signing-key.js';
import type { BookingRules, RuleSet } from '../domain/fair-share.js';
import type { SiteMapping } from '../domain/lco.js';
import type { SiteLocation } from '../domain/night.js';
import { ConfigError, readSettings, variableNames } from './setting.js';
import { SETTINGS, type Settings } from './settings.js';

export { ConfigError } from './setting.js';

export type AuthSource =
  | { readonly mode: 'jwks'; readonly jwksUri: string }
  | { readonly mode: 'public-key'; readonly publicKeyPem: string }
  /** Development: a key pair made in the data directory; `npm run token` signs tokens with it. */
  | { readonly mode: 'local'; readonly keyDir: string };

/** The settings read into other shapes below, not kept as they are. */
type Combined = 'authJwksUri' | 'authPublicKey' | 'siteLocations' | 'uiOidcIssuer' | 'uiOidcClientId' | 'uiOidcAudience';
/** The settings whose default is a rule (settings.ts's `defaultRule`), always set once applied. */
type Ruled = 'storage' | 'dynamodbCalendarTable' | 'scheduleTrackingTable' | 'serviceApiKeysParameter' | 'metrics' | 'authIssuer';

export type AppConfig = Omit<Settings, Combined | Ruled> & { readonly [K in Ruled]: NonNullable<Settings[K]> } & {
  readonly auth: AuthSource;
  /** SITES with each LCO site's entry standing for its subsites (telescopeSites). */
  readonly sites: Readonly<Record<string, SiteLocation>>;
  /** UI_OIDC_*: how the calendar page signs users in with OpenID Connect (PKCE); none: no such sign-in. */
  readonly uiOidc?: { readonly issuer: string; readonly clientId: string; readonly audience: string };
};

/** Every variable the configuration reads (for deployments that pass a chosen set through). */
export const CONFIG_VARIABLES: readonly string[] = variableNames(SETTINGS);

/**
 * SITES with each LCO site (a key of LCO_SITES, such as mrc) stood for by its telescopes' subsites
 * (mrc1, mrc2), the codes the calendar books: they share the place. A subsite given its own entry
 * keeps it.
 */
function telescopeSites(sites: Readonly<Record<string, SiteLocation>>, lco: SiteMapping): Record<string, SiteLocation> {
  const expanded: Record<string, SiteLocation> = {};
  for (const [site, location] of Object.entries(sites)) {
    const subsites = Object.hasOwn(lco, site) ? Object.values(lco[site]!) : [];
    if (subsites.length === 0) expanded[site] = location;
    for (const subsite of subsites) if (!Object.hasOwn(sites, subsite)) expanded[subsite] = location;
  }
  return expanded;
}

/** BOOKING_RULES with each LCO site's entry standing for its subsites, as in SITES (telescopeSites); a subsite's own entry wins. */
function telescopeRules(rules: BookingRules, lco: SiteMapping): BookingRules {
  if (!rules.sites) return rules;
  const sites: Record<string, RuleSet> = {};
  for (const [site, set] of Object.entries(rules.sites)) {
    const subsites = Object.hasOwn(lco, site) ? Object.values(lco[site]!) : [];
    if (subsites.length === 0) sites[site] = set;
    for (const subsite of subsites) if (!Object.hasOwn(rules.sites, subsite)) sites[subsite] = set;
  }
  return { ...rules, sites };
}

const invalid = (message: string): ConfigError => new ConfigError(`Invalid configuration: ${message}`);

/** Which key verifies tokens: AUTH_JWKS_URI, AUTH_PUBLIC_KEY, or (development only) a local key pair. */
function authSource(s: Settings): { auth: AuthSource; authIssuer: string } {
  if (s.authJwksUri && s.authPublicKey) throw invalid('set AUTH_JWKS_URI or AUTH_PUBLIC_KEY, not both');
  if (s.authJwksUri || s.authPublicKey) {
    const auth: AuthSource = s.authJwksUri ? { mode: 'jwks', jwksUri: s.authJwksUri } : { mode: 'public-key', publicKeyPem: s.authPublicKey! };
    if (!s.authIssuer) throw invalid(`AUTH_ISSUER is required with ${auth.mode === 'jwks' ? 'AUTH_JWKS_URI' : 'AUTH_PUBLIC_KEY'}`);
    return { auth, authIssuer: s.authIssuer };
  }
  const stray = s.authIssuer !== undefined ? 'AUTH_ISSUER' : s.authUserinfoUrl !== undefined ? 'AUTH_USERINFO_URL' : undefined;
  if (stray) throw invalid(`${stray} is set but neither AUTH_JWKS_URI nor AUTH_PUBLIC_KEY is`);
  if (s.nodeEnv === 'production') throw invalid('NODE_ENV=production needs AUTH_JWKS_URI or AUTH_PUBLIC_KEY; local auth mode is for development only');
  return { auth: { mode: 'local', keyDir: dirname(s.sqlitePath) }, authIssuer: LOCAL_ISSUER };
}

/** The calendar page's sign-in: UI_OIDC_ISSUER and UI_OIDC_CLIENT_ID both or neither. */
function pageSignIn(s: Settings, auth: AuthSource): Pick<AppConfig, 'uiOidc'> {
  if ((s.uiOidcIssuer === undefined) !== (s.uiOidcClientId === undefined)) {
    throw invalid(`${s.uiOidcIssuer ? 'UI_OIDC_ISSUER is set without UI_OIDC_CLIENT_ID' : 'UI_OIDC_CLIENT_ID is set without UI_OIDC_ISSUER'}; the page's sign-in needs both`);
  }
  if (s.uiOidcAudience !== undefined && s.uiOidcIssuer === undefined) throw invalid('UI_OIDC_AUDIENCE is set without UI_OIDC_ISSUER and UI_OIDC_CLIENT_ID');
  if (s.uiOidcIssuer && auth.mode === 'local') {
    throw invalid("UI_OIDC_ISSUER is set in local auth mode, where the API would refuse the provider's tokens; set AUTH_JWKS_URI and AUTH_ISSUER too");
  }
  return s.uiOidcIssuer && s.uiOidcClientId ? { uiOidc: { issuer: s.uiOidcIssuer, clientId: s.uiOidcClientId, audience: s.uiOidcAudience ?? s.authAudience } } : {};
}

/**
 * Who may read /metrics. Production runs behind a proxy, and a proxy on the same machine that adds
 * no header of its own makes every client look local (adapters/http/this-machine.ts): there
 * /metrics is off unless it needs a token or is public by choice. Off on Lambda by default too: an
 * instance's counters describe one instance of many, and CloudWatch has the real figures.
 */
function metricsAccess(s: Settings, onLambda: boolean): AppConfig['metrics'] {
  const metrics = s.metrics ?? (s.metricsToken ? 'token' : s.nodeEnv === 'production' || onLambda ? 'off' : 'local');
  if (metrics === 'token' && !s.metricsToken) throw invalid('METRICS=token needs METRICS_TOKEN, the bearer token a scraper sends');
  if (metrics !== 'token' && s.metricsToken) throw invalid(`METRICS_TOKEN is set but METRICS=${metrics} does not use it; unset one`);
  if (metrics === 'local' && s.nodeEnv === 'production') {
    throw invalid('METRICS=local cannot tell a client on this machine from one forwarded by a proxy on it; with NODE_ENV=production set METRICS_TOKEN (or METRICS=public or off)');
  }
  return metrics;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const s = readSettings(SETTINGS, env);
  const { authJwksUri, authPublicKey, siteLocations, uiOidcIssuer, uiOidcClientId, uiOidcAudience, ...plain } = s;
  const { auth, authIssuer } = authSource(s);

  if (s.serviceApiKeysSource === 'ssm' && s.serviceApiKeys.length > 0) {
    throw invalid('SERVICE_API_KEYS is set but SERVICE_API_KEYS_SOURCE=ssm reads the keys from SSM; unset one');
  }
  const uiOidc = pageSignIn(s, auth);

  // The Lambda runtime sets AWS_LAMBDA_FUNCTION_NAME. Its bundle has no SQLite addon and its disk is
  // thrown away with the instance, so there the default is DynamoDB and SQLite is refused.
  const onLambda = Boolean(env.AWS_LAMBDA_FUNCTION_NAME);
  const storage = s.storage ?? (onLambda ? 'dynamodb' : 'sqlite');
  if (onLambda && storage === 'sqlite') {
    throw invalid('STORAGE=sqlite cannot run on AWS Lambda (no disk that lasts, no SQLite in the bundle); use dynamodb');
  }
  if (storage === 'dynamodb' && s.nodeEnv === 'production' && !s.projectsApiUrl) {
    throw invalid('PROJECTS_API_URL is required with STORAGE=dynamodb in production');
  }

  return {
    ...plain,
    storage,
    dynamodbCalendarTable: s.dynamodbCalendarTable ?? `calendar-${s.stage}`,
    scheduleTrackingTable: s.scheduleTrackingTable ?? `${s.stage}-schedule-tracking`,
    serviceApiKeysParameter: s.serviceApiKeysParameter ?? `/photonranch-calendar/${s.stage}/service-api-keys`,
    auth,
    authIssuer,
    metrics: metricsAccess(s, onLambda),
    sites: telescopeSites(siteLocations, s.lcoSites),
    bookingRules: telescopeRules(s.bookingRules, s.lcoSites),
    ...uiOidc,
  };
}
