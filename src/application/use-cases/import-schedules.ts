import { findConflicts } from '../../domain/conflicts.js';
import { ReservationNotFoundError, UnknownSubsiteError } from '../../domain/errors.js';
import { LCO_IMPORT } from '../../domain/history.js';
import { findSubsite, IMPORTED_STATES, subsitesOf, type LcoObservation, type Subsite } from '../../domain/lco.js';
import { importObservations, planSync } from '../../domain/lco-import.js';
import { isLcoOrigin, NO_PROJECT, type Reservation } from '../../domain/reservation.js';
import { addSeconds, toEpochSeconds, utcTimeFromMillis } from '../../domain/time.js';
import { planImport, planRemoval } from '../../domain/write-plan.js';
import { commitPlanned } from '../commit-planned.js';
import type { Clock } from '../ports/clock.port.js';
import type { LcoClient } from '../ports/lco-client.port.js';
import { NO_METRICS, type Metrics } from '../ports/metrics.port.js';
import type { ProjectsGateway } from '../ports/projects-gateway.port.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';
import type { ScheduleTracking, ScheduleTrackingStore } from '../ports/schedule-tracking-store.port.js';
import type { SiteProxySecrets } from '../ports/site-proxy-secrets.port.js';
import { settleWithConcurrency } from '../concurrency.js';
import type { ImportSettings } from '../settings.js';

/** Projects created at once during an import. */
const PROJECT_WRITE_CONCURRENCY = 8;

export interface SubsiteReport {
  subsite: string;
  status: 'imported' | 'skipped' | 'not_configured' | 'failed';
  /** Why the subsite was skipped or failed. */
  reason?: string;
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: number;
  /** Imported events that overlap users' reservations (LCO wins; listed so someone can act). */
  overlaps: Array<{ event_id: string; overlaps: string[] }>;
  /** Observations that failed validation, skipped. */
  invalid: Array<{ id: unknown; reason: string }>;
  errors: string[];
  /** Calendar and project writes made. */
  writes: number;
}

/** One import run: the subsites it covers and, once it is under way, its reports. */
interface Run {
  readonly subsites: Subsite[];
  readonly names: Set<string>;
  reports: Promise<SubsiteReport[]>;
}

/**
 * The LCO import: keeps each subsite's imported events an exact mirror of LCO's schedule in
 * `[now, now + window)`. Runs never overlap, and they are shared: a request for subsites that the run
 * under way (or the one waiting for it) covers joins that run and gets its reports, so any number of
 * triggers cost one run. A request the current run does not cover is added to the one waiting run.
 */
export class ImportSchedules {
  private current?: Run;
  /** Not started yet: more subsites may still join it. */
  private next?: Run;

  constructor(
    private readonly store: ReservationStore,
    private readonly projects: ProjectsGateway,
    private readonly lco: LcoClient,
    private readonly secrets: SiteProxySecrets,
    private readonly tracking: ScheduleTrackingStore,
    private readonly clock: Clock,
    private readonly settings: ImportSettings,
    private readonly metrics: Metrics = NO_METRICS,
  ) {}

  /** Imports every configured subsite, or just `subsite`; the reports are those of the subsites asked for. */
  async execute(input: { subsite?: string } = {}): Promise<SubsiteReport[]> {
    const wanted = input.subsite === undefined ? subsitesOf(this.settings.lcoSites) : [this.subsite(input.subsite)];
    const names = new Set(wanted.map((s) => s.ptrSite));
    const reports = await this.runCovering(wanted).reports;
    return reports.filter((r) => names.has(r.subsite));
  }

