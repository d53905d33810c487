/**
 * GET /openapi.json: the API's OpenAPI 3.1 description, generated from the route table and the zod
 * schemas the routes validate and answer with (api-requests.ts, api-answers.ts), so that it cannot drift from what
 * the server does. The statuses an operation may give follow from how the route is served (a body, a
 * token, a rate limit) plus the few it names itself.
 */
import * as z from 'zod';
import { LIMITS } from '../../domain/reservation.js';
import { Health, OpenApiDocument, Readiness, ServiceIndex } from './api-answers.js';
import { answerSchemas, NAMED_SCHEMAS, requestSchemas, SiteCode, type Described, type DocumentedSettings } from './api-schemas.js';
import { BODY_CAP_BYTES } from './json-body.js';
import type { Route } from './route.js';

/** What every error answer is: a plain-text reason (the frontend shows "<status> error: <body>"). */
const REASONS: Readonly<Record<number, string>> = {
  400: 'The body is not JSON, not an object, or a key is missing or invalid (the reason names it).',
  401: 'No bearer token, or one that is not valid (expired, wrong audience or issuer, bad signature).',
  403: 'Signed in, but not allowed: the event is another user\'s, or the caller may not act for that user.',
  404: 'Not found (the reason says what).',
  304: 'Not modified: your copy (its ETag, or its Last-Modified where the route says so) is current; no body.',
  412: 'The precondition failed: the event is at another version now (the reason names it); nothing changed.',
  409: 'Refused: it overlaps another user\'s reservation at the site, or the event_id exists (the reason names the events).',
  413: `The body is larger than ${BODY_CAP_BYTES / 1024 / 1024} MiB, or the event larger than ${LIMITS.eventBytes / 1024} KiB.`,
  500: 'A fault of the server; the reason carries the request id to report.',
  502: 'A service the calendar depends on (the LCO observation portal, the projects service) could not be reached or gave a bad answer.',
  503: 'Busy, or the database is not answering just now; Retry-After says when to retry.',
};

/** What a route judged by the booking rules adds to its 400 and 409: the refusals of fair-share.ts, in plain text as every error. */
const JUDGED_REASONS: Readonly<Record<number, string>> = {
  400: `${REASONS[400]} Or a booking rule of the site refuses it (BOOKING_RULE, with BOOKING_RULES set): it is shorter or longer ` +
    'than a booking may be, starts too soon after it is made, or too far ahead; the reason names the rule and the numbers.',
  409: `${REASONS[409]} Or it would take the caller past a time allowance (ALLOWANCE_EXCEEDED, with BOOKING_RULES set): hours or ` +
    'bookings per night, per week, in a rolling window of nights, or held from now on; the reason names the rule, the period and ' +
    'the numbers (POST /allowance tells what is left). Or it would give back time already used (BOOKING_BEGUN): a booking under ' +
    'allowances that has begun may be ended early, never deleted, moved or cut into its past.',
};

/** The reasons a route's errors are given for: with a link route's credentials, and the settings they depend on (its rate limit, the history kept). */
function reasonsOf(route: Route, s: DocumentedSettings): Readonly<Record<number, string>> {
  const [perMinute, what, variable] = route.limit === 'imports'
    ? [s.importTriggersPerMinute, 'import triggers', 'IMPORT_TRIGGERS_PER_MINUTE']
    : [s.rateLimitPerMinute, 'changes', 'RATE_LIMIT_PER_MINUTE'];
  return {
    ...REASONS,
    401: route.auth === 'link'
      ? 'No bearer token nor service key (X-Api-Key), or one that is not valid (a token expired, of another audience or issuer, or ' +
        'badly signed; a key this deployment does not have).'
      : REASONS[401]!,
    ...(route.doc.judged ? JUDGED_REASONS : {}),
    410: `The cursor is older than the history kept, ${s.historyRetentionDays} days (HISTORY_RETENTION_DAYS): start again without since.`,
    429: perMinute > 0
      ? `Too many ${what} from this client: at most ${perMinute} a minute (${variable}); Retry-After says when to come back.`
      : `Not answered here: ${variable} is 0, no limit.`,
  };
}

/** A description as the document says it, with the running settings. */
const described = (text: Described, s: DocumentedSettings): string => (typeof text === 'string' ? text : text(s));

/** A route the service itself answers (not part of the calendar's contract), as documented. */
interface ServiceOperation {
  readonly path: string;
  readonly summary: string;
  readonly description: string;
  readonly media: string;
  readonly schema?: z.ZodType;
  readonly errors: readonly number[];
}

