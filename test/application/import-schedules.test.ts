import type { Schedule, ScheduleQuery } from '../../src/application/ports/lco-client.port.js';
import { ImportSchedules } from '../../src/application/use-cases/import-schedules.js';
import { InMemoryProjectsGateway } from '../../src/adapters/memory/in-memory-projects-gateway.js';
import { InMemoryReservationStore } from '../../src/adapters/memory/in-memory-reservation-store.js';
import { InMemoryScheduleTrackingStore } from '../../src/adapters/memory/in-memory-schedule-tracking-store.js';
import { EnvSiteProxySecrets } from '../../src/adapters/secrets/env-site-proxy-secrets.js';
import type { LcoObservation } from '../../src/domain/lco.js';
import { UnknownSubsiteError } from '../../src/domain/errors.js';
import { FixedClock } from '../support/fixed-clock.js';
import { anObservation } from '../support/lco-fixture.js';
import { ScriptedLco } from '../support/scripted-lco.js';

function setUp() {
  const clock = new FixedClock(Date.parse('2030-01-01T00:00:00Z'));
  const lco = new ScriptedLco();
  const store = new InMemoryReservationStore();
  const projects = new InMemoryProjectsGateway();
  const useCase = new ImportSchedules(
    store, projects, lco, new EnvSiteProxySecrets({ SITE_PROXY_SECRET_MRC: 's' }), new InMemoryScheduleTrackingStore(), clock,
    { lcoSites: { mrc: { '0m31': 'mrc1' } }, windowDays: 21, fullRefreshSeconds: 3600 },
  );
  return { clock, lco, store, projects, useCase };
}

const obs = (id: number, start: string, end: string): LcoObservation =>
  anObservation({ id, name: `O${id}`, site: 'mrc', telescope: '0m31', state: 'PENDING', start, end });

it('skips while last_schedule_time stands still, but refreshes fully once an hour (cancellations do not move it)', async () => {
  const { clock, lco, store, useCase } = setUp();
  lco.observations = [obs(1, '2030-01-02T00:00:00Z', '2030-01-02T01:00:00Z'), obs(2, '2030-01-03T00:00:00Z', '2030-01-03T01:00:00Z')];
  expect((await useCase.execute())[0]).toMatchObject({ status: 'imported', added: ['lco-1', 'lco-2'] });

  lco.observations = [lco.observations[0] as LcoObservation]; // observation 2 cancelled: LCO drops it silently
  clock.set('2030-01-01T00:30:00Z');
  expect((await useCase.execute())[0]).toMatchObject({ status: 'skipped' });
  expect(await store.get('lco-2')).toBeDefined();

  clock.set('2030-01-01T01:00:00Z');
  expect((await useCase.execute())[0]).toMatchObject({ status: 'imported', removed: ['lco-2'], unchanged: 1 });
  expect(await store.get('lco-2')).toBeUndefined();
  expect(lco.reads).toBe(2);
});

it('mirrors only the window [now, now + window days): later observations wait, ended events stay', async () => {
  const { clock, lco, store, useCase } = setUp();
  lco.observations = [obs(1, '2030-01-02T00:00:00Z', '2030-01-02T01:00:00Z'), obs(3, '2030-01-25T00:00:00Z', '2030-01-25T01:00:00Z')];
  expect((await useCase.execute())[0]).toMatchObject({ added: ['lco-1'] });
  clock.set('2030-01-05T00:00:00Z');
  lco.lastScheduled = '2030-01-05T00:00:00Z';
  lco.observations = [obs(3, '2030-01-25T00:00:00Z', '2030-01-25T01:00:00Z')];
  expect((await useCase.execute())[0]).toMatchObject({ added: ['lco-3'], removed: [] });
  expect(await store.get('lco-1')).toBeDefined(); // it ended before the window: history, not touched
});

it('runs never overlap: a second call during a run joins it', async () => {
  const { lco, useCase } = setUp();
  let inFlight = 0;
  let maxInFlight = 0;
  const slow = lco.fetchSchedule.bind(lco);
  lco.fetchSchedule = async (query) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 50));
    inFlight -= 1;
    return slow(query);
  };
  lco.observations = [obs(1, '2030-01-02T00:00:00Z', '2030-01-02T01:00:00Z')];
  const [a, b] = await Promise.all([useCase.execute(), useCase.execute({ subsite: 'mrc1' })]);
  expect(maxInFlight).toBe(1);
  expect(a[0]?.added).toEqual(['lco-1']);
  expect(b).toEqual(a);
  expect(lco.reads).toBe(1);
  // After the run, a call starts a new one (which finds nothing newer).
  expect((await useCase.execute())[0]?.status).toBe('skipped');
});

it('an unknown subsite is refused', async () => {
  const { useCase } = setUp();
  await expect(useCase.execute({ subsite: 'saf' })).rejects.toThrow(UnknownSubsiteError);
});

