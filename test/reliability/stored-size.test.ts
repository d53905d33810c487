/**
 * What one account can store, and so what one anonymous read can be made to return (issue 11,
 * points 2 and 7). Before: 100 events of 1 MiB each were accepted, and one /siteevents answered 105 MB.
 */
import { aNewEventBody } from '../support/builders.js';
import { bearer, startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { stopAll } from '../support/teardown.js';

let idp: IdentityProvider;
let api: CalendarUnderTest;
beforeAll(async () => {
  idp = await new IdentityProvider().start();
  api = await startCalendar(idp, undefined, { RATE_LIMIT_PER_MINUTE: '0', LIST_MAX_EVENTS: '50' });
});
afterAll(() => stopAll(api, idp));

const HOUR = { site: 'big1', start: '2038-01-01T03:00:00Z', end: '2038-01-01T04:00:00Z' };

it('an event of 1 MiB (in extra keys) is refused with 413 and nothing is stored; a frontend-sized one is kept', async () => {
  const owner = bearer(idp.token({ sub: 'google-oauth2|hoarder' }));
  const huge = await api.post('/newevent', aNewEventBody({ ...HOUR, rendering: 'x'.repeat(1024 * 1024 - 1000) }), owner);
  expect(huge.status).toBe(413);
  expect(huge.text).toMatch(/^The event is too large to store: \d+ bytes as JSON, at most 16384 \(16 KB\) with every extra key\.$/);
  const justOver = await api.post('/newevent', aNewEventBody({ ...HOUR, extra: 'y'.repeat(16 * 1024) }), owner);
  expect(justOver.status).toBe(413);
  const typical = await api.post('/newevent', aNewEventBody({ ...HOUR, rendering: 'background', project_priority: 'standard' }), owner);
  expect(typical.status).toBe(200);
  const listed = await api.post('/siteevents', { ...HOUR, start: '2038-01-01T00:00:00Z', end: '2038-01-02T00:00:00Z' });
  expect(listed.json()).toHaveLength(1);
  // A modify cannot grow it past the limit either.
  const id = (typical.json() as { new_calendar_event: { event_id: string } }).new_calendar_event.event_id;
  const grown = await api.post('/modifyevent', { originalEvent: { event_id: id }, modifiedEvent: { reservation_note: 'n'.repeat(4000), pad: 'p'.repeat(15_000) } }, owner);
  expect(grown.status).toBe(413);
});

it('a list window over 62 days is a 400; more events than LIST_MAX_EVENTS in one answer is a 400 naming the limit', async () => {
  const long = await api.post('/siteevents', { site: 'big1', start: '2038-01-01T00:00:00Z', end: '2038-03-05T00:00:00Z' });
  expect(long.status).toBe(400);
  expect(long.text).toBe('Invalid end: a window may span at most 62 days; ask for a shorter one');
  const stacker = bearer(idp.token({ sub: 'google-oauth2|stacker' }));
  for (let i = 0; i < 51; i++) expect((await api.post('/newevent', aNewEventBody({ ...HOUR, site: 'big2' }), stacker)).status).toBe(200);
  const day = { site: 'big2', start: '2038-01-01T00:00:00Z', end: '2038-01-02T00:00:00Z' };
  const tooMany = await api.post('/siteevents', day);
  expect(tooMany.status).toBe(400);
  expect(tooMany.text).toBe('More than 50 events match; ask for a shorter window.');
  expect((await api.post('/get-event-at-time', { site: 'big2', time: '2038-01-01T03:30:00Z' })).status).toBe(400);
  expect((await api.post('/user-events-ending-after-time', { user_id: 'google-oauth2|stacker', time: '2037-01-01T00:00:00Z' })).status).toBe(400);
  // The yes/no routes read only indexed columns and still answer.
  expect((await api.post('/does-conflicting-event-exist', { user_id: 'someone-else', site: 'big2', time: '2038-01-01T03:30:00Z' })).json()).toBe(true);
  expect((await api.post('/is-user-scheduled', { user_id: 'google-oauth2|stacker', site: 'big2', time: '2038-01-01T03:30:00Z' })).json()).toBe(true);
});

it('an event whose resourceId names another site is refused, naming both', async () => {
  const owner = bearer(idp.token({ sub: 'google-oauth2|resource' }));
  const refused = await api.post('/newevent', aNewEventBody({ ...HOUR, site: 'zz1', resourceId: 'saf' }), owner);
  expect(refused.status).toBe(400);
  expect(refused.text).toBe('Invalid resourceId: "saf" must be the event\'s site, "zz1"');
  expect((await api.post('/siteevents', { site: 'saf', start: '2038-01-01T00:00:00Z', end: '2038-01-02T00:00:00Z' })).json()).toEqual([]);
});
