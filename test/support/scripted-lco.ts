import type { LcoClient, Schedule, ScheduleQuery } from '../../src/application/ports/lco-client.port.js';
import type { LcoObservation } from '../../src/domain/lco.js';

/**
 * A scripted LCO portal: the observations and last_schedule_time a test sets, answered with the
 * portal's own filters (site, telescope, the window's end_after/start_before, states), and a count
 * of schedule reads. The LcoClient contract suite runs over it and the real client, so it cannot
 * drift from what the portal does.
 */
export class ScriptedLco implements LcoClient {
  /** Every WEMA's observations; each answer keeps those of the WEMA asked for. */
  observations: LcoObservation[] = [];
  /** last_schedule_time of a WEMA not in `lastScheduledByWema` (undefined: it has none). */
  lastScheduled: string | undefined = '2030-01-01T00:00:00Z';
  readonly lastScheduledByWema = new Map<string, string>();
  reads = 0;

  async fetchSchedule(query: ScheduleQuery): Promise<Schedule> {
    this.reads += 1;
    const observations = this.observations.filter((o) =>
      o.site === query.wema
      && o.telescope === query.telescope
      && Date.parse(o.end) > Date.parse(query.window.start)
      && Date.parse(o.start) < Date.parse(query.window.end)
      && query.states.includes(o.state));
    return { observations, invalid: [] };
  }

  async lastScheduleTime(wema: string): Promise<string | undefined> {
    return this.lastScheduledByWema.get(wema) ?? this.lastScheduled;
  }
}
