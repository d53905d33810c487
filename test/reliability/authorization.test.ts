/**
 * Authorization as a table: each caller against each action on an event alice owns. A refusal leaves
 * the stored event exactly as it was; an allowed action changes it as asked.
 */
import { bearer, SERVICE_KEY, startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { ProjectsStandIn } from '../support/projects-stand-in.js';
import { startTogether, stopAll } from '../support/teardown.js';

type Caller = 'owner' | 'other user' | 'admin' | 'service key' | 'anonymous';
type Action = 'create in the owner\'s name' | 'modify' | 'delete' | 'link a project' | 'unlink the project';

const TABLE: Record<Action, Record<Caller, number>> = {
  "create in the owner's name": { owner: 200, 'other user': 403, admin: 200, 'service key': 401, anonymous: 401 },
  modify: { owner: 200, 'other user': 403, admin: 200, 'service key': 401, anonymous: 401 },
  delete: { owner: 200, 'other user': 403, admin: 200, 'service key': 401, anonymous: 401 },
  'link a project': { owner: 200, 'other user': 403, admin: 200, 'service key': 200, anonymous: 401 },
  'unlink the project': { owner: 200, 'other user': 403, admin: 200, 'service key': 200, anonymous: 401 },
};
const OWNER = 'google-oauth2|owner';

let idp: IdentityProvider;
let projects: ProjectsStandIn;
let api: CalendarUnderTest;
let credentials: Record<Caller, Record<string, string>>;
beforeAll(async () => {
  [idp, projects] = await startTogether(new IdentityProvider().start(), new ProjectsStandIn().start());
  api = await startCalendar(idp, projects, { RATE_LIMIT_PER_MINUTE: '0' });
  credentials = {
    owner: bearer(idp.token({ sub: OWNER, name: 'Owner' })),
    'other user': bearer(idp.token({ sub: 'google-oauth2|other', name: 'Other' })),
    admin: bearer(idp.token({ sub: 'google-oauth2|admin', name: 'Admin', roles: ['admin'] })),
    'service key': { 'x-api-key': SERVICE_KEY },
    anonymous: {},
  };
});
afterAll(() => stopAll(api, idp, projects));

let n = 0;
const hour = (): string => {
  n += 1;
  return `2034-01-${String(1 + Math.floor(n / 20)).padStart(2, '0')}T${String(n % 20).padStart(2, '0')}:00:00Z`;
};
const plusMinutes = (iso: string, m: number): string => new Date(Date.parse(iso) + m * 60_000).toISOString().replace('.000Z', 'Z');

async function stored(eventId: string, start: string): Promise<Record<string, unknown> | undefined> {
  const events = (await api.post('/get-event-at-time', { site: 'saf', time: start })).json() as Array<Record<string, unknown>>;
  return events.find((e) => e.event_id === eventId);
}

const cases = Object.entries(TABLE).flatMap(([action, row]) =>
  Object.entries(row).map(([caller, status]) => [action as Action, caller as Caller, status] as const));

it.each(cases)('%s by %s: %i', async (action, caller, expected) => {
  const start = hour();
  const id = `authz-${n}`;
  const as = credentials[caller];
  if (action === "create in the owner's name") {
    const res = await api.post('/newevent', { event_id: id, site: 'saf', start, end: plusMinutes(start, 30), creator_id: OWNER, creator: 'Owner' }, as);
    expect(res.status).toBe(expected);
    const event = await stored(id, start);
    if (expected === 200) expect(event).toMatchObject({ creator_id: OWNER });
    else expect(event).toBeUndefined();
    return;
  }
  const created = await api.post('/newevent', { event_id: id, site: 'saf', start, end: plusMinutes(start, 30), title: 'mine', project_id: 'Orig#2034-01-01T00:00:00Z' }, credentials.owner);
  expect(created.status).toBe(200);
  const before = await stored(id, start);
  const res = action === 'modify'
    ? await api.post('/modifyevent', { originalEvent: { event_id: id }, modifiedEvent: { title: `changed by ${caller}` } }, as)
    : action === 'delete'
      ? await api.post('/delete', { event_id: id }, as)
      : action === 'link a project'
        ? await api.post('/add-projects-to-events', { project_id: 'New#2034-01-01T00:00:00Z', events: [id] }, as)
        : await api.post('/remove-project-from-events', { events: [id] }, as);
  expect(res.status).toBe(expected);
  const after = await stored(id, start);
  if (expected !== 200) {
    expect(after).toEqual(before);
    return;
  }
  const changed: Record<Exclude<Action, "create in the owner's name">, () => void> = {
    modify: () => expect(after).toMatchObject({ title: `changed by ${caller}`, creator_id: OWNER }),
    delete: () => expect(after).toBeUndefined(),
    'link a project': () => expect(after).toMatchObject({ project_id: 'New#2034-01-01T00:00:00Z', creator_id: OWNER }),
    'unlink the project': () => expect(after).toMatchObject({ project_id: 'none', creator_id: OWNER }),
  };
  changed[action]();
});

it('a user may not create in another user\'s name by any spelling of the creator fields', async () => {
  for (const body of [{ creator_id: OWNER }, { creator_id: OWNER, creator: 'Owner' }, { creator: OWNER }, { creator_id: ` ${OWNER}` }]) {
    const start = hour();
    const res = await api.post('/newevent', { event_id: `spoof-${n}`, site: 'saf', start, end: plusMinutes(start, 30), ...body }, credentials['other user']);
    const event = await stored(`spoof-${n}`, start);
    if (res.status === 200) expect(event).toMatchObject({ creator_id: 'google-oauth2|other' });
    else expect([res.status, event]).toEqual([403, undefined]);
  }
});

it("the creator of a user's own event is the display name the identity provider gives, from the token or userinfo, never the body's", async () => {
  const withUserinfo = await startCalendar(idp, projects, { RATE_LIMIT_PER_MINUTE: '0', AUTH_USERINFO_URL: idp.userinfoUrl });
  try {
    const book = async (on: CalendarUnderTest, as: Record<string, string>, body: Record<string, unknown>) => {
      const start = hour();
      const res = await on.post('/newevent', { event_id: `named-${n}`, site: 'named', start, end: plusMinutes(start, 30), ...body }, as);
      expect(res.status).toBe(200);
      return (res.json() as { new_calendar_event: { event_id: string; creator: string } }).new_calendar_event;
    };
    // The token names the caller "Other": before, stored as "Owner" (the body's), as if Owner had booked.
    const spoofed = await book(api, credentials['other user'], { creator: 'Owner' });
    const modified = await api.post('/modifyevent', { originalEvent: { event_id: spoofed.event_id }, modifiedEvent: { creator: 'Admin' } }, credentials['other user']);
    // An admin booking for someone else names them as the body says.
    const forOwner = await book(api, credentials.admin, { creator_id: OWNER, creator: 'Owner O.' });
    // No name in the token, roles and name from userinfo.
    idp.userinfoNames.set('google-oauth2|erin', 'Erin from userinfo');
    const fromUserinfo = await book(withUserinfo, bearer(idp.token({ sub: 'google-oauth2|erin', name: null, roles: null })), { creator: 'Owner' });
    // No name anywhere: the body's is kept (the frontend sends the name it shows).
    const nameless = await book(withUserinfo, bearer(idp.token({ sub: 'google-oauth2|frank', name: null, roles: null })), { creator: 'Frank' });
    const found = [spoofed.creator, (modified.json() as { creator: string }).creator, forOwner.creator, fromUserinfo.creator, nameless.creator];
    process.stderr.write(`creator names: body "Owner" from "Other", then "Admin" on modify, admin for Owner, userinfo, no name: ${JSON.stringify(found)}\n`);
    expect(found).toEqual(['Other', 'Other', 'Owner O.', 'Erin from userinfo', 'Frank']);
  } finally {
    await withUserinfo.close();
  }
});
