/**
 * A fuzzer driven by GET /openapi.json: fast-check arbitraries derived from each operation's
 * documented request schema give requests that the document allows, and near-misses of them (a
 * required key dropped, a key of the wrong type, a string at and past its limit, one that breaks its
 * pattern, a body that is not an object). Several hundred per operation. No answer is a 5xx; every
 * answer is one the document declares (the checker in calendar-server.ts); a near-miss is refused with
 * a 4xx; and no 4xx changes what is stored.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { addonOption } from '../../src/adapters/sqlite/database.js';
import { bearer, SERVICE_KEY, startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { ProjectsStandIn } from '../support/projects-stand-in.js';
import { startTogether, stopAll } from '../support/teardown.js';

/** The part of JSON Schema 2020-12 the document's request schemas use. */
interface Schema {
  $ref?: string;
  type?: 'object' | 'string' | 'array' | 'boolean' | 'null' | 'number' | 'integer';
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  anyOf?: Schema[];
  examples?: unknown[];
}
interface Operation {
  security: Array<Record<string, string[]>>;
  requestBody?: { content: { 'application/json': { schema: Schema } } };
  parameters?: Array<{ name: string; in: string; schema: Schema }>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const RUNS_PER_OPERATION = 300;

let idp: IdentityProvider;
let projects: ProjectsStandIn;
let api: CalendarUnderTest;
let doc: Doc;
let user: Record<string, string>;
beforeAll(async () => {
  [idp, projects] = await startTogether(new IdentityProvider().start(), new ProjectsStandIn().start());
  api = await startCalendar(idp, projects, { RATE_LIMIT_PER_MINUTE: '0', IMPORT_TRIGGERS_PER_MINUTE: '0' });
  doc = (await api.request('GET', '/openapi.json')).json() as Doc;
  // The examples' owner, so that valid bookings get past the owner check and are stored.
  user = bearer(idp.token({ sub: 'google-oauth2|100354044221813550027', name: 'Alice Astronomer' }));
}, 30_000);
afterAll(() => stopAll(api, idp, projects));

const resolve = (schema: Schema): Schema => (schema.$ref ? resolve(doc.components.schemas[schema.$ref.split('/').pop()!]!) : schema);

/** Values the schema allows (as JSON Schema sees it: the server may still refuse, e.g. 2025-02-30). */
function allowed(raw: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(raw);
  const examples = schema.examples && schema.examples.length > 0 ? [fc.constantFrom(...schema.examples)] : [];
  if (schema.anyOf) return fc.oneof(...examples, ...schema.anyOf.map((s) => allowed(s, depth)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string': {
      const min = schema.minLength ?? 0;
      const max = schema.maxLength ?? 64;
      if (schema.pattern) return fc.oneof(...examples, fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= min && s.length <= max));
      return fc.oneof(...examples, fc.string({ minLength: min, maxLength: Math.min(max, 24) }), fc.constant('x'.repeat(Math.max(min, max))));
    }
    case 'boolean': return fc.boolean();
    case 'null': return fc.constant(null);
    case 'number': return fc.double({ noNaN: true });
    case 'integer': return fc.integer();
    case 'array': return fc.array(allowed(schema.items ?? {}, depth + 1), { maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const declared = fc.record(
        Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, allowed(s, depth + 1)])),
        { requiredKeys: [...required] },
      );
      // additionalProperties {}: any further keys, as the frontend adds its own.
      const extra = schema.additionalProperties === false || depth > 0
        ? fc.constant({})
        : fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in properties)), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
      const built = fc.tuple(declared, extra).map(([d, e]) => ({ ...e, ...d }));
      return fc.oneof(...examples, built);
    }
    default: return fc.jsonValue({ maxDepth: 2 });
  }
}