  private runCovering(wanted: Subsite[]): Run {
    const covers = (run: Run): boolean => wanted.every((s) => run.names.has(s.ptrSite));
    const { current, next } = this;
    if (current && covers(current)) return current;
    if (next) {
      for (const subsite of wanted) {
        if (!next.names.has(subsite.ptrSite)) next.subsites.push(subsite);
        next.names.add(subsite.ptrSite);
      }
      return next;
    }
    const run: Run = { subsites: [...wanted], names: new Set(wanted.map((s) => s.ptrSite)), reports: Promise.resolve([]) };
    const previous = current;
    if (previous) this.next = run;
    else this.current = run;
    run.reports = (previous ? previous.reports.catch(() => undefined) : Promise.resolve()).then(() => {
      this.current = run;
      if (this.next === run) this.next = undefined;
      // In configuration order, whatever order the requests that joined it came in.
      const order = subsitesOf(this.settings.lcoSites).map((s) => s.ptrSite);
      return this.importAll([...run.subsites].sort((a, b) => order.indexOf(a.ptrSite) - order.indexOf(b.ptrSite)));
    });
    const done = (): void => {
      if (this.current === run) this.current = undefined;
    };
    run.reports.then(done, done);
    return run;
  }

  private subsite(name: string): Subsite {
    const found = findSubsite(this.settings.lcoSites, name);
    if (!found) throw new UnknownSubsiteError(name, subsitesOf(this.settings.lcoSites).map((s) => s.ptrSite));
    return found;
  }

  private async importAll(subsites: Subsite[]): Promise<SubsiteReport[]> {
    const lastScheduled = new Map<string, Promise<string | undefined>>();
    const reports: SubsiteReport[] = [];
    for (const subsite of subsites) {
      const started = this.clock.now();
      const report = await this.importSubsite(subsite, lastScheduled);
      this.metrics.importFinished(report.subsite, report.status, (this.clock.now() - started) / 1000);
      reports.push(report);
    }
    return reports;
  }

  private async importSubsite(subsite: Subsite, lastScheduledByWema: Map<string, Promise<string | undefined>>): Promise<SubsiteReport> {
    const report: SubsiteReport = {
      subsite: subsite.ptrSite, status: 'imported', added: [], updated: [], removed: [], unchanged: 0, overlaps: [], invalid: [], errors: [], writes: 0,
    };
    const secret = await this.secrets.secretFor(subsite.wema);
    if (!secret) {
      return { ...report, status: 'not_configured', reason: `no site-proxy secret is configured for ${subsite.wema} (set ${this.secrets.whereToSet(subsite.wema)})` };
    }

    const now = utcTimeFromMillis(this.clock.now());
    const window = { start: now, end: addSeconds(now, this.settings.windowDays * 86_400) };
    const tracked = await this.tracking.get(subsite.ptrSite);
    let lastScheduled: string | undefined;
    let observations: LcoObservation[];
    try {
      if (!lastScheduledByWema.has(subsite.wema)) lastScheduledByWema.set(subsite.wema, this.lco.lastScheduleTime(subsite.wema, secret));
      lastScheduled = await lastScheduledByWema.get(subsite.wema);
      const pending = tracked?.pending_project_deletions ?? [];
      const fullRefreshDue = !tracked?.last_full_refresh
        || toEpochSeconds(now) - toEpochSeconds(tracked.last_full_refresh) >= this.settings.fullRefreshSeconds;
      const newer = lastScheduled === undefined || tracked?.last_schedule_time === undefined
        || Date.parse(lastScheduled) > Date.parse(tracked.last_schedule_time);
      if (!newer && !fullRefreshDue && pending.length === 0) {
        return { ...report, status: 'skipped', reason: 'no schedule newer than the last import' };
      }
      const schedule = await this.lco.fetchSchedule({ wema: subsite.wema, telescope: subsite.telescope, window, states: IMPORTED_STATES }, secret);
      report.invalid.push(...schedule.invalid);
      observations = schedule.observations.filter((o) => {
        const ours = o.site === subsite.wema && o.telescope === subsite.telescope;
        if (!ours) report.invalid.push({ id: o.id, reason: `belongs to ${o.site}/${o.telescope}, not ${subsite.wema}/${subsite.telescope}` });
        return ours;
      });
    } catch (error) {
      // Nothing is changed for a subsite whose schedule could not be read in full.
      return { ...report, status: 'failed', reason: (error as Error).message, errors: [(error as Error).message] };
    }

    const orphans = await this.apply(subsite, observations, window, now, report);
    await this.deleteProjects(subsite, tracked, orphans, report, lastScheduled, now);
    return report;
  }

