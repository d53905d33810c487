/**
 * The frontend's session replayed (test/fixtures/frontend/session.json: the requests the Photon
 * Ranch frontend and projects service make, their bodies as sent, extra keys included, and the
 * answers CONTRACT.md gives them). Without BOOKING_RULES every answer is the contract's; with rules
 * that none of these bookings reaches, every answer is the same again, byte for byte but for the
 * moment of each write: rules change nothing for callers they do not refuse.
 */
import { readFileSync } from 'node:fs';
import { bearer, SERVICE_KEY, startCalendar, type CalendarUnderTest } from '../support/calendar-server.js';
import { IdentityProvider } from '../support/identity-provider.js';
import { startTogether, stopAll } from '../support/teardown.js';

interface Step {
  readonly name: string;
  readonly path: string;
  readonly as: 'alice' | 'bob' | 'service' | null;
  readonly body: unknown;
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
}

const { steps } = JSON.parse(readFileSync(new URL('../fixtures/frontend/session.json', import.meta.url), 'utf8')) as { steps: Step[] };
const SITES = JSON.stringify({ saf: { name: 'Apache Ridge Observatory', latitude: 35.554, longitude: -105.87, elevation_m: 2134, timezone: 'America/Denver' } });
/** Every rule set, none of them reached by the session (its bookings are years ahead: no ahead or notice rule). */
const GENEROUS = JSON.stringify({
  default: { shortest_minutes: 1, longest_hours: 24, per_night: { hours: 20, bookings: 10 }, per_week: { hours: 100, bookings: 50 }, rolling: { nights: 7, hours: 100, bookings: 50 }, held: { hours: 1000, bookings: 500 } },
});

let idp: IdentityProvider;
beforeAll(async () => {
  [idp] = await startTogether(new IdentityProvider().start());
});
afterAll(() => stopAll(idp));

/** Replays the session, returning each answer with the moments of writes blanked. */
async function replay(api: CalendarUnderTest): Promise<Array<{ status: number; text: string }>> {
  const who: Record<string, Record<string, string>> = {
    alice: bearer(idp.token({ sub: 'google-oauth2|alice', name: 'Alice Example' })),
    bob: bearer(idp.token({ sub: 'google-oauth2|bob', name: 'Bob' })),
    service: { 'x-api-key': SERVICE_KEY },
  };
  const answers = [];
  for (const step of steps) {
    const res = await api.post(step.path, step.body, step.as ? who[step.as] : {});
    answers.push({ status: res.status, text: res.text.replace(/"last_modified":"[^"]*"/g, '"last_modified":"<when>"') });
  }
  return answers;
}

function expectTheContract(answers: Array<{ status: number; text: string }>): void {
  steps.forEach((step, i) => {
    const answer = answers[i]!;
    expect({ step: step.name, status: answer.status }).toEqual({ step: step.name, status: step.status });
    if (typeof step.json === 'object' && step.json !== null) expect(JSON.parse(answer.text)).toMatchObject(step.json);
    else if (step.json !== undefined) expect(JSON.parse(answer.text)).toBe(step.json);
    if (step.text !== undefined) expect(answer.text).toContain(step.text);
  });
}

it('passes unchanged without BOOKING_RULES, and identically under rules it does not reach', async () => {
  const plain = await startCalendar(idp, undefined, { SITES });
  const ruled = await startCalendar(idp, undefined, { SITES, BOOKING_RULES: GENEROUS });
  try {
    const without = await replay(plain);
    expectTheContract(without);
    const under = await replay(ruled);
    expect(under).toEqual(without);
  } finally {
    await stopAll(plain, ruled);
  }
});
