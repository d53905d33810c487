/**
 * The LcoClient contract, run over the scripted fake the import tests use and over HttpLcoClient
 * against the site-proxy stand-in (which filters and pages like the observation portal): the same
 * schedule, the same questions, the same answers. If the fake drifts from the portal's filters, this
 * fails.
 */
import type { LcoClient, ScheduleQuery } from '../../src/application/ports/lco-client.port.js';
import { HttpLcoClient } from '../../src/adapters/lco/http-lco-client.js';
import { IMPORTED_STATES, type LcoObservation } from '../../src/domain/lco.js';
import { anObservation } from '../support/lco-fixture.js';
import { ScriptedLco } from '../support/scripted-lco.js';
import { SiteProxyStandIn } from '../support/site-proxy-stand-in.js';

const SECRET = 'contract-secret';
const WEMAS = ['mrc', 'aro'];

interface Portal {
  readonly client: LcoClient;
  /** Makes `observations` the schedule every WEMA's proxy holds, and sets last_schedule_time per WEMA. */
  seed(observations: LcoObservation[], lastScheduled: Record<string, string>): void;
}

let proxy: SiteProxyStandIn;
beforeAll(async () => {
  proxy = await new SiteProxyStandIn().start();
  // Smaller pages than the client asks for: every answer below spans several pages.
  proxy.maxPageSize = 2;
  for (const wema of WEMAS) proxy.secrets.set(wema, SECRET);
});
afterAll(() => proxy.stop());

const portals: Array<[string, () => Portal]> = [
  ['scripted fake', () => {
    const fake = new ScriptedLco();
    return {
      client: fake,
      seed: (observations, lastScheduled) => {
        fake.observations = observations;
        fake.lastScheduled = undefined;
        fake.lastScheduledByWema.clear();
        for (const [wema, time] of Object.entries(lastScheduled)) fake.lastScheduledByWema.set(wema, time);
      },
    };
  }],
  ['HttpLcoClient on the site-proxy stand-in', () => ({
    client: new HttpLcoClient({ urlTemplate: proxy.urlTemplate, retries: 0 }),
    seed: (observations, lastScheduled) => {
      proxy.lastScheduled.clear();
      for (const wema of WEMAS) proxy.observations.set(wema, observations);
      for (const [wema, time] of Object.entries(lastScheduled)) proxy.lastScheduled.set(wema, time);
    },
  })],
];

const window = { start: '2030-03-10T00:00:00Z', end: '2030-03-12T00:00:00Z' };
const at = (id: number, start: string, end: string, more: Partial<LcoObservation> = {}): LcoObservation =>
  anObservation({ id, site: 'mrc', telescope: '0m31', state: 'PENDING', start, end, ...more });

/** A schedule with one observation on each side of every filter. */
const SCHEDULE: LcoObservation[] = [
  at(1, '2030-03-10T04:00:00Z', '2030-03-10T05:00:00Z'),
  at(2, '2030-03-11T04:00:00Z', '2030-03-11T05:00:00Z', { state: 'IN_PROGRESS' }),
  at(3, '2030-03-11T06:00:00Z', '2030-03-11T07:00:00Z', { state: 'COMPLETED' }),
  at(4, '2030-03-11T04:00:00Z', '2030-03-11T05:00:00Z', { telescope: '0m61' }),
  at(5, '2030-03-11T04:00:00Z', '2030-03-11T05:00:00Z', { site: 'aro', telescope: '0m3' }),
  // Crossing the window's edges: in.
  at(6, '2030-03-09T23:30:00Z', '2030-03-10T00:30:00Z'),
  at(7, '2030-03-11T23:30:00Z', '2030-03-12T00:30:00Z'),
  // Touching the window's edges from outside: out (end_after and start_before are strict).
  at(8, '2030-03-09T23:00:00Z', '2030-03-10T00:00:00Z'),
  at(9, '2030-03-12T00:00:00Z', '2030-03-12T01:00:00Z'),
  at(10, '2030-03-13T04:00:00Z', '2030-03-13T05:00:00Z'),
  at(11, '2030-03-10T08:00:00Z', '2030-03-10T09:00:00Z'),
];

const ids = async (client: LcoClient, query: Partial<ScheduleQuery>): Promise<number[]> => {
  const schedule = await client.fetchSchedule({ wema: 'mrc', telescope: '0m31', window, states: IMPORTED_STATES, ...query }, SECRET);
  expect(schedule.invalid).toEqual([]);
  return schedule.observations.map((o) => o.id).sort((a, b) => a - b);
};

describe.each(portals)('LcoClient contract: %s', (_name, make) => {
  let portal: Portal;
  beforeEach(() => {
    portal = make();
    portal.seed(SCHEDULE, { mrc: '2030-03-09T12:00:00Z' });
  });

  it('answers the WEMA and telescope asked for, in the window, in the states asked for, from every page', async () => {
    expect(await ids(portal.client, {})).toEqual([1, 2, 6, 7, 11]);
  });

  it('filters by site: another WEMA asked gets only its own observations', async () => {
    expect(await ids(portal.client, { wema: 'aro', telescope: '0m3' })).toEqual([5]);
  });

  it('filters by telescope', async () => {
    expect(await ids(portal.client, { telescope: '0m61' })).toEqual([4]);
  });

  it('filters by state: only the states asked for', async () => {
    expect(await ids(portal.client, { states: ['COMPLETED'] })).toEqual([3]);
    expect(await ids(portal.client, { states: ['PENDING', 'IN_PROGRESS', 'COMPLETED'] })).toEqual([1, 2, 3, 6, 7, 11]);
  });

  it('filters by window: overlapping observations only, edges exclusive', async () => {
    expect(await ids(portal.client, { window: { start: '2030-03-10T04:30:00Z', end: '2030-03-10T08:00:00Z' } })).toEqual([1]);
    expect(await ids(portal.client, { window: { start: '2030-03-13T00:00:00Z', end: '2030-03-14T00:00:00Z' } })).toEqual([10]);
    expect(await ids(portal.client, { window: { start: '2030-03-14T00:00:00Z', end: '2030-03-15T00:00:00Z' } })).toEqual([]);
  });

  it('returns the observations as the portal sent them', async () => {
    const schedule = await portal.client.fetchSchedule({ wema: 'mrc', telescope: '0m31', window, states: IMPORTED_STATES }, SECRET);
    expect(schedule.observations.find((o) => o.id === 2)).toEqual(SCHEDULE[1]);
  });

  it("gives each WEMA's last_schedule_time, or undefined when it has none", async () => {
    expect(await portal.client.lastScheduleTime('mrc', SECRET)).toBe('2030-03-09T12:00:00Z');
    expect(await portal.client.lastScheduleTime('aro', SECRET)).toBeUndefined();
  });
});