  /** Applies the sync plan; returns the ids of projects no imported event points at any more. */
  private async apply(subsite: Subsite, observations: LcoObservation[], window: { start: string; end: string }, now: string, report: SubsiteReport): Promise<string[]> {
    const { imported, invalid } = importObservations(observations, subsite.ptrSite, now, window);
    report.invalid.push(...invalid);
    const desired = imported.map((i) => i.event);
    const existing = (await this.store.findOverlapping(subsite.ptrSite, window)).items;
    const plan = planSync(imported, existing, window);
    report.unchanged = plan.unchanged.length;
    const stillWanted = new Set(desired.map((e) => e.project_id));
    const orphans: string[] = [];

    const writes = [...plan.add.map((next) => ({ next, previous: undefined as Reservation | undefined })), ...plan.update];
    // The projects service is a remote call: projects are created several at once. Each event is
    // written, in order, only once its own project exists: no event points at a missing project.
    const projectsCreated = settleWithConcurrency(writes.map(({ next }) => () => this.projects.createProject(next.project)), PROJECT_WRITE_CONCURRENCY);
    for (const [i, { next: { event: next }, previous }] of writes.entries()) {
      try {
        const created = await projectsCreated[i]!;
        if (created.status === 'rejected') throw created.reason;
        report.writes += 1;
        await commitPlanned(this.store, next.event_id, (state) => planImport(state, next));
        report.writes += 1;
        (previous ? report.updated : report.added).push(next.event_id);
        if (previous && previous.project_id !== next.project_id && !stillWanted.has(previous.project_id)) orphans.push(previous.project_id);
      } catch (error) {
        report.errors.push(`${next.event_id}: ${(error as Error).message}`);
      }
    }
    for (const gone of plan.remove) {
      await this.remove(gone.event_id);
      report.writes += 1;
      report.removed.push(gone.event_id);
      if (gone.project_id !== NO_PROJECT && !stillWanted.has(gone.project_id)) orphans.push(gone.project_id);
    }
    const users = existing.filter((e) => !isLcoOrigin(e.origin));
    for (const event of desired) {
      const overlapping = findConflicts(event, users);
      if (overlapping.length > 0) report.overlaps.push({ event_id: event.event_id, overlaps: overlapping.map((e) => e.event_id) });
    }
    return orphans;
  }

  /** Removes an imported event (gone already, removed by an admin since it was read: nothing to do). */
  private async remove(eventId: string): Promise<void> {
    const change = { by: LCO_IMPORT, at: utcTimeFromMillis(this.clock.now()) };
    try {
      await commitPlanned(this.store, eventId, (state) => planRemoval(state, eventId, change));
    } catch (error) {
      if (!(error instanceof ReservationNotFoundError)) throw error;
    }
  }

  private async deleteProjects(
    subsite: Subsite, tracked: ScheduleTracking | undefined, orphans: string[], report: SubsiteReport, lastScheduled: string | undefined, now: string,
  ): Promise<void> {
    let pending = [...new Set([...(tracked?.pending_project_deletions ?? []), ...orphans])];
    if (pending.length > 0) {
      try {
        await this.projects.deleteProjects(pending);
        report.writes += 1;
        pending = [];
      } catch (error) {
        report.errors.push(`deleting projects ${pending.join(', ')}: ${(error as Error).message}`);
      }
    }
    const clean = report.errors.length === 0;
    await this.tracking.put({
      ptr_site: subsite.ptrSite,
      // A run with errors does not advance: the next run imports again and retries.
      ...(clean ? (lastScheduled ? { last_schedule_time: lastScheduled } : {}) : tracked?.last_schedule_time ? { last_schedule_time: tracked.last_schedule_time } : {}),
      ...(clean ? { last_full_refresh: now } : tracked?.last_full_refresh ? { last_full_refresh: tracked.last_full_refresh } : {}),
      ...(pending.length > 0 ? { pending_project_deletions: pending } : {}),
      updated_at: now,
    });
  }
}