/** The operation's header parameters, each absent or one of `values`. */
function headerValues(op: Operation, values: string[]): fc.Arbitrary<Record<string, string>> {
  const names = (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
  return fc.record(Object.fromEntries(names.map((n) => [n, fc.constantFrom(...values)])), { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>>;
}

type Body = Record<string, unknown>;
interface NearMiss { readonly body: unknown; readonly what: string }

/** A body the document refuses, made from an allowed one. */
function nearMisses(raw: Schema): fc.Arbitrary<NearMiss> {
  const schema = resolve(raw);
  const properties = schema.properties ?? {};
  const keys = Object.keys(properties);
  const base = allowed(schema) as fc.Arbitrary<Body>;
  const kinds: Array<fc.Arbitrary<NearMiss>> = [
    fc.constantFrom<unknown>([], 'a string', 42, null, true).map((body) => ({ body, what: `a body that is ${JSON.stringify(body)}` })),
  ];
  for (const key of schema.required ?? []) {
    kinds.push(base.map((b) => {
      const { [key]: _dropped, ...rest } = b;
      return { body: rest, what: `without ${key}` };
    }));
  }
  for (const key of keys) {
    const property = resolve(properties[key]!);
    const types = property.anyOf ? property.anyOf.map((s) => resolve(s).type) : [property.type];
    const wrong = [
      ...(types.includes('string') ? [] : ['a string']),
      ...(types.includes('number') || types.includes('integer') ? [] : [7]),
      ...(types.includes('object') ? [] : [{ nested: true }]),
      ...(types.includes('array') ? [] : [['x']]),
    ];
    kinds.push(fc.tuple(base, fc.constantFrom(...wrong)).map(([b, value]) => ({ body: { ...b, [key]: value }, what: `${key} as ${JSON.stringify(value)}` })));
    const text = property.anyOf ? property.anyOf.map(resolve).find((s) => s.type === 'string') : property.type === 'string' ? property : undefined;
    if (text?.maxLength !== undefined) {
      kinds.push(base.map((b) => ({ body: { ...b, [key]: 'y'.repeat(text.maxLength! + 1) }, what: `${key} one past its ${text.maxLength} characters` })));
    }
    if (text?.pattern) kinds.push(base.map((b) => ({ body: { ...b, [key]: 'not matching!' }, what: `${key} breaking its pattern` })));
  }
  return fc.oneof(...kinds);
}

function snapshot(): string {
  const db = new Database(api.sqlitePath, { ...addonOption(), readonly: true });
  try {
    return ['events', 'projects', 'schedule_tracking'].map((t) => JSON.stringify(db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all())).join('\n');
  } finally {
    db.close();
  }
}

const credentials = (op: Operation): Record<string, string> => {
  const schemes = op.security.flatMap((s) => Object.keys(s));
  if (schemes.includes('serviceKey')) return { 'x-api-key': SERVICE_KEY };
  return schemes.includes('bearer') ? user : {};
};

let sent = 0;
const statuses = new Map<number, number>();

async function send(method: string, path: string, op: Operation, body: unknown, raw = false, extra: Record<string, string> = {}): Promise<number> {
  const before = snapshot();
  const res = await api.request(method.toUpperCase(), path, {
    ...(method === 'post' ? { body: raw ? String(body) : JSON.stringify(body) } : {}),
    headers: { 'content-type': 'application/json', ...credentials(op), ...extra },
  });
  sent += 1;
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  expect({ path, status: res.status < 500 ? 'below 500' : res.status, text: res.status < 500 ? '' : res.text })
    .toEqual({ path, status: 'below 500', text: '' });
  if (res.status >= 400) expect(snapshot()).toBe(before);
  return res.status;
}

afterAll(() => {
  process.stderr.write(`openapi fuzzer: ${sent} requests over ${Object.values(doc.paths).flatMap(Object.keys).length} operations; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`);
});

const bodyOperations = (): Array<[string, string, Operation]> => Object.entries(doc.paths)
  .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]): [string, string, Operation] => [method, path, op]))
  .filter(([, , op]) => op.requestBody !== undefined);

