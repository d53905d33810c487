import { hasProject, parseSiteCode, type Reservation } from '../../domain/reservation.js';
import { parseWindow } from '../../domain/window.js';
import { settleWithConcurrency } from '../concurrency.js';
import type { ProjectsGateway } from '../ports/projects-gateway.port.js';
import type { ReservationQueries } from '../ports/reservation-queries.port.js';
import { ReservationList } from '../reservation-list.js';
import { withinListCap, type ListCaps } from '../settings.js';

interface ListSiteReservationsInput {
  readonly site: string;
  readonly start: string;
  readonly end: string;
  readonly fullProjectDetails?: boolean;
}

export const PROJECT_NOT_FOUND = 'Project not found.';
const SHORTER_WINDOW = 'ask for a shorter window';
/** How many project look-ups run at once for one request. */
const PROJECT_LOOKUP_CONCURRENCY = 8;

type SiteReservation = Reservation & { project?: unknown };

/**
 * POST /siteevents: the site's events overlapping `[start, end)` (also those that began before the
 * window or run past its end), ordered by start; optionally with each event's project attached.
 */
export class ListSiteReservations {
  constructor(
    private readonly store: ReservationQueries,
    private readonly projects: ProjectsGateway,
    private readonly caps: ListCaps,
  ) {}

  /** Without project details the list is the store's own (sent as its stored JSON, when it has it). */
  async execute(input: ListSiteReservationsInput): Promise<ReservationList<SiteReservation>> {
    const site = parseSiteCode(input.site);
    const window = parseWindow(input.start, input.end, this.caps.maxWindowSeconds);
    const events = withinListCap(await this.store.findOverlapping(site, window, this.caps.maxEvents + 1), this.caps, SHORTER_WINDOW);
    if (!input.fullProjectDetails) return events;

    const projectIds = [...new Set(events.items.filter(hasProject).map((e) => e.project_id))];
    const projects = await this.lookUpProjects(projectIds);
    return ReservationList.of(events.items.map((event) =>
      hasProject(event) ? { ...event, project: projects.get(event.project_id) ?? PROJECT_NOT_FOUND } : event,
    ));
  }

  private async lookUpProjects(projectIds: string[]): Promise<Map<string, unknown>> {
    const outcomes = await Promise.all(settleWithConcurrency(projectIds.map((id) => () => this.projects.getProject(id)), PROJECT_LOOKUP_CONCURRENCY));
    const found = new Map<string, unknown>();
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'rejected') throw outcome.reason;
      if (outcome.value !== undefined) found.set(projectIds[i] as string, outcome.value);
    });
    return found;
  }
}