export const SERVICE_OPERATIONS: readonly ServiceOperation[] = [
  { path: '/', summary: 'The calendar page', description: "A telescope's week or day, its nights and its events, where signed-in users book; it calls the routes here.", media: 'text/html', errors: [503] },
  { path: '/about', summary: 'About this deployment', description: 'The service, its version, storage and auth mode, and every route.', media: 'application/json', schema: ServiceIndex, errors: [] },
  { path: '/healthz', summary: 'Liveness', description: 'The process answers; it never asks the store.', media: 'application/json', schema: Health, errors: [] },
  { path: '/readyz', summary: 'Readiness', description: 'The store answers a real query; 503 with the reason when it does not.', media: 'application/json', schema: Readiness, errors: [503] },
  { path: '/metrics', summary: 'Prometheus metrics', description: 'Text exposition format. Served by default only to a client on the server\'s machine in development, and to nobody in production; with METRICS_TOKEN to a bearer of that token; to anyone with METRICS=public. 404 otherwise. For scrapers, not pages: no CORS header, and 403 to a browser request from a page of another origin.', media: 'text/plain', errors: [403, 404] },
  { path: '/openapi.json', summary: 'This description', description: 'OpenAPI 3.1, generated from the schemas the routes validate with.', media: 'application/json', schema: OpenApiDocument, errors: [] },
  { path: '/docs', summary: 'Interactive API reference', description: 'A page that reads /openapi.json and can send requests to this server.', media: 'text/html', errors: [] },
];

interface OpenApiOptions {
  readonly version: string;
  /** Whether the project-link routes accept anonymous callers (ALLOW_ANONYMOUS_PROJECT_LINKS). */
  readonly anonymousProjectLinks: boolean;
  /** Said in the bearer scheme's description: how to get a token for this deployment. */
  readonly tokenHint: string;
  /** The running settings the document states (window days, rate limits, ...). */
  readonly settings: DocumentedSettings;
}

type JsonObject = Record<string, unknown>;

/**
 * The named schemas as JSON Schema 2020-12 (OpenAPI 3.1's dialect), referring to each other by
 * component. A schema's own description and examples are set here: toJSONSchema reads a schema's
 * metadata from zod's global registry only, and not every schema keeps it there (a .meta() result).
 */
function components(s: DocumentedSettings): Record<string, JsonObject> {
  const generated = {
    request: z.toJSONSchema(requestSchemas, { target: 'draft-2020-12', io: 'input', uri: (id) => `#/components/schemas/${id}` }).schemas,
    answer: z.toJSONSchema(answerSchemas, { target: 'draft-2020-12', io: 'output', uri: (id) => `#/components/schemas/${id}` }).schemas,
  };
  return Object.fromEntries(NAMED_SCHEMAS.map(({ id, side, description, schema }) => {
    const { $schema: _dialect, $id: _id, ...rest } = generated[side][id] as JsonObject;
    const examples = z.globalRegistry.get(schema)?.examples;
    return [id, { description: described(description, s), ...rest, ...(examples ? { examples } : {}) }];
  }));
}

function idOf(schema: z.ZodType): string {
  const id = NAMED_SCHEMAS.find((named) => named.schema === schema)?.id;
  if (!id) throw new Error('a documented schema must be named (api-requests.ts, api-answers.ts)');
  return id;
}

const describe = (schema: z.ZodType): Described | undefined => NAMED_SCHEMAS.find((named) => named.schema === schema)?.description;

const ref = (schema: z.ZodType): JsonObject => ({ $ref: `#/components/schemas/${idOf(schema)}` });

const CACHE_HEADERS = {
  ETag: { description: "The feed's content tag: send it back as If-None-Match.", schema: { type: 'string' } },
  'Last-Modified': { description: 'When the content last changed.', schema: { type: 'string' } },
  'Cache-Control': { description: 'How long to keep it: the refresh interval.', schema: { type: 'string' } },
};

function errorResponses(statuses: Iterable<number>, reasons: Readonly<Record<number, string>> = REASONS): JsonObject {
  const sorted = [...new Set(statuses)].filter((status) => status !== 304).sort((a, b) => a - b);
  return Object.fromEntries(sorted.map((status) => [String(status), {
    description: reasons[status] ?? 'An error.',
    content: { 'text/plain': { schema: { type: 'string' } } },
    ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait.' } } } : {}),
  }]));
}

/** The statuses a route gives by how it is served, besides its own. */
function statusesOf(route: Route): number[] {
  return [
    ...(route.hasBody ? [400, 413] : []),
    ...(route.auth === 'user' ? [401] : route.auth === 'link' ? [401, 403] : []),
    ...(route.limit ? [429] : []),
    ...route.doc.errors,
    ...(route.doc.conditional ? [412] : []),
    ...(route.doc.cached ? [304] : []),
    500, 503,
  ];
}