it('sends what the document allows to every operation with a body: never a 5xx, every answer declared, a 4xx changes nothing', async () => {
  const operations = bodyOperations();
  expect(operations.length).toBeGreaterThanOrEqual(11);
  for (const [method, path, op] of operations) {
    const accepted = { n: 0 };
    // A header parameter the document declares (If-Match) is sent, or not, with values it allows.
    const headers = headerValues(op, ['"1"', '"2"', '*']);
    await fc.assert(fc.asyncProperty(allowed(op.requestBody!.content['application/json'].schema), headers, async (body, extra) => {
      if ((await send(method, path, op, body, false, extra)) < 300) accepted.n += 1;
    }), { numRuns: RUNS_PER_OPERATION / 2 });
    // Not every allowed body can succeed (an impossible date, an overlap, an unknown event), but
    // some must, or the generator is not producing what the document means.
    expect({ path, someAccepted: accepted.n > 0 }).toEqual({ path, someAccepted: true });
  }
}, 600_000);

it('sends near-misses to every operation with a body: each is refused with a 4xx and changes nothing', async () => {
  for (const [method, path, op] of bodyOperations()) {
    await fc.assert(fc.asyncProperty(nearMisses(op.requestBody!.content['application/json'].schema), async ({ body, what }) => {
      const status = await send(method, path, op, body);
      expect({ path, what, refused: status >= 400 && status < 500 }).toEqual({ path, what, refused: true });
    }), { numRuns: RUNS_PER_OPERATION / 2 });
    for (const text of ['', 'not json', '{"unterminated": ', 'null']) {
      expect(await send(method, path, op, text, true)).toBe(400);
    }
    // A malformed header parameter is refused too, whatever the body.
    for (const parameter of (op.parameters ?? []).filter((p) => p.in === 'header')) {
      for (const bad of ['W/"1"', 'one', '"0"', '"1", "2"']) {
        const example = resolve(op.requestBody!.content['application/json'].schema).examples?.[0];
        const status = await send(method, path, op, example, false, { [parameter.name]: bad });
        expect({ path, header: parameter.name, bad, status }).toEqual({ path, header: parameter.name, bad, status: 400 });
      }
    }
  }
}, 600_000);

it('fills every path parameter with what its schema allows and with near-misses: never a 5xx, every answer declared', async () => {
  const withParameters = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).filter(([, op]) => (op.parameters ?? []).some((p) => p.in === 'path')).map(([method, op]) => ({ method, path, op })));
  expect(withParameters.length).toBeGreaterThan(0);
  for (const { method, path, op } of withParameters) {
    const parameter = op.parameters!.find((p) => p.in === 'path')!;
    const values = fc.oneof(allowed(parameter.schema) as fc.Arbitrary<string>, fc.string({ maxLength: 40 }), fc.constantFrom('..', '%00', 'MRC1', 'x'.repeat(300)));
    await fc.assert(fc.asyncProperty(values, async (value) => {
      await send(method, path.replace(`{${parameter.name}}`, encodeURIComponent(value)), op, undefined);
    }), { numRuns: RUNS_PER_OPERATION });
  }
}, 600_000);

it('sends the operations that take no input stray query strings and credentials: never a 5xx, every answer declared', async () => {
  const plain = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).filter(([, op]) => !op.requestBody && !(op.parameters ?? []).length).map(([method]) => ({ method, path })));
  expect(plain.map((p) => p.path)).toEqual(expect.arrayContaining(['/', '/healthz', '/readyz', '/metrics', '/openapi.json', '/docs', '/import-schedules']));
  const strays = fc.record({
    query: fc.option(fc.string({ maxLength: 30 }).map((q) => `?${encodeURIComponent(q)}=1`), { nil: '' }),
    authorization: fc.option(fc.constantFrom('Bearer x.y.z', 'Basic Zm9vOmJhcg==', `Bearer ${'a'.repeat(5000)}`), { nil: undefined }),
  });
  for (const { method, path } of plain) {
    await fc.assert(fc.asyncProperty(strays, async ({ query, authorization }) => {
      const before = snapshot();
      const res = await api.request(method.toUpperCase(), `${path}${query}`, { headers: authorization ? { authorization } : {} });
      sent += 1;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect({ path, status: res.status < 500 ? 'below 500' : res.status }).toEqual({ path, status: 'below 500' });
      if (res.status >= 400) expect(snapshot()).toBe(before);
    }), { numRuns: 100 });
  }
}, 600_000);
