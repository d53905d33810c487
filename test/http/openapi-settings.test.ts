/**
 * GET /openapi.json states the running settings, never a default written into the text (issue 29):
 * a calendar started with a value of every documented setting that no default has serves a
 * document that says those values, wherever it names the setting, and does what it says.
 */
import { IdentityProvider } from '../support/identity-provider.js';
import { startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { stopAll } from '../support/teardown.js';

/** Every setting the document states, each at a value no default has. */
const SETTINGS: Readonly<Record<string, string>> = {
  LIST_MAX_WINDOW_DAYS: '10',
  LIST_MAX_EVENTS: '1234',
  MAX_RESERVATION_HOURS: '7',
  HISTORY_RETENTION_DAYS: '99',
  ICAL_PAST_DAYS: '11',
  ICAL_FUTURE_DAYS: '44',
  ICAL_MAX_EVENTS: '777',
  LCO_CACHE_SECONDS: '23',
  UPSTREAM_PAUSE_SECONDS: '19',
  UPSTREAM_MAX_IN_FLIGHT: '13',
  RATE_LIMIT_PER_MINUTE: '321',
  IMPORT_TRIGGERS_PER_MINUTE: '5',
};

interface Doc {
  paths: Record<string, Record<string, { description?: string; responses: Record<string, { description: string }> }>>;
  components: { schemas: Record<string, { description: string }> };
}

let idp: IdentityProvider;
let api: CalendarUnderTest;
let doc: Doc;
beforeAll(async () => {
  idp = await new IdentityProvider().start();
  api = await startCalendar(idp, undefined, { ...SETTINGS });
  doc = (await api.request('GET', '/openapi.json')).json() as Doc;
}, 30_000);
afterAll(() => stopAll(api, idp));

/** Every description and summary of the document, with where it is. */
function texts(): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  const walk = (value: unknown, at: string): void => {
    if (typeof value === 'string') {
      if (/\.(description|summary)$/.test(at)) found.push([at, value]);
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(inner, `${at}.${key}`);
    }
  };
  walk(doc, '');
  return found;
}

it('says each setting wherever it names it, with its running value', () => {
  for (const [name, value] of Object.entries(SETTINGS)) {
    const naming = texts().filter(([, text]) => text.includes(name));
    expect({ name, named: naming.length > 0 }).toEqual({ name, named: true });
    for (const [at, text] of naming) {
      expect({ at, text, states: new RegExp(`\\b${value}\\b`).test(text) }).toEqual({ at, text, states: true });
    }
  }
});

it('says the numbers where a client looks for them', () => {
  const schema = (id: string): string => doc.components.schemas[id]!.description;
  const operation = (path: string, method = 'post'): string => doc.paths[path]![method]!.description ?? '';
  expect(schema('SiteEventsRequest')).toContain('at most 10 days (LIST_MAX_WINDOW_DAYS)');
  expect(schema('SiteEventsRequest')).toContain('more than 1234 events (LIST_MAX_EVENTS)');
  expect(schema('SiteWindowRequest')).toContain('at most 10 days (LIST_MAX_WINDOW_DAYS)');
  expect(schema('NewEventRequest')).toContain('at most 7 hours long (MAX_RESERVATION_HOURS)');
  expect(operation('/changes')).toContain('99 days (HISTORY_RETENTION_DAYS)');
  expect(doc.paths['/changes']!.post!.responses['410']!.description).toContain('99 days (HISTORY_RETENTION_DAYS)');
  expect(operation('/ical/{site}.ics', 'get')).toContain('from 11 days ago to 44 days ahead (ICAL_PAST_DAYS, ICAL_FUTURE_DAYS)');
  expect(operation('/ical/{site}.ics', 'get')).toContain('at most 777 events (ICAL_MAX_EVENTS: the coming ones first)');
  expect(operation('/scheduler-observations')).toContain('kept 23 s (LCO_CACHE_SECONDS)');
  for (const path of ['/scheduler-observations', '/siteevents']) {
    expect(operation(path)).toContain('for 19 s (UPSTREAM_PAUSE_SECONDS) after failing 3 times in a row');
    expect(operation(path)).toContain('13 requests (UPSTREAM_MAX_IN_FLIGHT)');
  }
  expect(doc.paths['/newevent']!.post!.responses['429']!.description).toContain('at most 321 a minute (RATE_LIMIT_PER_MINUTE)');
  expect(doc.paths['/import-schedules']!.get!.responses['429']!.description).toContain('at most 5 a minute (IMPORT_TRIGGERS_PER_MINUTE)');
  // The defaults are said nowhere.
  expect(texts().filter(([, text]) => /\b(31|62) days\b/.test(text))).toEqual([]);
});

it('does what it says: the window and the reservation length it states are the ones the server keeps to', async () => {
  const eleven = await api.post('/siteevents', { site: 'saf', start: '2030-01-01T00:00:00Z', end: '2030-01-12T00:00:00Z' });
  expect(eleven.status).toBe(400);
  expect(eleven.text).toContain('at most 10 days');
  expect((await api.post('/siteevents', { site: 'saf', start: '2030-01-01T00:00:00Z', end: '2030-01-11T00:00:00Z' })).status).toBe(200);
  const long = await api.post('/newevent', {
    event_id: 'settings-long', site: 'saf', start: '2030-01-01T00:00:00Z', end: '2030-01-01T08:00:00Z', creator: 'Alice', title: 'long',
  }, { authorization: `Bearer ${idp.token({ sub: 'alice', name: 'Alice' })}` });
  expect(long.status).toBe(400);
  expect(long.text).toContain('at most 7 hours');
});
