/**
 * What stands between the anonymous read-through routes and the services they read through (an LCO
 * site proxy, the projects service): identical calls in flight are made once and shared, answers may
 * be kept a short while, and a service that keeps failing is paused (a circuit breaker), so callers
 * are answered at once instead of each waiting out its timeout. How many such requests run at once is
 * bounded at the HTTP edge (UPSTREAM_MAX_IN_FLIGHT); with that bound, these make the calls bounded too.
 */
import { UpstreamUnavailableError } from '../domain/errors.js';
import type { Clock } from './ports/clock.port.js';
import type { LcoClient, Schedule, ScheduleQuery } from './ports/lco-client.port.js';
import type { ProjectsGateway } from './ports/projects-gateway.port.js';

/** Failures in a row that pause a service. */
export const FAILURES_TO_PAUSE = 3;

/**
 * A circuit breaker: after FAILURES_TO_PAUSE failures in a row (UpstreamUnavailableError: timeouts,
 * refused connections, 5xx, malformed answers), the service is not asked for `pauseMs`, and each
 * call fails at once saying so. Then one call tries it: a success closes the circuit, a failure
 * pauses it again; calls meanwhile fail at once too.
 */
export class CircuitBreaker {
  private failures = 0;
  private pausedUntil = 0;
  private trying = false;

  /** `service` names it for a reader ("The mrc site proxy"): never an address or a secret. */
  constructor(private readonly clock: Clock, private readonly pauseMs: number, private readonly service: string) {}

  async run<T>(call: () => Promise<T>): Promise<T> {
    let trial = false;
    if (this.failures >= FAILURES_TO_PAUSE) {
      const now = this.clock.now();
      if (now < this.pausedUntil || this.trying) {
        const seconds = Math.max(1, Math.ceil((this.pausedUntil - now) / 1000));
        throw new UpstreamUnavailableError(
          `${this.service} failed ${FAILURES_TO_PAUSE} times in a row; it is not asked again for ${seconds} s.`, { retryAfterSeconds: seconds });
      }
      this.trying = trial = true;
    }
    try {
      const value = await call();
      this.failures = 0;
      return value;
    } catch (error) {
      if (error instanceof UpstreamUnavailableError) {
        this.failures += 1;
        if (this.failures >= FAILURES_TO_PAUSE) this.pausedUntil = this.clock.now() + this.pauseMs;
      }
      throw error;
    } finally {
      if (trial) this.trying = false;
    }
  }
}

interface SharedCallsOptions<T> {
  /** How long an answer is kept; 0: answers are only shared while their call is in flight. */
  readonly keepMs: number;
  /** The most answers kept, and their most total weight: the oldest go first. */
  readonly maxEntries: number;
  readonly maxWeight: number;
  readonly weigh: (value: T) => number;
}

/**
 * Calls by key: a call whose key is in flight joins it, and an answer kept less than `keepMs` ago is
 * answered again. Failures are never kept. The key must be made from the normalised request alone
 * (never text as a client spelled it), so that no client can make two keys of one question.
 */
export class SharedCalls<T> {
  private readonly inFlight = new Map<string, Promise<T>>();
  private readonly kept = new Map<string, { readonly value: T; readonly until: number; readonly weight: number }>();
  private keptWeight = 0;

  constructor(private readonly clock: Clock, private readonly options: SharedCallsOptions<T>) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const kept = this.kept.get(key);
    if (kept && kept.until > this.clock.now()) return Promise.resolve(kept.value);
    if (kept) this.forget(key);
    const running = this.inFlight.get(key);
    if (running) return running;
    const call = load().then((value) => {
      this.keep(key, value);
      return value;
    }).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, call);
    return call;
  }

  /** Answers kept now (for tests). */
  get size(): number {
    return this.kept.size;
  }

  private keep(key: string, value: T): void {
    const { keepMs, maxEntries, maxWeight } = this.options;
    if (keepMs <= 0) return;
    const weight = this.options.weigh(value);
    if (weight > maxWeight) return;
    this.forget(key);
    const now = this.clock.now();
    for (const [old, entry] of this.kept) {
      if (entry.until > now && this.kept.size < maxEntries && this.keptWeight + weight <= maxWeight) break;
      this.forget(old);
    }
    this.kept.set(key, { value, until: now + keepMs, weight });
    this.keptWeight += weight;
  }

  private forget(key: string): void {
    const entry = this.kept.get(key);
    if (!entry) return;
    this.kept.delete(key);
    this.keptWeight -= entry.weight;
  }
}

