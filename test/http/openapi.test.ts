/**
 * GET /openapi.json: valid OpenAPI 3.1 by an independent validator, complete (every operation the
 * server answers, and only those), with examples that pass their own schemas. That every answer
 * matches it is checked on every request the HTTP suites make (test/support/openapi-check.ts); the
 * checker's own failures are shown here.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import { bearer, SERVICE_KEY, startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { OpenApiChecker } from '../support/openapi-check.js';
import { ProjectsStandIn } from '../support/projects-stand-in.js';
import { startTogether, stopAll } from '../support/teardown.js';
import { tempDir } from '../support/temp-dir.js';

interface Operation {
  operationId: string;
  summary: string;
  security: Array<Record<string, string[]>>;
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema: unknown }> }>;
}
interface Doc {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { examples?: unknown[] }> };
}

let idp: IdentityProvider;
let projects: ProjectsStandIn;
let api: CalendarUnderTest;
let doc: Doc;
beforeAll(async () => {
  [idp, projects] = await startTogether(new IdentityProvider().start(), new ProjectsStandIn().start());
  api = await startCalendar(idp, projects);
  const res = await api.request('GET', '/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = res.json() as Doc;
}, 30_000);
afterAll(() => stopAll(api, idp, projects));

const operations = (): Array<[string, string, Operation]> =>
  Object.entries(doc.paths).flatMap(([path, byMethod]) => Object.entries(byMethod).map(([method, op]): [string, string, Operation] => [method, path, op]));

it('is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator), with the package version', async () => {
  const result = await new Validator().validate(structuredClone(doc) as unknown as Record<string, unknown>);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(doc.openapi).toMatch(/^3\.1\./);
  expect(doc.info.version).toBe((await import('../../package.json', { with: { type: 'json' } })).default.version);
});

it('has every route the server lists at GET /about, and each documented operation is served (never the 404 or 405 of an unknown route)', async () => {
  const listed = (api.request('GET', '/about').then((r) => (r.json() as { routes: string[] }).routes));
  const documented = operations().map(([method, path]) => `${method.toUpperCase()} ${path}`);
  expect(documented.sort()).toEqual((await listed).sort());
  expect(documented.length).toBeGreaterThanOrEqual(19);
  for (const [method, path] of operations()) {
    const concrete = path.replace('{subsite}', 'nosuchsubsite');
    const res = await api.request(method.toUpperCase(), concrete, method === 'post' ? { body: '{}' } : {});
    expect({ path, status: res.status, text: res.text }).not.toEqual({ path, status: 404, text: 'Not found.' });
    expect(res.status).not.toBe(405);
  }
});

it('gives each operation a summary, a unique id, the security its route needs, and plain-text errors', () => {
  const ids = new Set<string>();
  for (const [method, path, op] of operations()) {
    expect(op.summary.length).toBeGreaterThan(3);
    expect(ids.has(op.operationId)).toBe(false);
    ids.add(op.operationId);
    expect(op.responses['200']).toBeDefined();
    expect(op.responses['500']).toBeDefined();
    for (const [status, response] of Object.entries(op.responses)) {
      if (Number(status) >= 400) expect(Object.keys(response.content ?? {})).toEqual(['text/plain']);
    }
    // A body can be wrong; a route that reads none (POST /sites) has no 400 to document.
    if (method === 'post') expect(op.responses['400'] !== undefined).toBe(op.requestBody !== undefined);
    const schemes = op.security.flatMap((s) => Object.keys(s)).sort();
    if (['/newevent', '/modifyevent', '/delete', '/event-history', '/restore-event', '/ical-feed', '/me', '/allowance'].includes(path)) expect(schemes).toEqual(['bearer']);
    else if (path.includes('project')) expect(schemes).toEqual(['bearer', 'serviceKey']);
    else expect(schemes).toEqual([]);
  }
});

it('says which writes the booking rules may refuse: a 400 BOOKING_RULE and a 409 ALLOWANCE_EXCEEDED or BOOKING_BEGUN, in plain text, on the writes that book or delete', () => {
  const judged = ['/delete', '/modifyevent', '/newevent', '/restore-event'];
  for (const [, path, op] of operations()) {
    const says = {
      path, 400: op.responses['400']?.description?.includes('BOOKING_RULE') ?? false,
      409: (op.responses['409']?.description?.includes('ALLOWANCE_EXCEEDED') && op.responses['409']?.description?.includes('BOOKING_BEGUN')) ?? false,
    };
    expect(says).toEqual({ path, 400: judged.includes(path), 409: judged.includes(path) });
    if (judged.includes(path)) for (const status of ['400', '409']) expect(Object.keys(op.responses[status]!.content!)).toEqual(['text/plain']);
  }
  // The allowance route itself: signed in, its answer the Allowance schema.
  const allowance = doc.paths['/allowance']!.post!;
  expect(allowance.requestBody!.content['application/json']!.schema.$ref).toBe('#/components/schemas/AllowanceRequest');
  expect(allowance.responses['200']!.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/Allowance' });
  expect(Object.keys(allowance.responses).sort()).toEqual(['200', '400', '401', '413', '500', '503']);
});

it("has request examples shaped like the frontend's, each valid by its own schema and accepted by the server", async () => {
  const ajv = new Ajv2020.default({ strict: false });
  ajv.addSchema({ $id: 'https://calendar.test/examples', components: doc.components });
  let examples = 0;
  for (const [, , op] of operations()) {
    const ref = op.requestBody?.content['application/json']?.schema.$ref;
    if (!ref) continue;
    const name = ref.split('/').pop()!;
    const schemaExamples = doc.components.schemas[name]?.examples ?? [];
    expect(schemaExamples.length).toBeGreaterThan(0);
    const validate = ajv.getSchema(`https://calendar.test/examples#/components/schemas/${name}`)!;
    for (const example of schemaExamples) {
      expect({ name, valid: validate(example), errors: validate.errors ?? null }).toEqual({ name, valid: true, errors: null });
      examples += 1;
    }
  }
  expect(examples).toBeGreaterThanOrEqual(10);

  // The newevent example, sent as the frontend sends it, is booked as it stands.
  const newEvent = doc.components.schemas.NewEventRequest!.examples![0] as Record<string, unknown>;
  const owner = bearer(idp.token({ sub: String(newEvent.creator_id), name: String(newEvent.creator) }));
  const booked = await api.post('/newevent', newEvent, owner);
  expect(booked.status).toBe(200);
  const link = doc.components.schemas.AddProjectRequest!.examples![0];
  expect((await api.post('/add-projects-to-events', link, { 'x-api-key': SERVICE_KEY })).status).toBe(200);
});

it('npm run openapi writes the document the server serves, for client generators', async () => {
  const dir = tempDir('openapi-cli-');
  try {
    const out = join(dir.path, 'calendar-api.json');
    const run = await promisify(execFile)('npm', ['run', '--silent', 'openapi', '--', '--out', out], {
      env: { ...process.env, NODE_OPTIONS: '', SQLITE_PATH: join(dir.path, 'c.db') },
    });
    expect(run.stderr).toMatch(new RegExp(`^wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: OpenAPI 3\\.1\\.\\d+, ${operations().length} operations\n$`));
    const written = JSON.parse(readFileSync(out, 'utf8')) as Doc;
    expect(written.paths).toEqual(doc.paths);
    expect(written.components.schemas).toEqual(doc.components.schemas);
  } finally {
    dir.remove();
  }
}, 60_000);

describe('the answer checker the HTTP suites use', () => {
  const answer = { method: 'POST', path: '/is-user-scheduled', contentType: 'application/json', text: 'true' };
  it('passes a declared answer', () => {
    expect(() => new OpenApiChecker(structuredClone(doc)).check({ ...answer, status: 200 })).not.toThrow();
  });
  it('fails a status the operation does not declare', () => {
    expect(() => new OpenApiChecker(structuredClone(doc)).check({ ...answer, status: 409, contentType: 'text/plain', text: 'no' }))
      .toThrow(/POST \/is-user-scheduled answered 409, a status the document does not declare/);
  });
  it('fails a body its schema does not describe, and a media type that is not the declared one', () => {
    const checker = new OpenApiChecker(structuredClone(doc));
    expect(() => checker.check({ ...answer, status: 200, text: '"yes"' })).toThrow(/a body the document does not describe/);
    expect(() => checker.check({ ...answer, status: 200, contentType: 'text/plain' })).toThrow(/where the document declares application\/json/);
    expect(() => checker.check({ method: 'POST', path: '/siteevents', status: 200, contentType: 'application/json', text: '[{"event_id":"x"}]' }))
      .toThrow(/must have required property/);
  });
  it('leaves alone what is not an operation: an unknown path, a method the path does not have', () => {
    const checker = new OpenApiChecker(structuredClone(doc));
    expect(() => checker.check({ method: 'GET', path: '/nope', status: 404, contentType: 'text/plain', text: 'Not found.' })).not.toThrow();
    expect(() => checker.check({ method: 'GET', path: '/newevent', status: 405, contentType: 'text/plain', text: 'Method not allowed.' })).not.toThrow();
  });
});
