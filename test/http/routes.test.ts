/**
 * The contract, route by route, with a JWKS server and a projects-service stand-in on loopback,
 * against every way the API is served: the Koa server on SQLite and on DynamoDB Local, and the
 * Lambda bundle invoked with API Gateway payload v1 and v2 events on DynamoDB Local.
 */
import { readFileSync } from 'node:fs';
import { bearer, SERVICE_KEY, startCalendar, type CalendarUnderTest, type Driver } from '../support/calendar-server.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { ProjectsStandIn } from '../support/projects-stand-in.js';
import { aNewEventBody } from '../support/builders.js';
import { stopAll } from '../support/teardown.js';
import { createDynamoDbClients } from '../../src/adapters/dynamodb/client.js';
import { loadOrCreateDynamoDbSecret } from '../../src/adapters/dynamodb/dynamodb-secret.js';
import { cursorSecretPath, loadOrCreateFileSecret } from '../../src/adapters/secrets/file-secret.js';
import { AesGcmFeedCursorCodec } from '../../src/adapters/secrets/aes-gcm-feed-cursor-codec.js';

const CORS_REQUEST_HEADERS = 'Content-Type, Authorization, X-Amz-Date, X-Api-Key, X-Amz-Security-Token, X-Amz-User-Agent, If-Match';
const ROUTES = [
  '/newevent', '/modifyevent', '/delete', '/add-projects-to-events', '/remove-project-from-events', '/siteevents',
  '/user-events-ending-after-time', '/get-event-at-time', '/is-user-scheduled', '/does-conflicting-event-exist',
];

const TARGETS: Array<[string, Driver, 'sqlite' | 'dynamodb']> = [
  ['koa on sqlite', 'koa', 'sqlite'],
  ['koa on dynamodb', 'koa', 'dynamodb'],
  ['lambda (API Gateway v1) on dynamodb', 'lambda-v1', 'dynamodb'],
  ['lambda (API Gateway v2) on dynamodb', 'lambda-v2', 'dynamodb'],
];

let dynamo: DynamoDbLocal;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, 60_000);
afterAll(() => dynamo.stop());