it('creates projects several at once, and writes each event only after its own project, in order', async () => {
  const { lco, store, projects, useCase } = setUp();
  let running = 0;
  let peak = 0;
  const create = projects.createProject.bind(projects);
  const written: string[] = [];
  projects.createProject = async (project) => {
    running += 1;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 20));
    running -= 1;
    if (project.project_id.startsWith('O7#')) throw new Error('projects service refused it');
    return create(project);
  };
  const commit = store.commit.bind(store);
  store.commit = async (plan) => {
    expect(await projects.getProject(String(plan.after?.project_id))).toBeDefined(); // its project exists already
    written.push(plan.eventId);
    return commit(plan);
  };
  lco.observations = Array.from({ length: 20 }, (_, i) => obs(i + 1, `2030-01-02T${String(i).padStart(2, '0')}:00:00Z`, `2030-01-02T${String(i).padStart(2, '0')}:30:00Z`));
  const [report] = await useCase.execute();
  expect(peak).toBe(8);
  const expected = Array.from({ length: 20 }, (_, i) => `lco-${i + 1}`).filter((id) => id !== 'lco-7');
  expect(written).toEqual(expected);
  expect(report).toMatchObject({ added: expected, errors: ['lco-7: projects service refused it'] });
  expect(await store.get('lco-7')).toBeUndefined();
});

describe('triggers share runs', () => {
  /** An LCO whose schedule reads wait until the test opens the gate. */
  class GatedLco extends ScriptedLco {
    private open!: () => void;
    gate = new Promise<void>((resolve) => (this.open = resolve));
    release(): void {
      this.open();
    }
    override async fetchSchedule(query: ScheduleQuery): Promise<Schedule> {
      await this.gate;
      return super.fetchSchedule(query);
    }
  }

  function gatedSetUp() {
    const lco = new GatedLco();
    const useCase = new ImportSchedules(
      new InMemoryReservationStore(), new InMemoryProjectsGateway(), lco,
      new EnvSiteProxySecrets({ SITE_PROXY_SECRET_MRC: 's' }), new InMemoryScheduleTrackingStore(), new FixedClock(Date.parse('2030-01-01T00:00:00Z')),
      { lcoSites: { mrc: { '0m31': 'mrc1', '0m61': 'mrc2' } }, windowDays: 21, fullRefreshSeconds: 3600 },
    );
    lco.observations = [obs(1, '2030-01-02T00:00:00Z', '2030-01-02T01:00:00Z')];
    return { lco, useCase };
  }

  it('20 triggers while a run is going join it: one read per subsite, the same reports for all', async () => {
    const { lco, useCase } = gatedSetUp();
    const all = Array.from({ length: 20 }, () => useCase.execute());
    const one = useCase.execute({ subsite: 'mrc1' });
    lco.release();
    const answers = await Promise.all(all);
    expect(lco.reads).toBe(2); // mrc1 and mrc2, once
    for (const reports of answers) expect(reports).toEqual(answers[0]);
    expect(answers[0]?.map((r) => r.subsite)).toEqual(['mrc1', 'mrc2']);
    expect(await one).toEqual([answers[0]?.[0]]);
  });

  it('a request the run under way does not cover waits for it, in one shared next run', async () => {
    const { lco, useCase } = gatedSetUp();
    const first = useCase.execute({ subsite: 'mrc2' });
    // Not covered by the mrc2 run: these make one next run, with mrc1 and (from the full trigger) mrc2 again.
    const waiting = [useCase.execute({ subsite: 'mrc1' }), useCase.execute({ subsite: 'mrc1' }), useCase.execute()];
    lco.release();
    expect((await first).map((r) => r.subsite)).toEqual(['mrc2']);
    const [a, b, full] = await Promise.all(waiting);
    expect(a).toEqual(b);
    expect(full?.map((r) => r.subsite)).toEqual(['mrc1', 'mrc2']);
    expect(lco.reads).toBe(2); // mrc2 once, then the next run's mrc1 (mrc2's schedule has not moved: skipped)
    // Nothing is left running: a later trigger starts afresh.
    lco.lastScheduled = '2030-01-01T00:10:00Z';
    expect((await useCase.execute({ subsite: 'mrc1' }))[0]?.status).toBe('imported');
  });

  it('a failed run does not wedge the ones after it', async () => {
    const { lco, useCase } = gatedSetUp();
    lco.release();
    lco.lastScheduleTime = async () => { throw new Error('LCO down'); };
    expect((await useCase.execute())[0]?.status).toBe('failed');
    lco.lastScheduleTime = async () => '2030-01-01T00:00:00Z';
    expect((await useCase.execute())[0]?.status).toBe('imported');
  });
});

it('reports each subsite run to the metrics with its outcome', async () => {
  const { lco, store, projects } = setUp();
  const seen: Array<[string, string]> = [];
  const useCase = new ImportSchedules(
    store, projects, lco, new EnvSiteProxySecrets({ SITE_PROXY_SECRET_MRC: 's' }), new InMemoryScheduleTrackingStore(),
    new FixedClock(Date.parse('2030-01-01T00:00:00Z')),
    { lcoSites: { mrc: { '0m31': 'mrc1' }, aro: { '0m3': 'aro1' } }, windowDays: 21, fullRefreshSeconds: 3600 },
    { importFinished: (subsite, status) => void seen.push([subsite, status]) },
  );
  lco.observations = [obs(1, '2030-01-02T00:00:00Z', '2030-01-02T01:00:00Z')];
  await useCase.execute();
  await useCase.execute();
  expect(seen).toEqual([['mrc1', 'imported'], ['aro1', 'not_configured'], ['mrc1', 'skipped'], ['aro1', 'not_configured']]);
});
