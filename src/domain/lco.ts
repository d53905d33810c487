/**
 * The LCO side of the calendar, as pure functions: which PTR site (subsite) an LCO observation runs
 * on, and how an observation becomes a Photon Ranch calendar event and project.
 */
import { InvalidInputError } from './errors.js';
import type { Interval } from './interval.js';
import { NO_PROJECT, type Reservation } from './reservation.js';
import { parseUtcTime } from './time.js';

/** WEMA (LCO site) → telescope id → PTR site. */
export type SiteMapping = Readonly<Record<string, Readonly<Record<string, string>>>>;

export const DEFAULT_LCO_SITES: SiteMapping = {
  mrc: { '0m31': 'mrc1', '0m61': 'mrc2' },
  aro: { '0m3': 'aro1' },
  eco: { '0m43': 'eco1', '0m28': 'eco2' },
};

/** The states of observations the calendar mirrors. */
export const IMPORTED_STATES = ['PENDING', 'IN_PROGRESS'] as const;
/** Every observation state, for the read-through route. */
export const ALL_STATES = ['PENDING', 'IN_PROGRESS', 'NOT_ATTEMPTED', 'COMPLETED', 'CANCELED', 'ABORTED', 'FAILED'] as const;

export interface LcoInstrumentConfig {
  exposure_count: number;
  exposure_time: number;
  mode: string;
  optical_elements: Record<string, unknown>;
  extra_params: Record<string, unknown>;
  [key: string]: unknown;
}

export interface LcoConfiguration {
  type: string;
  target: { name: string; ra?: number | null; dec?: number | null; [key: string]: unknown };
  constraints: { max_airmass?: number | null; min_lunar_distance?: number | null; max_lunar_phase?: number | null; [key: string]: unknown };
  instrument_configs: LcoInstrumentConfig[];
  [key: string]: unknown;
}

/** The parts of an LCO observation (observation portal schedule entry) the import relies on. */
export interface LcoObservation {
  id: number;
  site: string;
  telescope: string;
  observation_type: string;
  state: string;
  created: string;
  modified: string;
  start: string;
  end: string;
  name: string;
  submitter: string;
  request: { id: number; state: string; configurations: LcoConfiguration[]; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Subsite {
  readonly wema: string;
  readonly telescope: string;
  readonly ptrSite: string;
}

export function subsitesOf(mapping: SiteMapping): Subsite[] {
  return Object.entries(mapping).flatMap(([wema, telescopes]) =>
    Object.entries(telescopes).map(([telescope, ptrSite]) => ({ wema, telescope, ptrSite })),
  );
}

export function findSubsite(mapping: SiteMapping, ptrSite: string): Subsite | undefined {
  return subsitesOf(mapping).find((s) => s.ptrSite === ptrSite);
}

/** The calendar event id of an imported observation: stable across imports. */
export function importedEventId(observationId: number): string {
  return `lco-${observationId}`;
}

const toSecond = (time: string, field: string): string => parseUtcTime(time, field);

/** `<name>#<created, to the second>Z`, the Photon Ranch project id of an observation. */
export function lcoProjectId(observation: LcoObservation): string {
  return `${observation.name}#${toSecond(observation.created, 'created')}`;
}

export const LCO_NOTE = 'This event was created and scheduled by the LCO scheduler.';

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
    creator_id: `${observation.submitter}#LCO`,
    site: ptrSite,
    resourceId: ptrSite,
    title: `${observation.name} (via LCO)`,
    reservation_type: 'project',
    origin: 'LCO',
    project_id: lcoProjectId(observation),
    project_priority: ['RAPID_RESPONSE', 'TIME_CRITICAL'].includes(observation.observation_type) ? 'time_critical' : 'standard',
    reservation_note: LCO_NOTE,
    last_modified: lastModified,
    lco_observation_id: observation.id,
  };
}

/** The fields of an imported event that matter for "did it change?" (not last_modified). */
export function eventFingerprint(event: Reservation): string {
  const { last_modified: _ignored, ...rest } = event;
  return JSON.stringify(Object.keys(rest).sort().map((k) => [k, rest[k]]));
}

const num = (value: unknown, fallback = 0): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

/** The Photon Ranch project that lets the telescope run an observation. */
export function observationToProject(observation: LcoObservation, ptrSite: string): Record<string, unknown> {
  const configurations = observation.request.configurations;
  const first = configurations[0];
  const createdAt = toSecond(observation.created, 'created');
  const userId = `${observation.submitter}#LCO`;
  const targets: Array<Record<string, unknown>> = [];
  for (const configuration of configurations) {
    const t = configuration.target;
    const target = { ...t, ra: typeof t.ra === 'number' ? t.ra / 15 : t.ra, ra_units: 'hours' };
    if (!targets.some((x) => x.name === target.name && x.ra === target.ra && x.dec === target.dec)) targets.push(target);
  }
  const exposures = configurations.flatMap((configuration) =>
    configuration.instrument_configs.map((ic) => ({
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
  const constraints = first?.constraints ?? {};
  const startDate = toSecond(observation.start, 'start');
  const expiryDate = toSecond(observation.end, 'end');
  return {
    project_id: lcoProjectId(observation),
    project_name: observation.name,
    created_at: createdAt,
    user_id: userId,
    origin: 'LCO',
    project_creator: { username: `${observation.submitter} (via LCO)`, user_id: userId },
    project_sites: [ptrSite],
    project_priority: ['RAPID_RESPONSE', 'TIME_CRITICAL'].includes(observation.observation_type) ? 'time_critical' : 'standard',
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

/** An observation shaped like a calendar event, for the read-through /scheduler-observations route. */
export function observationToCalendarView(observation: LcoObservation, ptrSite: string): Record<string, unknown> {
  return {
    event_id: String(observation.id),
    id: String(observation.id),
    start: toSecond(observation.start, 'start'),
    end: toSecond(observation.end, 'end'),
    creator: observation.submitter,
    creator_id: `${observation.submitter}#LCO`,
    last_modified: observation.modified,
    reservation_type: 'observation',
    origin: 'LCO',
    site: ptrSite,
    resourceId: ptrSite,
    title: `${observation.name} (via LCO)`,
    project_id: NO_PROJECT,
    observation_type: observation.observation_type,
    observation_state: observation.state,
    request_state: observation.request.state,
    observation_data: observation,
  };
}

export interface SyncPlan {
  readonly add: Reservation[];
  readonly update: Array<{ next: Reservation; previous: Reservation }>;
  readonly remove: Reservation[];
  readonly unchanged: Reservation[];
}

/**
 * What to change so the subsite's imported events in the window equal the desired ones: events
 * of other origins, and imported events outside the window, are never part of the plan.
 */
export function planSync(desired: readonly Reservation[], existing: readonly Reservation[], window: Interval): SyncPlan {
  const current = new Map(
    existing.filter((e) => e.origin.toUpperCase() === 'LCO' && e.start < window.end && window.start < e.end).map((e) => [e.event_id, e]),
  );
  const plan: SyncPlan = { add: [], update: [], remove: [], unchanged: [] };
  const wanted = new Set<string>();
  for (const next of desired) {
    wanted.add(next.event_id);
    const previous = current.get(next.event_id);
    if (!previous) plan.add.push(next);
    else if (eventFingerprint(previous) !== eventFingerprint(next)) plan.update.push({ next, previous });
    else plan.unchanged.push(previous);
  }
  for (const [id, event] of current) if (!wanted.has(id)) plan.remove.push(event);
  return plan;
}
