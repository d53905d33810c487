/**
 * How LCO's schedule becomes Photon Ranch's: each observation as a calendar event paired with the
 * project that lets the telescope run it, and the plan that makes a subsite's imported events an exact
 * mirror of the schedule. Pure functions; the import use case only carries out what they decide.
 */
import { InvalidInputError } from './errors.js';
import type { Interval } from './interval.js';
import {
  importedEventId, lcoPriority, lcoProjectId, lcoUserId, toSecond, viaLco, type LcoObservation, type LcoPriority,
} from './lco.js';
import { contentFingerprint, isLcoOrigin, type Reservation } from './reservation.js';

const LCO_NOTE = 'This event was created and scheduled by the LCO scheduler.';

interface LcoExposure {
  target: string;
  imtype: string;
  filter: string;
  count: number;
  exposure: number;
  zoom: string;
  angle: number;
  offset_ra: number;
  offset_dec: number;
  defocus: number;
}

/**
 * The project the projects service stores for an observation, in its field names. A type rather
 * than an interface, so it is a plain record where the projects port takes one.
 */
type LcoProject = {
  readonly project_id: string;
  readonly project_name: string;
  readonly created_at: string;
  readonly user_id: string;
  readonly origin: 'LCO';
  readonly project_creator: { username: string; user_id: string };
  readonly project_sites: string[];
  readonly project_priority: LcoPriority;
  readonly project_note: string;
  /** Each distinct target once, right ascension in hours. */
  readonly project_targets: Array<Record<string, unknown>>;
  readonly exposures: LcoExposure[];
  readonly remaining: number[];
  readonly project_data: unknown[][];
  readonly project_constraints: {
    max_airmass: number;
    lunar_dist_min: number;
    /** Percent. */
    lunar_phase_max: number;
    start_date: string;
    expiry_date: string;
    project_is_active: boolean;
  };
  readonly start_date: string;
  readonly expiry_date: string;
  readonly scheduled_with_events: Array<{ event_id: string; start: string; end: string; site: string }>;
  readonly lco_observation_id: number;
  readonly full_lco_observation: LcoObservation;
};

/** An observation as the calendar imports it: its event, and the project that event points at. */
interface ImportedObservation {
  readonly event: Reservation;
  readonly project: LcoProject;
}

/** The calendar event that mirrors an observation at a PTR site. */
export function observationToEvent(observation: LcoObservation, ptrSite: string, lastModified: string): Reservation {
  const start = toSecond(observation.start, 'start');
  const end = toSecond(observation.end, 'end');
  if (!(start < end)) throw new InvalidInputError(`observation ${observation.id} ends before it starts`);
  return {
    event_id: importedEventId(observation.id),
    start,
    end,
    creator: observation.submitter,
    creator_id: lcoUserId(observation),
    site: ptrSite,
    resourceId: ptrSite,
    title: viaLco(observation.name),
    reservation_type: 'project',
    origin: 'LCO',
    project_id: lcoProjectId(observation),
    project_priority: lcoPriority(observation),
    reservation_note: LCO_NOTE,
    last_modified: lastModified,
    version: 1, // the write's plan sets the stored version (write-plan.ts)
    lco_observation_id: observation.id,
  };
}

const num = (value: unknown, fallback = 0): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