function parameters(route: Route): JsonObject[] {
  return [
    ...[...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1], in: 'path', required: true,
      ...(m[1] === 'key' ? { description: 'The secret key of a feed address (POST /ical-feed).', schema: { type: 'string', maxLength: 128 } } : { schema: ref(SiteCode) }),
    })),
    ...(route.doc.cached ? [
      { name: 'If-None-Match', in: 'header', required: false, description: 'The ETag of your copy: 304 when it is current.', schema: { type: 'string' } },
      { name: 'If-Modified-Since', in: 'header', required: false, description: 'The Last-Modified of your copy (an HTTP date).', schema: { type: 'string' } },
    ] : []),
    ...(route.doc.conditional ? [{
      name: 'If-Match', in: 'header', required: false,
      description: 'The ETag (version) the event must be at, such as "3"; `*` for any.', schema: { type: 'string' },
    }] : []),
  ];
}

export function openApiDocument(routes: readonly Route[], options: OpenApiOptions): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  const security = (route: Route): JsonObject[] => {
    if (route.auth === 'user') return [{ bearer: [] }];
    if (route.auth === 'link') return [{ bearer: [] }, { serviceKey: [] }, ...(options.anonymousProjectLinks ? [{}] : [])];
    return [];
  };
  for (const route of routes) {
    const { doc } = route;
    const operation: JsonObject = {
      operationId: operationId(route.method, route.path),
      tags: [doc.tag],
      summary: doc.summary,
      ...(doc.description ? { description: described(doc.description, options.settings) } : {}),
      ...(parameters(route).length > 0 ? { parameters: parameters(route) } : {}),
      ...(doc.request ? { requestBody: { required: true, content: { 'application/json': { schema: ref(doc.request) } } } } : {}),
      responses: {
        200: {
          description: described(describe(doc.response) ?? 'OK', options.settings),
          content: { [doc.media ?? 'application/json']: { schema: ref(doc.response) } },
          ...(route.etag ? { headers: { ETag: { description: 'The event\'s version, in double quotes: the If-Match of a later change.', schema: { type: 'string' } } } } : {}),
          ...(doc.cached ? { headers: CACHE_HEADERS } : {}),
        },
        ...(doc.cached ? { 304: { description: REASONS[304], headers: CACHE_HEADERS } } : {}),
        ...errorResponses(statusesOf(route), reasonsOf(route, options.settings)),
      },
      security: security(route),
    };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  for (const op of SERVICE_OPERATIONS) {
    paths[op.path] = {
      get: {
        operationId: operationId('GET', op.path),
        tags: ['Service'],
        summary: op.summary,
        description: op.description,
        responses: {
          200: { description: op.summary, content: { [op.media]: { schema: op.schema ? ref(op.schema) : { type: 'string' } } } },
          ...errorResponses([...op.errors, 500]),
        },
        security: [],
      },
    };
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'Photon Ranch calendar API',
      version: options.version,
      summary: 'Reservations of the Photon Ranch telescopes, and the LCO scheduler\'s observations imported into them.',
      description: 'Request bodies are JSON objects (read whatever the Content-Type says); answers are JSON, errors plain text. ' +
        'Every time is returned in UTC as YYYY-MM-DDTHH:mm:ssZ. A reservation occupies [start, end); two overlap when ' +
        "a.start < b.end and b.start < a.end, and the calendar never stores an overlap between different users' reservations at a site.",
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: [
      { name: 'Reservations', description: 'Booking, changing and deleting telescope time (signed in).' },
      { name: 'Projects', description: 'Linking reservations to projects (the projects service and the frontend).' },
      { name: 'Queries', description: 'Reading the calendar (anyone).' },
      { name: 'Feeds', description: 'iCalendar feeds for calendar apps: a site\'s (anyone), and your own private one.' },
      { name: 'LCO', description: 'The Las Cumbres Observatory scheduler\'s observations at Photon Ranch telescopes.' },
      { name: 'Service', description: 'Health, readiness, metrics and this description.' },
    ],
    paths,
    components: {
      schemas: components(options.settings),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: `An RS256 access token. ${options.tokenHint}` },
        serviceKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'A service key of a trusted backend (the projects service).' },
      },
    },
  };
}

/** `POST /add-projects-to-events` → `postAddProjectsToEvents`; `GET /` → `getIndex`. */
function operationId(method: string, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = words.length === 0 ? 'Index' : words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return `${method.toLowerCase()}${name}`;
}
