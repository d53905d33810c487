/**
 * The LCO side of the calendar, as pure functions: the observations LCO's portal answers, which PTR
 * site (subsite) each runs on, and the names Photon Ranch gives what it imports. How an observation
 * becomes a calendar event and a project is in lco-import.ts.
 */
import type { Interval } from './interval.js';
import { NO_PROJECT } from './reservation.js';
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

interface LcoInstrumentConfig {
  exposure_count: number;
  exposure_time: number;
  mode: string;
  optical_elements: Record<string, unknown>;
  extra_params: Record<string, unknown>;
  [key: string]: unknown;
}

interface LcoConfiguration {
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

/** A time LCO sends (microseconds, offsets) as the calendar stores it: UTC, to the second. */
export const toSecond = (time: string, field: string): string => parseUtcTime(time, field);

/** `<name>#<created, to the second>Z`, the Photon Ranch project id of an observation. */
export function lcoProjectId(observation: LcoObservation): string {
  return `${observation.name}#${toSecond(observation.created, 'created')}`;
}

/** The user an imported event and project belong to: the LCO submitter, marked as not a PTR account. */
export function lcoUserId(observation: LcoObservation): string {
  return `${observation.submitter}#LCO`;
}

export type LcoPriority = 'time_critical' | 'standard';

/** Rapid-response and time-critical observations are time critical for the telescope too. */
export function lcoPriority(observation: LcoObservation): LcoPriority {
  return observation.observation_type === 'RAPID_RESPONSE' || observation.observation_type === 'TIME_CRITICAL' ? 'time_critical' : 'standard';
}

/** `<name> (via LCO)`: the title of an imported event and the name shown for its submitter. */
export const viaLco = (name: string): string => `${name} (via LCO)`;

/** An observation shaped like a calendar event, for the read-through /scheduler-observations route. */
export interface ObservationView {
  event_id: string;
  id: string;
  start: string;
  end: string;
  creator: string;
  creator_id: string;
  last_modified: string;
  reservation_type: 'observation';
  origin: 'LCO';
  site: string;
  resourceId: string;
  title: string;
  project_id: string;
  observation_type: string;
  observation_state: string;
  request_state: string;
  observation_data: LcoObservation;
}

/**
 * The observation portal's window filter (`end_after` the start, `start_before` the end), to the
 * millisecond (LCO's times have fractions of a second; the window's are canonical).
 */
export function observationOverlaps(observation: LcoObservation, window: Interval): boolean {
  return Date.parse(observation.end) > Date.parse(window.start) && Date.parse(observation.start) < Date.parse(window.end);
}

export function observationToCalendarView(observation: LcoObservation, ptrSite: string): ObservationView {
  return {
    event_id: String(observation.id),
    id: String(observation.id),
    start: toSecond(observation.start, 'start'),
    end: toSecond(observation.end, 'end'),
    creator: observation.submitter,
    creator_id: lcoUserId(observation),
    last_modified: observation.modified,
    reservation_type: 'observation',
    origin: 'LCO',
    site: ptrSite,
    resourceId: ptrSite,
    title: viaLco(observation.name),
    project_id: NO_PROJECT,
    observation_type: observation.observation_type,
    observation_state: observation.state,
    request_state: observation.request.state,
    observation_data: observation,
  };
}
