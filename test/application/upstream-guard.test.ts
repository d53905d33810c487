/**
 * The guards of the read-through routes (upstream-guard.ts): the circuit breaker, shared and kept
 * calls, and the guarded LCO and projects clients, on a fixed clock; and the scheduler-observations
 * use case asking LCO one question for all windows within the same UTC days.
 */
import type { LcoClient, Schedule, ScheduleQuery } from '../../src/application/ports/lco-client.port.js';
import type { ProjectsGateway } from '../../src/application/ports/projects-gateway.port.js';
import { CircuitBreaker, FAILURES_TO_PAUSE, GuardedLcoClient, GuardedProjectsGateway, SharedCalls } from '../../src/application/upstream-guard.js';
import { ListSchedulerObservations } from '../../src/application/use-cases/list-scheduler-observations.js';
import { EnvSiteProxySecrets } from '../../src/adapters/secrets/env-site-proxy-secrets.js';
import { UpstreamUnavailableError } from '../../src/domain/errors.js';
import { wholeUtcDays } from '../../src/domain/window.js';
import { FixedClock } from '../support/fixed-clock.js';
import { anObservation } from '../support/lco-fixture.js';
import { ScriptedLco } from '../support/scripted-lco.js';

const down = (): Promise<never> => Promise.reject(new UpstreamUnavailableError('The mrc site proxy could not be reached.'));
const later = <T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } => {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe('CircuitBreaker', () => {
  it(`after ${FAILURES_TO_PAUSE} failures in a row, fails at once for the pause, naming the service, with when to retry`, async () => {
    const clock = new FixedClock();
    const breaker = new CircuitBreaker(clock, 15_000, 'The mrc site proxy');
    let calls = 0;
    const failing = (): Promise<never> => {
      calls += 1;
      return down();
    };
    for (let i = 0; i < FAILURES_TO_PAUSE; i++) await expect(breaker.run(failing)).rejects.toThrow('could not be reached');
    expect(calls).toBe(FAILURES_TO_PAUSE);
    const paused = await breaker.run(failing).catch((e: unknown) => e);
    expect(calls).toBe(FAILURES_TO_PAUSE);
    expect(paused).toBeInstanceOf(UpstreamUnavailableError);
    expect((paused as Error).message).toBe('The mrc site proxy failed 3 times in a row; it is not asked again for 15 s.');
    expect((paused as UpstreamUnavailableError).retryAfterSeconds).toBe(15);
    clock.set('2025-06-01T00:00:10Z');
    expect(((await breaker.run(failing).catch((e: unknown) => e)) as UpstreamUnavailableError).retryAfterSeconds).toBe(5);
    expect(calls).toBe(FAILURES_TO_PAUSE);
  });

  it('after the pause one call tries the service (others still fail at once); its success closes the circuit, its failure pauses again', async () => {
    const clock = new FixedClock();
    const breaker = new CircuitBreaker(clock, 10_000, 'The projects service');
    for (let i = 0; i < FAILURES_TO_PAUSE; i++) await breaker.run(down).catch(() => undefined);
    clock.set('2025-06-01T00:00:11Z');
    const trial = later<string>();
    const trying = breaker.run(() => trial.promise);
    await expect(breaker.run(async () => 'second')).rejects.toThrow('The projects service failed 3 times in a row; it is not asked again for 1 s.');
    trial.reject(new UpstreamUnavailableError('The projects service answered 500.'));
    await expect(trying).rejects.toThrow('answered 500');
    await expect(breaker.run(async () => 'paused')).rejects.toThrow('not asked again for 10 s');

    clock.set('2025-06-01T00:00:22Z');
    expect(await breaker.run(async () => 'back')).toBe('back');
    expect(await breaker.run(async () => 'closed')).toBe('closed');
    // Closed again: it takes FAILURES_TO_PAUSE new failures to pause it.
    await breaker.run(down).catch(() => undefined);
    expect(await breaker.run(async () => 'still closed')).toBe('still closed');
  });

  it('counts only the service failing: other errors pass through and do not pause it', async () => {
    const breaker = new CircuitBreaker(new FixedClock(), 10_000, 'The projects service');
    for (let i = 0; i < 5; i++) await expect(breaker.run(() => Promise.reject(new TypeError('bug')))).rejects.toThrow('bug');
    expect(await breaker.run(async () => 1)).toBe(1);
  });
});

describe('SharedCalls', () => {
  const options = { keepMs: 30_000, maxEntries: 3, maxWeight: 10, weigh: (v: number) => v };

  it('makes one call for every caller of a key while it is in flight, and shares its failure without keeping it', async () => {
    const shared = new SharedCalls<number>(new FixedClock(), options);
    const pending = later<number>();
    let loads = 0;
    const load = (): Promise<number> => {
      loads += 1;
      return pending.promise;
    };
    const callers = [shared.get('k', load), shared.get('k', load), shared.get('k', load)];
    pending.reject(new UpstreamUnavailableError('down'));
    for (const caller of callers) await expect(caller).rejects.toThrow('down');
    expect(loads).toBe(1);
    expect(await shared.get('k', async () => 7)).toBe(7);
  });

  it('keeps an answer for keepMs, then asks again', async () => {
    const clock = new FixedClock();
    const shared = new SharedCalls<number>(clock, options);
    let loads = 0;
    const load = async (): Promise<number> => ++loads;
    expect(await shared.get('k', load)).toBe(1);
    clock.set('2025-06-01T00:00:29Z');
    expect(await shared.get('k', load)).toBe(1);
    clock.set('2025-06-01T00:00:30Z');
    expect(await shared.get('k', load)).toBe(2);
  });

  it('keeps at most maxEntries answers and maxWeight in all, forgetting the oldest first; an answer over the weight is not kept', async () => {
    const shared = new SharedCalls<number>(new FixedClock(), options);
    for (const key of ['a', 'b', 'c', 'd']) await shared.get(key, async () => 1);
    expect(shared.size).toBe(3);
    let asked: string[] = [];
    const load = (key: string) => async (): Promise<number> => {
      asked.push(key);
      return 1;
    };
    for (const key of ['b', 'c', 'd', 'a']) await shared.get(key, load(key));
    expect(asked).toEqual(['a']); // a was forgotten, and asking for it again forgot b
    await shared.get('heavy', async () => 9); // weight 9 of 10: c and d go, a stays
    expect(shared.size).toBe(2);
    asked = [];
    await shared.get('a', load('a'));
    await shared.get('c', load('c'));
    expect(asked).toEqual(['c']);
    await shared.get('too heavy', async () => 11);
    expect(shared.size).toBeLessThanOrEqual(3);
    asked = [];
    await shared.get('too heavy', load('too heavy'));
    expect(asked).toEqual(['too heavy']);
  });

  it('with keepMs 0 it only shares calls in flight', async () => {
    const shared = new SharedCalls<number>(new FixedClock(), { ...options, keepMs: 0 });
    let loads = 0;
    await shared.get('k', async () => ++loads);
    await shared.get('k', async () => ++loads);
    expect(loads).toBe(2);
    expect(shared.size).toBe(0);
  });
});

/** An LcoClient that counts the questions asked, each answered after `answer` resolves. */
class CountingLco implements LcoClient {
  readonly asked: ScheduleQuery[] = [];
  failing = false;

  async fetchSchedule(query: ScheduleQuery): Promise<Schedule> {
    this.asked.push(query);
    if (this.failing) throw new UpstreamUnavailableError(`The ${query.wema} site proxy could not be reached.`);
    return { observations: [], invalid: [] };
  }

  async lastScheduleTime(): Promise<string | undefined> {
    return undefined;
  }
}

describe('GuardedLcoClient', () => {
  const query = (wema: string, states: string[]): ScheduleQuery => ({
    wema, telescope: '0m31', window: { start: '2030-01-01T00:00:00Z', end: '2030-01-02T00:00:00Z' }, states,
  });

  it('asks one question once however its states are ordered, and keeps the answer for the settings seconds', async () => {
    const clock = new FixedClock();
    const lco = new CountingLco();
    const guarded = new GuardedLcoClient(lco, clock, { lcoKeepSeconds: 30, pauseSeconds: 15 });
    await Promise.all([guarded.fetchSchedule(query('mrc', ['PENDING', 'COMPLETED']), 's'), guarded.fetchSchedule(query('mrc', ['COMPLETED', 'PENDING']), 's')]);
    await guarded.fetchSchedule(query('mrc', ['PENDING', 'COMPLETED']), 's');
    expect(lco.asked).toHaveLength(1);
    await guarded.fetchSchedule(query('aro', ['PENDING', 'COMPLETED']), 's');
    expect(lco.asked).toHaveLength(2);
    clock.set('2025-06-01T00:00:31Z');
    await guarded.fetchSchedule(query('mrc', ['PENDING', 'COMPLETED']), 's');
    expect(lco.asked).toHaveLength(3);
  });

  it("pauses each WEMA's site proxy on its own failures", async () => {
    const lco = new CountingLco();
    const guarded = new GuardedLcoClient(lco, new FixedClock(), { lcoKeepSeconds: 0, pauseSeconds: 15 });
    lco.failing = true;
    for (let i = 0; i < FAILURES_TO_PAUSE; i++) await guarded.fetchSchedule(query('mrc', ['PENDING']), 's').catch(() => undefined);
    lco.failing = false;
    await expect(guarded.fetchSchedule(query('mrc', ['PENDING']), 's')).rejects.toThrow('The mrc site proxy failed 3 times in a row; it is not asked again for 15 s.');
    await expect(guarded.fetchSchedule(query('aro', ['PENDING']), 's')).resolves.toEqual({ observations: [], invalid: [] });
    expect(lco.asked.map((q) => q.wema)).toEqual(['mrc', 'mrc', 'mrc', 'aro']);
  });
});

describe('GuardedProjectsGateway', () => {
  it('shares the look-ups of one project in flight, keeps no answer, and pauses a failing service', async () => {
    const asked: string[] = [];
    let answer = later<unknown>();
    const projects: ProjectsGateway = {
      getProject: (id) => {
        asked.push(id);
        return answer.promise;
      },
      createProject: async () => undefined,
      deleteProjects: async () => undefined,
    };
    const guarded = new GuardedProjectsGateway(projects, new FixedClock(), { lcoKeepSeconds: 30, pauseSeconds: 15 });
    const both = Promise.all([guarded.getProject('P#1'), guarded.getProject('P#1'), guarded.getProject('Q#1')]);
    answer.resolve({ name: 'p' });
    expect(await both).toEqual([{ name: 'p' }, { name: 'p' }, { name: 'p' }]);
    expect(asked).toEqual(['P#1', 'Q#1']);
    answer = later<unknown>();
    answer.reject(new UpstreamUnavailableError('The projects service could not be reached.'));
    for (let i = 0; i < FAILURES_TO_PAUSE; i++) await guarded.getProject(`P#${i}`).catch(() => undefined);
    await expect(guarded.getProject('P#1')).rejects.toThrow('The projects service failed 3 times in a row; it is not asked again for 15 s.');
    expect(asked).toHaveLength(2 + FAILURES_TO_PAUSE);
  });
});

describe('wholeUtcDays', () => {
  it.each([
    ['2030-01-01T00:00:00Z', '2030-01-02T00:00:00Z', '2030-01-01T00:00:00Z', '2030-01-02T00:00:00Z'],
    ['2030-01-01T05:00:00Z', '2030-01-01T06:00:00Z', '2030-01-01T00:00:00Z', '2030-01-02T00:00:00Z'],
    ['2029-12-31T23:59:59Z', '2030-01-01T00:00:01Z', '2029-12-31T00:00:00Z', '2030-01-02T00:00:00Z'],
    ['1969-12-31T12:00:00Z', '1970-01-01T00:00:00Z', '1969-12-31T00:00:00Z', '1970-01-01T00:00:00Z'],
    ['9999-12-31T10:00:00Z', '9999-12-31T23:59:59Z', '9999-12-31T00:00:00Z', '9999-12-31T23:59:59Z'],
  ])('[%s, %s) lies in [%s, %s)', (start, end, dayStart, dayEnd) => {
    expect(wholeUtcDays({ start, end })).toEqual({ start: dayStart, end: dayEnd });
  });
});

describe('ListSchedulerObservations asks LCO in whole UTC days', () => {
  const limits = { maxWindowSeconds: 62 * 86_400, maxEvents: 2000 };
  const settings = { lcoSites: { mrc: { '0m31': 'mrc1' } }, windowDays: 21, fullRefreshSeconds: 3600 };

  it('one question for every window and spelling within the same days; each answer is cut to its own window', async () => {
    const lco = new ScriptedLco();
    lco.observations = [
      anObservation({ id: 1, site: 'mrc', telescope: '0m31', state: 'PENDING', start: '2030-03-10T01:00:00.250Z', end: '2030-03-10T02:00:00Z' }),
      anObservation({ id: 2, site: 'mrc', telescope: '0m31', state: 'COMPLETED', start: '2030-03-10T20:00:00Z', end: '2030-03-10T21:00:00Z' }),
    ];
    const guarded = new GuardedLcoClient(lco, new FixedClock(), { lcoKeepSeconds: 30, pauseSeconds: 15 });
    const list = new ListSchedulerObservations(guarded, new EnvSiteProxySecrets({ SITE_PROXY_SECRET_MRC: 'x' }), settings, limits);
    const ids = async (start: string, end: string): Promise<string[]> => (await list.execute({ site: 'mrc1', start, end })).map((v) => v.id);
    expect(await ids('2030-03-10T00:00:00Z', '2030-03-11T00:00:00Z')).toEqual(['1', '2']);
    expect(await ids('2030-03-10T00:00Z', '2030-03-10T23:59:59.999Z')).toEqual(['1', '2']);
    expect(await ids('2030-03-09T17:00:00-07:00', '2030-03-10T03:00:00-07:00')).toEqual(['1']);
    expect(await ids('2030-03-10T02:00:00Z', '2030-03-10T20:00:00Z')).toEqual([]);
    expect(await ids('2030-03-10T01:00:00Z', '2030-03-10T01:00:01Z')).toEqual(['1']);
    expect(lco.reads).toBe(1);
    expect(await ids('2030-03-10T20:30:00Z', '2030-03-11T00:00:01Z')).toEqual(['2']);
    expect(lco.reads).toBe(2);
  });
});
