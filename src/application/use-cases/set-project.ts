import { assertMayLinkProject, authorOf, type Actor } from '../../domain/actor.js';
import { utcTimeFromMillis } from '../../domain/time.js';
import type { Clock } from '../ports/clock.port.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';

export interface ProjectLinkReport {
  readonly updated: string[];
  readonly missing: string[];
}

/**
 * Sets `project_id` on each listed event. Every existing event is checked before any is written, so
 * a refused request changes nothing; events that do not exist are reported, never created.
 */
export async function setProjectOnEvents(
  store: ReservationStore,
  clock: Clock,
  actor: Actor,
  eventIds: readonly string[],
  projectId: string,
): Promise<ProjectLinkReport> {
  const ids = [...new Set(eventIds)];
  const current = await Promise.all(ids.map((id) => store.get(id)));
  for (const event of current) if (event) assertMayLinkProject(actor, event);

  const lastModified = utcTimeFromMillis(clock.now());
  const report: ProjectLinkReport = { updated: [], missing: [] };
  for (const [index, id] of ids.entries()) {
    const updated = current[index] ? await store.setProject(id, projectId, lastModified, authorOf(actor)) : undefined;
    (updated ? report.updated : report.missing).push(id);
  }
  return report;
}