export interface ReadThroughSettings {
  /** How long an LCO schedule answer is kept (LCO_CACHE_SECONDS); 0: not kept. */
  readonly lcoKeepSeconds: number;
  /** How long a service that kept failing is not asked (UPSTREAM_PAUSE_SECONDS). */
  readonly pauseSeconds: number;
}

/** Schedules kept at most, and observations in them at most (each is a few kilobytes in memory). */
const MAX_KEPT_SCHEDULES = 256;
const MAX_KEPT_OBSERVATIONS = 20_000;

/**
 * An LcoClient for the read-through route: schedule reads shared and kept by their question (WEMA,
 * telescope, canonical window, states in order), each WEMA's site proxy behind its own breaker. The
 * import does not use it (see adapter-modules.ts).
 */
export class GuardedLcoClient implements LcoClient {
  private readonly schedules: SharedCalls<Schedule>;
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(private readonly lco: LcoClient, private readonly clock: Clock, private readonly settings: ReadThroughSettings) {
    this.schedules = new SharedCalls(clock, {
      keepMs: settings.lcoKeepSeconds * 1000, maxEntries: MAX_KEPT_SCHEDULES, maxWeight: MAX_KEPT_OBSERVATIONS,
      weigh: (schedule) => 1 + schedule.observations.length + schedule.invalid.length,
    });
  }

  fetchSchedule(query: ScheduleQuery, secret: string): Promise<Schedule> {
    const key = JSON.stringify([query.wema, query.telescope, query.window.start, query.window.end, [...query.states].sort()]);
    return this.schedules.get(key, () => this.breaker(query.wema).run(() => this.lco.fetchSchedule(query, secret)));
  }

  lastScheduleTime(wema: string, secret: string): Promise<string | undefined> {
    return this.breaker(wema).run(() => this.lco.lastScheduleTime(wema, secret));
  }

  /** One per WEMA: the WEMAs come from the configuration (LCO_SITES), never from a client. */
  private breaker(wema: string): CircuitBreaker {
    let breaker = this.breakers.get(wema);
    if (!breaker) this.breakers.set(wema, breaker = new CircuitBreaker(this.clock, this.settings.pauseSeconds * 1000, `The ${wema} site proxy`));
    return breaker;
  }
}

/**
 * A ProjectsGateway for the read-through route (`/siteevents` with project details): look-ups of one
 * project in flight shared, the service behind a breaker. Answers are not kept: projects change.
 */
export class GuardedProjectsGateway implements ProjectsGateway {
  private readonly lookUps: SharedCalls<unknown>;
  private readonly breaker: CircuitBreaker;

  constructor(private readonly projects: ProjectsGateway, clock: Clock, settings: ReadThroughSettings) {
    this.lookUps = new SharedCalls(clock, { keepMs: 0, maxEntries: 0, maxWeight: 0, weigh: () => 0 });
    this.breaker = new CircuitBreaker(clock, settings.pauseSeconds * 1000, 'The projects service');
  }

  getProject(projectId: string): Promise<unknown | undefined> {
    return this.lookUps.get(projectId, () => this.breaker.run(() => this.projects.getProject(projectId)));
  }

  createProject(project: Readonly<Record<string, unknown>> & { project_id: string }): Promise<void> {
    return this.breaker.run(() => this.projects.createProject(project));
  }

  deleteProjects(projectIds: readonly string[]): Promise<void> {
    return this.breaker.run(() => this.projects.deleteProjects(projectIds));
  }
}