/** The Photon Ranch project that lets the telescope run an observation. */
export function observationToProject(observation: LcoObservation, ptrSite: string): LcoProject {
  const configurations = observation.request.configurations;
  const userId = lcoUserId(observation);
  const targets: Array<Record<string, unknown>> = [];
  for (const configuration of configurations) {
    const t = configuration.target;
    const target = { ...t, ra: typeof t.ra === 'number' ? t.ra / 15 : t.ra, ra_units: 'hours' };
    if (!targets.some((x) => x.name === target.name && x.ra === target.ra && x.dec === target.dec)) targets.push(target);
  }
  const exposures = configurations.flatMap((configuration) =>
    configuration.instrument_configs.map((ic): LcoExposure => ({
      target: configuration.target.name,
      imtype: configuration.type,
      filter: String(ic.optical_elements.filter ?? ''),
      count: Math.trunc(num(ic.exposure_count)),
      exposure: num(ic.exposure_time),
      zoom: ic.mode,
      angle: num(ic.extra_params.rotator_angle),
      offset_ra: num(ic.extra_params.offset_ra),
      offset_dec: num(ic.extra_params.offset_dec),
      defocus: num(ic.extra_params.defocus),
    })),
  );
  const constraints = configurations[0]?.constraints ?? {};
  const startDate = toSecond(observation.start, 'start');
  const expiryDate = toSecond(observation.end, 'end');
  return {
    project_id: lcoProjectId(observation),
    project_name: observation.name,
    created_at: toSecond(observation.created, 'created'),
    user_id: userId,
    origin: 'LCO',
    project_creator: { username: viaLco(observation.submitter), user_id: userId },
    project_sites: [ptrSite],
    project_priority: lcoPriority(observation),
    project_note: 'Created automatically from the LCO scheduler.',
    project_targets: targets,
    exposures,
    remaining: exposures.map((e) => e.count),
    project_data: exposures.map(() => []),
    project_constraints: {
      max_airmass: num(constraints.max_airmass, 2),
      lunar_dist_min: num(constraints.min_lunar_distance, 0),
      lunar_phase_max: num(constraints.max_lunar_phase, 1) * 100,
      start_date: startDate,
      expiry_date: expiryDate,
      project_is_active: true,
    },
    start_date: startDate,
    expiry_date: expiryDate,
    scheduled_with_events: [{ event_id: importedEventId(observation.id), start: startDate, end: expiryDate, site: ptrSite }],
    lco_observation_id: observation.id,
    full_lco_observation: observation,
  };
}

/**
 * The observations that run at a PTR site within the window, each as its event and project; those
 * that cannot be imported (times that do not parse or end before they start) are listed with why.
 */
export function importObservations(
  observations: readonly LcoObservation[], ptrSite: string, now: string, window: Interval,
): { imported: ImportedObservation[]; invalid: Array<{ id: unknown; reason: string }> } {
  const imported: ImportedObservation[] = [];
  const invalid: Array<{ id: unknown; reason: string }> = [];
  for (const observation of observations) {
    try {
      const event = observationToEvent(observation, ptrSite, now);
      if (event.end <= window.start || event.start >= window.end) continue;
      imported.push({ event, project: observationToProject(observation, ptrSite) });
    } catch (error) {
      invalid.push({ id: observation.id, reason: (error as Error).message });
    }
  }
  return { imported, invalid };
}

interface SyncPlan<T extends { readonly event: Reservation }> {
  readonly add: T[];
  readonly update: Array<{ next: T; previous: Reservation }>;
  readonly remove: Reservation[];
  readonly unchanged: Reservation[];
}

/**
 * What to change so the subsite's imported events in the window equal the desired ones: events
 * of other origins, and imported events outside the window, are never part of the plan. What is
 * added or updated keeps whatever travels with its event (the project to create first).
 */
export function planSync<T extends { readonly event: Reservation }>(
  desired: readonly T[], existing: readonly Reservation[], window: Interval,
): SyncPlan<T> {
  const current = new Map(
    existing.filter((e) => isLcoOrigin(e.origin) && e.start < window.end && window.start < e.end).map((e) => [e.event_id, e]),
  );
  const plan: SyncPlan<T> = { add: [], update: [], remove: [], unchanged: [] };
  const wanted = new Set<string>();
  for (const next of desired) {
    wanted.add(next.event.event_id);
    const previous = current.get(next.event.event_id);
    if (!previous) plan.add.push(next);
    else if (contentFingerprint(previous) !== contentFingerprint(next.event)) plan.update.push({ next, previous });
    else plan.unchanged.push(previous);
  }
  for (const [id, event] of current) if (!wanted.has(id)) plan.remove.push(event);
  return plan;
}
