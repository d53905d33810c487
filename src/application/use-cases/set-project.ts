import { assertMayLinkProject, type Actor } from '../../domain/actor.js';
import { ReservationNotFoundError } from '../../domain/errors.js';
import { planEventLink } from '../../domain/event-requests.js';
import { utcTimeFromMillis } from '../../domain/time.js';
import { commitPlanned } from '../commit-planned.js';
import type { Judge } from '../../domain/write-plan.js';
import type { FairShare } from '../fair-share.js';
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
  fairShare?: FairShare,
): Promise<ProjectLinkReport> {
  const ids = [...new Set(eventIds)];
  const current = await Promise.all(ids.map((id) => store.get(id)));
  for (const event of current) if (event) assertMayLinkProject(actor, event);

  const nowMs = clock.now();
  const now = utcTimeFromMillis(nowMs);
  const judge = fairShare?.judge(actor, nowMs);
  const report: ProjectLinkReport = { updated: [], missing: [] };
  for (const [index, id] of ids.entries()) {
    const linked = current[index] !== undefined && await link(store, id, projectId, actor, now, judge);
    (linked ? report.updated : report.missing).push(id);
  }
  return report;
}

/** Links one event; false when it is gone (deleted since it was read). */
async function link(store: ReservationStore, eventId: string, projectId: string, actor: Actor, now: string, judge?: Judge): Promise<boolean> {
  try {
    await commitPlanned(store, eventId, (state) => planEventLink(state, eventId, projectId, actor, now, judge));
    return true;
  } catch (error) {
    if (error instanceof ReservationNotFoundError) return false;
    throw error;
  }
}