describe.each(TARGETS)('%s', (_name, driver, storage) => {
  const targetEnv = (): Record<string, string> =>
    storage === 'dynamodb' ? { STORAGE: 'dynamodb', DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_REGION: 'us-east-1' } : {};

  let idp: IdentityProvider;
  let projects: ProjectsStandIn;
  let api: CalendarUnderTest;
  let alice: Record<string, string>;
  let bob: Record<string, string>;
  let admin: Record<string, string>;
  /** The main calendar's DynamoDB table, named here so the test can read the cursor secret stored in it. */
  const calendarTable = `routes-${driver}-${process.pid}`;
  /** The deployment's own cursor sealer, over the secret it stored (a file beside the database, or an item of its table). */
  const deploymentCursors = (): AesGcmFeedCursorCodec => new AesGcmFeedCursorCodec(async () => {
    if (storage === 'sqlite') return loadOrCreateFileSecret(cursorSecretPath(api.sqlitePath));
    const { raw, doc } = createDynamoDbClients({ region: 'us-east-1', endpoint: dynamo.endpoint });
    try {
      return await loadOrCreateDynamoDbSecret(doc, calendarTable, 'feed-cursor');
    } finally {
      raw.destroy();
    }
  });

  const start = (env: Record<string, string> = {}): Promise<CalendarUnderTest> =>
    startCalendar(idp, projects, { ...targetEnv(), ...env }, driver);

  beforeAll(async () => {
    idp = await new IdentityProvider().start();
    projects = await new ProjectsStandIn().start();
    api = await start(storage === 'dynamodb' ? { DYNAMODB_CALENDAR: calendarTable } : {});
    alice = bearer(idp.token({ sub: 'google-oauth2|alice', name: 'Alice' }));
    bob = bearer(idp.token({ sub: 'google-oauth2|bob', name: 'Bob' }));
    admin = bearer(idp.token({ sub: 'google-oauth2|root', name: 'Root', roles: ['admin'] }));
  });

  afterAll(() => stopAll(api, projects, idp));

  let slot = 0;
  /** A fresh, non-overlapping hour on 2030-01-01 + n hours, so tests do not collide. */
  function nextSlot(): { start: string; end: string } {
    slot += 2;
    const start = new Date(Date.UTC(2030, 0, 1) + slot * 3600_000);
    const end = new Date(start.getTime() + 3600_000);
    return { start: start.toISOString().replace('.000', ''), end: end.toISOString().replace('.000', '') };
  }

  async function book(who: Record<string, string>, overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const res = await api.post('/newevent', aNewEventBody({ ...nextSlot(), ...overrides }), who);
    expect(res.status).toBe(200);
    return (res.json() as { new_calendar_event: Record<string, unknown> }).new_calendar_event;
  }

  function expectPlainText(res: { headers: Headers }): void {
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  }

  describe('everywhere', () => {
    it.each(ROUTES)('OPTIONS %s answers the CORS preflight', async (path) => {
      const res = await api.request('OPTIONS', path, { headers: { origin: 'https://www.photonranch.org', 'access-control-request-method': 'POST' } });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-allow-headers')).toBe(CORS_REQUEST_HEADERS);
    });

    it('CORS headers are on successes, 4xx and 5xx alike', async () => {
      projects.failing = true;
      const responses = await Promise.all([
        api.post('/get-event-at-time', { site: 'saf', time: '2030-01-01T00:00:00Z' }),
        api.post('/newevent', aNewEventBody()),
        api.post('/siteevents', { site: 'saf', start: 'x', end: 'y' }),
        api.request('GET', '/nowhere'),
      ]);
      await book(alice, { project_id: 'P#2024-01-01T00:00:00Z', site: 'cors1', resourceId: 'cors1' });
      responses.push(await api.post('/siteevents', { site: 'cors1', start: '2029-12-20T00:00:00Z', end: '2030-02-19T00:00:00Z', full_project_details: true }));
      projects.failing = false;
      expect(responses.map((r) => r.status)).toEqual([200, 401, 400, 404, 502]);
      for (const res of responses) {
        expect(res.headers.get('access-control-allow-origin')).toBe('*');
        expect(res.headers.get('access-control-allow-credentials')).toBe('true');
        expect(res.headers.get('access-control-allow-headers')).toBe(CORS_REQUEST_HEADERS);
      }
    });

    it('parses JSON with no content type, and a JSON string holding the object', async () => {
      const body = { site: 'saf', time: '2030-01-01T00:00:00Z' };
      const bare = await api.post('/get-event-at-time', JSON.stringify(body));
      const asString = await api.post('/get-event-at-time', JSON.stringify(JSON.stringify(body)), { 'content-type': 'text/plain' });
      expect([bare.status, asString.status]).toEqual([200, 200]);
      expect(bare.json()).toEqual([]);
    });

    it.each([
      ['not JSON', '{"site": ', 400, 'not valid JSON'],
      ['an array', '[1,2]', 400, 'must be a JSON object'],
      ['a number', '42', 400, 'must be a JSON object'],
      ['empty', '', 400, 'empty'],
    ])('a body that is %s is a %i with a plain-text reason', async (_what, body, status, reason) => {
      const res = await api.post('/siteevents', body);
      expect(res.status).toBe(status);
      expect(res.text).toContain(reason);
      expectPlainText(res);
    });

    it('a body over 1 MiB is a 413', async () => {
      const res = await api.post('/siteevents', { site: 'saf', padding: 'x'.repeat(1024 * 1024) });
      expect(res.status).toBe(413);
      expect(res.text).toContain('1 MiB');
      expectPlainText(res);
    });

    it('a known key of the wrong type is a 400 naming it; unknown keys are kept', async () => {
      const typed = await api.post('/newevent', aNewEventBody({ ...nextSlot(), title: 12 }), alice);
      expect(typed.status).toBe(400);
      expect(typed.text).toBe('Invalid title: expected a string');
      const kept = await book(alice, { rendering: 'background', project_priority: 'standard', extra: { nested: [1, 2] } });
      expect(kept).toMatchObject({ rendering: 'background', project_priority: 'standard', extra: { nested: [1, 2] } });
    });

    it('unknown routes are 404 and wrong methods 405, in plain text', async () => {
      const missing = await api.request('GET', '/nowhere');
      const wrong = await api.request('GET', '/siteevents');
      expect([missing.status, wrong.status]).toEqual([404, 405]);
      expectPlainText(missing);
      expectPlainText(wrong);
    });

    it('GET /about names the service, its version and storage, and lists every route', async () => {
      const res = await api.request('GET', '/about');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const about = res.json() as Record<string, unknown>;
      const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
      expect(about).toMatchObject({
        service: 'photonranch-calendar', version: pkg.version, storage, health: '/healthz', readiness: '/readyz', openapi: '/openapi.json', docs: '/docs',
      });
      expect(about.reference).toMatch(/\/docs/);
      expect(about.routes).toEqual(expect.arrayContaining([
        ...ROUTES.map((r) => `POST ${r}`), 'GET /import-schedules', 'GET /healthz', 'GET /readyz', 'GET /openapi.json', 'GET /docs',
      ]));
    });

    it('GET /metrics gives the server\'s figures to this machine; a Lambda instance keeps none', async () => {
      await api.request('GET', '/healthz');
      const res = await api.request('GET', '/metrics');
      if (driver === 'koa') {
        expect(res.status).toBe(200);
        expect(res.text).toMatch(/^calendar_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+$/m);
      } else {
        expect(res.status).toBe(404);
      }
    });

    it('GET /healthz reports ok, and GET /readyz that the store answers', async () => {
      const res = await api.request('GET', '/healthz');
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
      const ready = await api.request('GET', '/readyz');
      expect(ready.status).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready' });
    });

    it('GET /openapi.json is the description, and GET /docs the reference page with its scripts, served by this target itself', async () => {
      const description = await api.request('GET', '/openapi.json');
      expect(description.status).toBe(200);
      expect(Object.keys((description.json() as { paths: object }).paths)).toEqual(expect.arrayContaining(['/newevent', '/docs']));
      const page = await api.request('GET', '/docs');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      const scripts = [...page.text.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
      expect(scripts.map((s) => s.split('?')[0])).toEqual(['docs/swagger-ui-bundle.js', 'docs/init.js']);
      for (const script of scripts) {
        const res = await api.request('GET', `/${script}`);
        expect({ script, status: res.status, type: res.headers.get('content-type') }).toEqual({ script, status: 200, type: 'text/javascript; charset=utf-8' });
      }
      expect((await api.request('GET', '/docs/swagger-ui-bundle.js')).text.length).toBeGreaterThan(500_000);
      const css = await api.request('GET', '/docs/swagger-ui.css');
      expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
      // With a trailing slash the page's relative URLs would miss: the browser is sent to /docs.
      const slash = await fetch(`${api.url}/docs/`, { redirect: 'manual' });
      expect([slash.status, slash.headers.get('location')]).toEqual([301, '../docs']);
    });
  });

  describe('times', () => {
    it.each([
      ['2030-02-01T03:00Z', '2030-02-01T04:00Z'],
      ['2030-02-01T05:00:00.000Z', '2030-02-01T06:00:00.000Z'],
      ['2030-02-01T01:00:00-06:00', '2030-02-01T02:00:00-06:00'],
    ])('stores %s .. %s canonically', async (start, end) => {
      const event = await book(alice, { start, end, site: 'time1', resourceId: 'time1' });
      expect(event.start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/);
      expect(event.end).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/);
    });

    it.each([
      ['start', '2030-02-01T03:00:00'],
      ['end', '2025-02-30T00:00:00Z'],
      ['start', 'next tuesday'],
    ])('refuses a bad %s (%s) with a 400 naming it', async (field, value) => {
      const res = await api.post('/newevent', aNewEventBody({ ...nextSlot(), [field]: value }), alice);
      expect(res.status).toBe(400);
      expect(res.text).toContain(`Invalid ${field}`);
    });
  });

  describe('/newevent', () => {
    it('returns the stored event under new_calendar_event, with the string fields the frontend uses', async () => {
      const event = await book(alice, { creator_id: undefined });
      for (const key of ['title', 'creator', 'creator_id', 'site', 'resourceId', 'project_id']) expect(typeof event[key]).toBe('string');
      expect(event.creator_id).toBe('google-oauth2|alice');
      expect(event.last_modified).toMatch(/Z$/);
    });

    it.each(['event_id', 'site', 'start', 'end'])('a missing %s is a 400 "Error: missing required key"', async (key) => {
      const res = await api.post('/newevent', aNewEventBody({ ...nextSlot(), [key]: undefined }), alice);
      expect(res.status).toBe(400);
      expect(res.text).toBe(`Error: missing required key ${key}`);
      expectPlainText(res);
    });

    it('needs a token (401)', async () => {
      expect((await api.post('/newevent', aNewEventBody(nextSlot()))).status).toBe(401);
    });

    it("old bug fixed: refuses (409) an overlap with another user's event, naming it", async () => {
      const first = await book(alice, { site: 'dbl1', resourceId: 'dbl1' });
      const res = await api.post('/newevent', aNewEventBody({ site: 'dbl1', start: first.start, end: first.end }), bob);
      expect(res.status).toBe(409);
      expect(res.text).toContain(String(first.event_id));
      expectPlainText(res);
    });

    it('an existing event_id is a 409, not an overwrite', async () => {
      const first = await book(alice);
      const res = await api.post('/newevent', aNewEventBody({ ...nextSlot(), event_id: first.event_id, title: 'overwrite' }), alice);
      expect(res.status).toBe(409);
      const stillThere = await api.post('/get-event-at-time', { site: 'saf', time: first.start });
      expect((stillThere.json() as Array<Record<string, unknown>>)[0]?.title).toBe(first.title);
    });

    it("old bug fixed: a non-admin cannot create in another's name (403); an admin can", async () => {
      const forged = await api.post('/newevent', aNewEventBody({ ...nextSlot(), creator_id: 'google-oauth2|bob' }), alice);
      expect(forged.status).toBe(403);
      expectPlainText(forged);
      const forBob = await book(admin, { creator_id: 'google-oauth2|bob', creator: 'Bob' });
      expect(forBob.creator_id).toBe('google-oauth2|bob');
    });
  });

  describe('/modifyevent', () => {
    it('stores the modified event with forced event_id, creator_id and a new last_modified', async () => {
      const original = await book(alice);
      const { start, end } = nextSlot();
      const res = await api.post('/modifyevent', {
        originalEvent: { event_id: original.event_id, start: original.start },
        modifiedEvent: { ...original, event_id: 'hijack', creator_id: 'google-oauth2|bob', start, end, title: 'moved' },
      }, alice);
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ event_id: original.event_id, creator_id: 'google-oauth2|alice', start, end, title: 'moved' });
    });

    it('finds the event whatever format the start hint has', async () => {
      const original = await book(alice);
      const hint = String(original.start).replace(':00Z', 'Z');
      const res = await api.post('/modifyevent', { originalEvent: { event_id: original.event_id, start: hint }, modifiedEvent: { title: 'hinted' } }, alice);
      expect(res.status).toBe(200);
    });

    it('404 for an unknown event, 403 for another user, 400 for a missing envelope key', async () => {
      const original = await book(alice);
      const unknown = await api.post('/modifyevent', { originalEvent: { event_id: 'nope' }, modifiedEvent: {} }, alice);
      const foreign = await api.post('/modifyevent', { originalEvent: { event_id: original.event_id }, modifiedEvent: { title: 'x' } }, bob);
      const envelope = await api.post('/modifyevent', { originalEvent: { event_id: original.event_id } }, alice);
      expect([unknown.status, foreign.status, envelope.status]).toEqual([404, 403, 400]);
      expect(foreign.text).toBe('You may only modify your own events.');
      expect(envelope.text).toBe('Error: missing required key modifiedEvent');
    });

    it('an admin may modify any event', async () => {
      const original = await book(alice);
      const res = await api.post('/modifyevent', { originalEvent: { event_id: original.event_id }, modifiedEvent: { title: 'by admin' } }, admin);
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ title: 'by admin', creator_id: 'google-oauth2|alice' });
    });

    it('old bug fixed: a refused modify (409) never loses the event', async () => {
      const mine = await book(alice, { site: 'mod1', resourceId: 'mod1' });
      const theirs = await book(bob, { site: 'mod1', resourceId: 'mod1' });
      const res = await api.post('/modifyevent', {
        originalEvent: { event_id: mine.event_id }, modifiedEvent: { start: theirs.start, end: theirs.end },
      }, alice);
      expect(res.status).toBe(409);
      expect(res.text).toContain(String(theirs.event_id));
      const found = await api.post('/get-event-at-time', { site: 'mod1', time: mine.start });
      expect(found.json()).toEqual([mine]);
    });
  });

  describe('versions, preconditions and safe retries', () => {
    const modify = (event: Record<string, unknown>, changes: Record<string, unknown>, headers: Record<string, string> = {}, version?: number) =>
      api.post('/modifyevent', { originalEvent: { event_id: event.event_id, start: event.start, ...(version ? { version } : {}) }, modifiedEvent: changes }, { ...alice, ...headers });

    it('a new event is version 1 and every change adds one; answers holding one event carry it as their ETag', async () => {
      const res = await api.post('/newevent', aNewEventBody({ ...nextSlot(), version: 40 }), alice);
      expect([res.status, res.headers.get('etag')]).toEqual([200, '"1"']);
      const event = (res.json() as { new_calendar_event: Record<string, unknown> }).new_calendar_event;
      expect(event.version).toBe(1);
      const changed = await modify(event, { title: 'second', version: 99 });
      expect([changed.status, changed.headers.get('etag'), (changed.json() as { version: number }).version]).toEqual([200, '"2"', 2]);
      const linked = await api.post('/add-projects-to-events', { project_id: 'M31#2025-01-01T00:00:00Z', events: [event.event_id] }, alice);
      expect(linked.status).toBe(200);
      const listed = await api.post('/siteevents', { site: event.site, start: event.start, end: event.end });
      expect((listed.json() as Array<{ event_id: string; version: number }>).find((e) => e.event_id === event.event_id)?.version).toBe(3);
      const deleted = await api.post('/delete', { event_id: event.event_id }, alice);
      expect([deleted.status, deleted.headers.get('etag')]).toEqual([200, '"3"']);
    });

    it('If-Match, or the version in the body, makes a modify or delete conditional: 412 naming the current version, and nothing changes', async () => {
      const event = await book(alice);
      expect((await modify(event, { title: 'moved by the owner' })).status).toBe(200);
      const stale = await modify(event, { title: 'the admin\'s stale edit' }, { 'if-match': '"1"' });
      expect(stale.status).toBe(412);
      expectPlainText(stale);
      expect(stale.text).toBe(`Event ${String(event.event_id)} has changed: it is at version 2, not 1. Read it again, then retry.`);
      expect((await modify(event, { title: 'stale too' }, {}, 1)).status).toBe(412);
      expect((await api.post('/delete', { event_id: event.event_id, version: 1 }, alice)).status).toBe(412);
      expect((await api.post('/delete', { event_id: event.event_id }, { ...alice, 'if-match': '"7"' })).status).toBe(412);
      const stored = await api.post('/siteevents', { site: event.site, start: event.start, end: event.end });
      expect((stored.json() as Array<{ title: string; version: number }>).map((e) => [e.title, e.version])).toEqual([['moved by the owner', 2]]);

      const current = await modify(event, { title: 'third' }, { 'if-match': '"2"' }, 2);
      expect([current.status, current.headers.get('etag')]).toEqual([200, '"3"']);
      expect((await modify(event, { title: 'any' }, { 'if-match': '*' })).status).toBe(200);
      expect((await api.post('/delete', { event_id: event.event_id }, { ...alice, 'if-match': '"4"' })).status).toBe(200);
    });

    it('a malformed precondition is a 400, before anything is read', async () => {
      const event = await book(alice);
      for (const [headers, version, reason] of [
        [{ 'if-match': 'W/"1"' }, undefined, /^Invalid If-Match: expected the ETag of the event/],
        [{ 'if-match': 'one' }, undefined, /^Invalid If-Match/],
        [{ 'if-match': '"1"' }, 2, /^Invalid version: 2 in the body, but If-Match says 1$/],
        // Past 2^53: before, read as 9007199254740992 and answered 412 naming that number.
        [{ 'if-match': '"9007199254740993"' }, undefined, /^Invalid If-Match: 9007199254740993 is larger than any version$/],
        [{ 'if-match': '"9999999999999999"' }, undefined, /^Invalid If-Match: 9999999999999999 is larger than any version$/],
        [{}, 2 ** 53, /^Invalid originalEvent\.version: expected a whole number$/],
      ] as const) {
        const res = await modify(event, { title: 'x' }, headers, version);
        expect([res.status, res.text]).toEqual([400, expect.stringMatching(reason)]);
      }
      const typed = await api.post('/delete', { event_id: event.event_id, version: 'one' }, alice);
      expect([typed.status, typed.text]).toEqual([400, 'Invalid version: expected a whole number']);
    });

    it('sending the same new event again answers 200 with the stored one (a lost answer retried); other reuse of the id stays a 409', async () => {
      const body = aNewEventBody({ ...nextSlot(), title: 'retried' });
      const first = await api.post('/newevent', body, alice);
      const again = await api.post('/newevent', body, alice);
      expect([first.status, again.status]).toEqual([200, 200]);
      expect(again.json()).toEqual(first.json());
      expect(again.headers.get('etag')).toBe('"1"');
      expect((await api.post('/newevent', { ...body, title: 'something else' }, alice)).status).toBe(409);
      expect((await api.post('/newevent', body, bob)).status).toBe(409);
    });
  });

  describe('/event-history', () => {
    it('lists every change oldest first, with who and what, to the owner or an admin; the history outlives a delete', async () => {
      const event = await book(alice);
      const moved = await api.post('/modifyevent', { originalEvent: { event_id: event.event_id }, modifiedEvent: { title: 'moved by root' } }, admin);
      expect(moved.status).toBe(200);
      expect((await api.post('/add-projects-to-events', { project_id: 'M31#2025-01-01T00:00:00Z', events: [event.event_id] }, { 'x-api-key': SERVICE_KEY })).status).toBe(200);
      expect((await api.post('/delete', { event_id: event.event_id }, alice)).status).toBe(200);
      const res = await api.post('/event-history', { event_id: event.event_id }, alice);
      expect(res.status).toBe(200);
      const entries = res.json() as Array<{ version: number; by: string; action: string; event: { title: string; version: number } }>;
      expect(entries.map((e) => [e.version, e.by, e.action])).toEqual([
        [1, 'google-oauth2|alice', 'created'], [2, 'google-oauth2|root', 'modified'], [3, 'service', 'project-linked'], [4, 'google-oauth2|alice', 'deleted'],
      ]);
      expect(entries.map((e) => e.event.version)).toEqual([1, 2, 3, 3]);
      expect((await api.post('/event-history', { event_id: event.event_id }, admin)).status).toBe(200);
    });

    it('a large event edited many times (issue 28, F1, F2): /event-history and /changes answer pages of about 1 MiB at most, every entry once', async () => {
      // A 15 000-character extra key, 75 versions: 1.1 MB of history, and as much in the site's feed.
      const VERSIONS = 75;
      const event = await book(alice, { site: 'big28', padding: 'x'.repeat(15_000) });
      for (let i = 2; i <= VERSIONS; i++) {
        expect((await api.post('/modifyevent', { originalEvent: { event_id: event.event_id }, modifiedEvent: { title: `v${i}` } }, alice)).status).toBe(200);
      }
      const MiB = 1024 * 1024;
      const historySizes: number[] = [];
      const versions: number[] = [];
      for (let after = 0; historySizes.length <= VERSIONS;) {
        const res = await api.post('/event-history', { event_id: event.event_id, after_version: after, limit: 1000 }, alice);
        expect(res.status).toBe(200);
        const page = res.json() as Array<{ version: number }>;
        if (page.length === 0) break;
        historySizes.push(res.text.length);
        expect(res.text.length).toBeLessThanOrEqual(MiB + page.length);
        versions.push(...page.map((h) => h.version));
        after = page.at(-1)!.version;
      }
      expect(versions).toEqual(Array.from({ length: VERSIONS }, (_, i) => i + 1));
      expect(historySizes.length).toBe(2);
      const first = (await api.post('/event-history', { event_id: event.event_id, limit: 10 }, alice)).json() as Array<{ version: number }>;
      expect(first.map((h) => h.version)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
      for (const bad of [{ limit: 0 }, { limit: 1001 }, { after_version: -1 }, { after_version: 'x' }]) {
        expect((await api.post('/event-history', { event_id: event.event_id, ...bad }, alice)).status).toBe(400);
      }
      // The feed: every change of it once, in order, following next, in pages of about 1 MiB at most.
      const feedSizes: number[] = [];
      const seen: number[] = [];
      for (let since: string | undefined; feedSizes.length <= VERSIONS;) {
        const res = await api.post('/changes', { site: 'big28', limit: 1000, ...(since === undefined ? {} : { since }) });
        expect(res.status).toBe(200);
        const page = res.json() as { changes: Array<{ event_id: string; version: number; event: { title: string } | null }>; next: string };
        if (page.changes.length === 0) break;
        feedSizes.push(res.text.length);
        expect(res.text.length).toBeLessThanOrEqual(MiB + 200 * page.changes.length);
        expect(page.changes.every((c) => c.event_id === event.event_id && c.event?.title === `v${VERSIONS}`)).toBe(true);
        seen.push(...page.changes.map((c) => c.version));
        since = page.next;
      }
      expect(seen).toEqual(Array.from({ length: VERSIONS }, (_, i) => i + 1));
      expect(feedSizes.length).toBe(2);
      console.log(`${driver}/${storage}: ${VERSIONS} versions of a 15 KB event: /event-history pages of ${historySizes.join(', ')} bytes; /changes pages of ${feedSizes.join(', ')} bytes`);
    });

    it('/restore-event brings a deleted event back as a new version, refusing what is in the way now, another user, and a live event', async () => {
      const event = await book(alice, { title: 'first' });
      expect((await api.post('/modifyevent', { originalEvent: { event_id: event.event_id }, modifiedEvent: { title: 'second' } }, alice)).status).toBe(200);
      expect((await api.post('/restore-event', { event_id: event.event_id }, alice)).status).toBe(409); // it is not deleted
      expect((await api.post('/delete', { event_id: event.event_id }, alice)).status).toBe(200);
      const blocker = await api.post('/newevent', aNewEventBody({ start: event.start, end: event.end, event_id: `${String(event.event_id)}-b` }), bob);
      expect(blocker.status).toBe(200);
      const blocked = await api.post('/restore-event', { event_id: event.event_id }, alice);
      expect([blocked.status, blocked.text]).toEqual([409, expect.stringContaining(`${String(event.event_id)}-b`)]);
      expect((await api.post('/delete', { event_id: `${String(event.event_id)}-b` }, bob)).status).toBe(200);
      expect((await api.post('/restore-event', { event_id: event.event_id }, bob)).status).toBe(403);
      const restored = await api.post('/restore-event', { event_id: event.event_id, version: 1 }, alice);
      expect([restored.status, restored.headers.get('etag')]).toEqual([200, '"4"']);
      expect(restored.json()).toMatchObject({ event_id: event.event_id, title: 'first', version: 4, creator_id: 'google-oauth2|alice' });
      const history = (await api.post('/event-history', { event_id: event.event_id }, alice)).json() as Array<{ action: string; version: number }>;
      expect(history.map((h) => [h.version, h.action])).toEqual([[1, 'created'], [2, 'modified'], [3, 'deleted'], [4, 'restored']]);
      expect((await api.post('/restore-event', { event_id: 'never-booked-here' }, alice)).status).toBe(404);
    });

    it("an event id is never taken over after its delete: a create with it is refused at once, saying so, and the history and restore stay the owner's", async () => {
      const event = await book(alice, { title: 'door', reservation_note: 'door code 4711' });
      const eventId = String(event.event_id);
      expect((await api.post('/modifyevent', { originalEvent: { event_id: eventId }, modifiedEvent: { reservation_note: '' } }, alice)).status).toBe(200);
      expect((await api.post('/delete', { event_id: eventId }, alice)).status).toBe(200);
      const asked = performance.now();
      const taken = await api.post('/newevent', aNewEventBody({ ...nextSlot(), event_id: eventId }), bob);
      const tookMs = performance.now() - asked;
      expect([taken.status, taken.text]).toEqual([409, expect.stringMatching(/deleted event.*\/restore-event.*new event_id/)]);
      const refusals = [taken.status];
      const refused = async (path: string, body: Record<string, unknown>, who: Record<string, string>, status: number) => {
        const res = await api.post(path, body, who);
        expect([path, res.status]).toEqual([path, status]);
        refusals.push(res.status);
        return res;
      };
      await refused('/event-history', { event_id: eventId }, bob, 403);
      await refused('/restore-event', { event_id: eventId, version: 1 }, bob, 403);
      const history = (await api.post('/event-history', { event_id: eventId }, alice)).json() as Array<{ version: number; by: string; action: string }>;
      expect(history.map((h) => [h.version, h.by, h.action])).toEqual([
        [1, 'google-oauth2|alice', 'created'], [2, 'google-oauth2|alice', 'modified'], [3, 'google-oauth2|alice', 'deleted'],
      ]);

      // A deleted LCO observation: no user takes its id, nor restores it; an admin may.
      const lco = await book(admin, { origin: 'LCO', creator_id: 'tbeccue#LCO', title: 'M31 (via LCO)' });
      expect((await api.post('/delete', { event_id: lco.event_id }, admin)).status).toBe(200);
      await refused('/newevent', aNewEventBody({ ...nextSlot(), event_id: lco.event_id }), bob, 409);
      await refused('/restore-event', { event_id: lco.event_id }, bob, 403);
      // One booked by an admin in a user's name: moving, deleting and bringing it back are an admin's.
      const lcoOfAlice = await book(admin, { origin: 'LCO', creator_id: 'google-oauth2|alice' });
      expect((await refused('/delete', { event_id: lcoOfAlice.event_id }, alice, 403)).text).toContain('Only an admin may modify or delete an LCO observation');
      expect((await refused('/modifyevent', { originalEvent: { event_id: lcoOfAlice.event_id }, modifiedEvent: { origin: 'PTR' } }, alice, 403)).text).toContain('LCO observation');
      expect((await api.post('/delete', { event_id: lcoOfAlice.event_id }, admin)).status).toBe(200);
      expect((await refused('/restore-event', { event_id: lcoOfAlice.event_id }, alice, 403)).text).toContain('origin LCO');
      const restored = await api.post('/restore-event', { event_id: lcoOfAlice.event_id }, admin);
      expect([restored.status, (restored.json() as { version: number }).version]).toEqual([200, 3]);
      const lcoHistory = (await api.post('/event-history', { event_id: lcoOfAlice.event_id }, alice)).json() as Array<{ version: number; action: string }>;
      expect(lcoHistory.map((h) => [h.version, h.action])).toEqual([[1, 'created'], [2, 'deleted'], [3, 'restored']]);
      process.stderr.write(`id takeover (${_name}): the create with a deleted event's id answered ${taken.status} in ${tookMs.toFixed(0)} ms; ` +
        `${refusals.length} attempts refused (${refusals.join(', ')}); the owner's history unchanged\n`);
    });

    it('401 without a token, 403 for another user, 404 for an id never booked', async () => {
      const event = await book(alice);
      expect((await api.post('/event-history', { event_id: event.event_id })).status).toBe(401);
      const other = await api.post('/event-history', { event_id: event.event_id }, bob);
      expect([other.status, other.text]).toEqual([403, 'You may only modify your own events.']);
      expect((await api.post('/event-history', { event_id: 'never-booked-here' }, alice)).status).toBe(404);
    });
  });

  describe('/changes', () => {
    type ChangeAnswer = { changes: Array<{ event_id: string; version: number; action: string; at: string; event: { title: string } | null }>; next: string };
    /** Every change from the start (or `since`), `limit` at a time, following next. */
    const follow = async (site: string, limit: number, since?: string): Promise<{ changes: ChangeAnswer['changes']; next: string }> => {
      const changes: ChangeAnswer['changes'] = [];
      for (let cursor = since; ;) {
        const res = await api.post('/changes', { site, limit, ...(cursor === undefined ? {} : { since: cursor }) });
        expect(res.status).toBe(200);
        const page = res.json() as ChangeAnswer;
        changes.push(...page.changes);
        cursor = page.next;
        if (page.changes.length < limit) return { changes, next: cursor };
      }
    };

    it("follows a site's changes in commit order, page by page, anonymously; each with the event as it is now, none once it left the site", async () => {
      const first = await book(alice, { site: 'chg1', title: 'one' });
      const second = await book(bob, { site: 'chg1', title: 'two' });
      expect((await api.post('/modifyevent', { originalEvent: { event_id: first.event_id }, modifiedEvent: { title: 'one, renamed' } }, alice)).status).toBe(200);
      expect((await api.post('/delete', { event_id: second.event_id }, bob)).status).toBe(200);
      expect((await api.post('/modifyevent', { originalEvent: { event_id: first.event_id }, modifiedEvent: { site: 'chg2' } }, alice)).status).toBe(200);
      const { changes, next } = await follow('chg1', 2);
      // One event was deleted, the other moved to chg2: at chg1 neither is anything now.
      expect(changes.map((c) => [c.event_id, c.version, c.action, c.event?.title ?? null])).toEqual([
        [first.event_id, 1, 'created', null],
        [second.event_id, 1, 'created', null],
        [first.event_id, 2, 'modified', null],
        [second.event_id, 2, 'deleted', null],
        [first.event_id, 3, 'modified', null],
      ]);
      expect(changes.every((c) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(c.at))).toBe(true);
      expect((await follow('chg2', 10)).changes.map((c) => [c.event_id, c.version, c.event?.title ?? null])).toEqual([[first.event_id, 3, 'one, renamed']]);
      // Nothing new after the last cursor, until something changes; then exactly that.
      expect((await follow('chg1', 2, next)).changes).toEqual([]);
      await book(alice, { site: 'chg1', title: 'three' });
      expect((await follow('chg1', 2, next)).changes.map((c) => c.event?.title)).toEqual(['three']);
      expect((await follow('nosuchsite', 5)).changes).toEqual([]);
    });

    it('refuses a malformed cursor, one of another site, and a bad limit with 400; a cursor older than the retention with 410', async () => {
      const { next } = await follow('chg3', 5);
      for (const body of [{ site: 'chg3', since: 'garbage' }, { site: 'chg4', since: next }, { site: 'chg3', limit: 0 }, { site: 'chg3', limit: 1001 }, { site: 'Bad Site!' }]) {
        const res = await api.post('/changes', body);
        expect(res.status).toBe(400);
        expectPlainText(res);
      }
      // A cursor this deployment handed out in 1970: the feed keeps 400 days by default.
      const stale = await api.post('/changes', { site: 'chg3', since: await deploymentCursors().seal({ site: 'chg3', seq: 0, issuedAt: 1000 }) });
      expect([stale.status, stale.text]).toEqual([410, expect.stringContaining('Start again without "since"')]);
      expectPlainText(stale);
    });

    it("shows anyone no more than each event's public view as it is now: no blanked note, no deleted event's last state", async () => {
      const kept = await book(alice, { site: 'chg5', title: 'kept', reservation_note: 'door code 4711' });
      const gone = await book(bob, { site: 'chg5', title: 'gone', reservation_note: 'key under the mat' });
      expect((await api.post('/modifyevent', { originalEvent: { event_id: kept.event_id }, modifiedEvent: { title: 'kept, renamed', reservation_note: '' } }, alice)).status).toBe(200);
      expect((await api.post('/delete', { event_id: gone.event_id }, bob)).status).toBe(200);
      const res = await api.post('/changes', { site: 'chg5' });
      expect(res.status).toBe(200);
      for (const removed of ['door code 4711', 'key under the mat', '"kept"', '"gone"']) expect(res.text).not.toContain(removed);
      expect((res.json() as ChangeAnswer).changes.map((c) => [c.event_id, c.version, c.action, c.event?.title ?? null])).toEqual([
        [kept.event_id, 1, 'created', 'kept, renamed'],
        [gone.event_id, 1, 'created', null],
        [kept.event_id, 2, 'modified', 'kept, renamed'],
        [gone.event_id, 2, 'deleted', null],
      ]);
      // The owner keeps every version, notes included.
      const history = await api.post('/event-history', { event_id: kept.event_id }, alice);
      expect(history.text).toContain('door code 4711');
    });

    it('hands out opaque cursors: no count in them, and one made up or altered is a 400, never a cursor that does not expire', async () => {
      await book(alice, { site: 'chg6' });
      const { next } = await follow('chg6', 5);
      expect(next).toMatch(/^c2\.[A-Za-z0-9_-]{54}$/);
      // Today's readable form, made to be handed out in 2286, and a real cursor with one character changed.
      const altered = `${next.slice(0, 10)}${next[10] === 'A' ? 'B' : 'A'}${next.slice(11)}`;
      for (const since of ['c1.chg6.0.9999999999', 'c1.chg6.1.9999999999', altered]) {
        const res = await api.post('/changes', { site: 'chg6', since });
        expect([res.status, res.text]).toEqual([400, expect.stringContaining('Invalid since: it is not a cursor the feed of site chg6 handed out')]);
      }
      process.stderr.write(`feed cursors (${_name}): 2 forged never to expire and 1 altered: all 400\n`);
    });
  });

  describe('/delete', () => {
    it('returns the deleted event as JSON; 404 afterwards', async () => {
      const event = await book(alice);
      const res = await api.post('/delete', { event_id: event.event_id, start: event.start, creator_id: event.creator_id }, alice);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual(event);
      expect((await api.post('/delete', { event_id: event.event_id }, alice)).status).toBe(404);
    });

    it('403 "You may only modify your own events." for another user; an admin may', async () => {
      const event = await book(alice);
      const res = await api.post('/delete', { event_id: event.event_id }, bob);
      expect(res.status).toBe(403);
      expect(res.text).toBe('You may only modify your own events.');
      expect((await api.post('/delete', { event_id: event.event_id }, admin)).status).toBe(200);
    });

    it('400 without event_id, 401 without a token', async () => {
      expect((await api.post('/delete', {}, alice)).status).toBe(400);
      expect((await api.post('/delete', { event_id: 'x' })).status).toBe(401);
    });
  });

  describe('/add-projects-to-events and /remove-project-from-events', () => {
    it('with a user token: sets project_id on own events and lists the missing ones, creating nothing', async () => {
      const event = await book(alice);
      const res = await api.post('/add-projects-to-events', {
        project_id: 'M31#2025-01-01T00:00:00Z', events: [{ event_id: event.event_id, start: event.start }, { event_id: 'ghost', start: event.start }],
      }, alice);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ updated: [event.event_id], missing: ['ghost'] });
      const stored = (await api.post('/get-event-at-time', { site: 'saf', time: event.start })).json() as Array<Record<string, unknown>>;
      expect(stored.find((e) => e.event_id === event.event_id)?.project_id).toBe('M31#2025-01-01T00:00:00Z');
      expect((await api.post('/delete', { event_id: 'ghost' }, admin)).status).toBe(404);
    });

    it("a user may not re-project another user's event (403)", async () => {
      const event = await book(bob);
      const res = await api.post('/add-projects-to-events', { project_id: 'x#1', events: [{ event_id: event.event_id }] }, alice);
      expect(res.status).toBe(403);
    });

    it('old bug fixed: remove-project-from-events with bare ids (the projects service) works, via service key', async () => {
      const a = await book(alice, { project_id: 'P#2025-01-01T00:00:00Z' });
      const b = await book(bob, { project_id: 'P#2025-01-01T00:00:00Z' });
      const res = await api.post('/remove-project-from-events', { events: [a.event_id, { event_id: b.event_id }, 'ghost'] }, { 'x-api-key': SERVICE_KEY });
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ updated: [a.event_id, b.event_id], missing: ['ghost'] });
      const stored = (await api.post('/get-event-at-time', { site: 'saf', time: a.start })).json() as Array<Record<string, unknown>>;
      expect(stored.find((e) => e.event_id === a.event_id)?.project_id).toBe('none');
    });

    it('anonymous calls are refused (401) unless the compatibility switch is on; a bad service key is 401', async () => {
      const event = await book(alice);
      expect((await api.post('/add-projects-to-events', { project_id: 'x#1', events: [event.event_id] })).status).toBe(401);
      expect((await api.post('/remove-project-from-events', { events: [event.event_id] })).status).toBe(401);
      expect((await api.post('/remove-project-from-events', { events: [event.event_id] }, { 'x-api-key': 'wrong-key-wrong-key' })).status).toBe(401);

      const compat = await start({ ALLOW_ANONYMOUS_PROJECT_LINKS: 'true' });
      try {
        const own = await compat.post('/newevent', aNewEventBody(nextSlot()), alice);
        const id = (own.json() as { new_calendar_event: { event_id: string } }).new_calendar_event.event_id;
        const res = await compat.post('/add-projects-to-events', { project_id: 'x#1', events: [id] });
        expect(res.status).toBe(200);
        expect(res.json()).toEqual({ updated: [id], missing: [] });
      } finally {
        await compat.close();
      }
    });

    it('400 for a malformed events list', async () => {
      const res = await api.post('/remove-project-from-events', { events: [42] }, { 'x-api-key': SERVICE_KEY });
      expect(res.status).toBe(400);
      expect(res.text).toContain('events');
    });
  });

  describe('/siteevents', () => {
    it('old bug fixed: returns events overlapping the window, including those running past its end, ordered by start', async () => {
      const site = 'win1';
      const early = await book(alice, { site, resourceId: site, start: '2031-01-01T22:00:00Z', end: '2031-01-02T01:00:00Z' });
      const late = await book(alice, { site, resourceId: site, start: '2031-01-02T23:00:00Z', end: '2031-01-03T02:00:00Z' });
      const inside = await book(bob, { site, resourceId: site, start: '2031-01-02T10:00:00Z', end: '2031-01-02T11:00:00Z' });
      await book(bob, { site, resourceId: site, start: '2031-01-03T02:00:00Z', end: '2031-01-03T03:00:00Z' });
      const res = await api.post('/siteevents', { site, start: '2031-01-02T00:00:00Z', end: '2031-01-03T00:00:00Z' });
      expect(res.status).toBe(200);
      expect((res.json() as Array<{ event_id: string }>).map((e) => e.event_id)).toEqual([early.event_id, inside.event_id, late.event_id]);
    });

    it.each(['site', 'start', 'end'])('a missing %s is a 400', async (key) => {
      const body: Record<string, unknown> = { site: 'saf', start: '2031-01-02T00:00:00Z', end: '2031-01-03T00:00:00Z' };
      delete body[key];
      const res = await api.post('/siteevents', body);
      expect(res.status).toBe(400);
      expect(res.text).toBe(`Error: missing required key ${key}`);
    });

    it('full_project_details attaches each project from the projects service, or "Project not found."', async () => {
      const site = 'prj1';
      projects.projects.set('M31 survey#2025-01-01T00:00:00Z', { project_name: 'M31 survey', created_at: '2025-01-01T00:00:00Z' });
      await book(alice, { site, resourceId: site, start: '2032-01-01T00:00:00Z', end: '2032-01-01T01:00:00Z', project_id: 'M31 survey#2025-01-01T00:00:00Z' });
      await book(alice, { site, resourceId: site, start: '2032-01-01T01:00:00Z', end: '2032-01-01T02:00:00Z', project_id: 'Deleted#2024-01-01T00:00:00Z' });
      await book(alice, { site, resourceId: site, start: '2032-01-01T02:00:00Z', end: '2032-01-01T03:00:00Z' });
      const res = await api.post('/siteevents', { site, start: '2032-01-01T00:00:00Z', end: '2032-01-02T00:00:00Z', full_project_details: true });
      expect(res.status).toBe(200);
      const events = res.json() as Array<Record<string, unknown>>;
      expect(events.map((e) => e.project)).toEqual([
        { project_name: 'M31 survey', created_at: '2025-01-01T00:00:00Z' }, 'Project not found.', undefined,
      ]);
    });
  });

  describe('time queries', () => {
    it('/user-events-ending-after-time returns that creator\'s events with end > time, ordered by start', async () => {
      const sub = 'google-oauth2|carol';
      const carol = bearer(idp.token({ sub }));
      const a = await book(carol, { site: 'usr1', resourceId: 'usr1', start: '2033-01-01T00:00:00Z', end: '2033-01-01T01:00:00Z' });
      const b = await book(carol, { site: 'usr2', resourceId: 'usr2', start: '2033-01-01T00:30:00Z', end: '2033-01-01T02:00:00Z' });
      const res = await api.post('/user-events-ending-after-time', { user_id: sub, time: '2033-01-01T00:59:59Z' });
      expect((res.json() as Array<{ event_id: string }>).map((e) => e.event_id)).toEqual([a.event_id, b.event_id]);
      const later = await api.post('/user-events-ending-after-time', { user_id: sub, time: '2033-01-01T01:00:00Z' });
      expect((later.json() as Array<{ event_id: string }>).map((e) => e.event_id)).toEqual([b.event_id]);
      expect((await api.post('/user-events-ending-after-time', { user_id: sub })).status).toBe(400);
    });

    it('/get-event-at-time, /is-user-scheduled and /does-conflicting-event-exist', async () => {
      const site = 'now1';
      const event = await book(alice, { site, resourceId: site, start: '2034-01-01T00:00:00Z', end: '2034-01-01T01:00:00Z' });
      const at = (time: string) => api.post('/get-event-at-time', { site, time });
      expect((await at('2034-01-01T00:00:00Z')).json()).toEqual([event]);
      expect((await at('2034-01-01T01:00:00Z')).json()).toEqual([]);

      const scheduled = await api.post('/is-user-scheduled', { user_id: 'google-oauth2|alice', site, time: '2034-01-01T00:30:00Z' });
      expect(scheduled.headers.get('content-type')).toMatch(/^application\/json/);
      expect(scheduled.text).toBe('true');
      expect((await api.post('/is-user-scheduled', { user_id: 'google-oauth2|bob', site, time: '2034-01-01T00:30:00Z' })).text).toBe('false');
      expect((await api.post('/does-conflicting-event-exist', { user_id: 'google-oauth2|bob', site, time: '2034-01-01T00:30:00Z' })).text).toBe('true');
      expect((await api.post('/does-conflicting-event-exist', { user_id: 'google-oauth2|alice', site, time: '2034-01-01T00:30:00Z' })).text).toBe('false');
      expect((await api.post('/does-conflicting-event-exist', { user_id: 'x', site, time: 'later' })).status).toBe(400);
      expect((await api.post('/is-user-scheduled', { site, time: '2034-01-01T00:30:00Z' })).status).toBe(400);
    });
  });
});
