import { ALL_STATES, findSubsite, observationOverlaps, observationToCalendarView, type ObservationView } from '../../domain/lco.js';
import { parseSiteCode } from '../../domain/reservation.js';
import { parseWindow, wholeUtcDays } from '../../domain/window.js';
import type { LcoClient } from '../ports/lco-client.port.js';
import type { SiteProxySecrets } from '../ports/site-proxy-secrets.port.js';
import { withinListCap, type ImportSettings, type ListCaps } from '../settings.js';

/**
 * POST /scheduler-observations: the LCO observations (all states) scheduled at a PTR site in a
 * window, read through from LCO and shaped like calendar events. Unknown or unconfigured site: [].
 * LCO is asked for the whole UTC days around the window, and the answer cut to the window here: all
 * windows within the same days are one question to LCO, shared and kept (GuardedLcoClient).
 */
export class ListSchedulerObservations {
  constructor(
    private readonly lco: LcoClient,
    private readonly secrets: SiteProxySecrets,
    private readonly settings: ImportSettings,
    private readonly caps: ListCaps,
  ) {}

  async execute(input: { site: string; start: string; end: string }): Promise<ObservationView[]> {
    const site = parseSiteCode(input.site);
    const window = parseWindow(input.start, input.end, this.caps.maxWindowSeconds);
    const subsite = findSubsite(this.settings.lcoSites, site);
    if (!subsite) return [];
    const secret = await this.secrets.secretFor(subsite.wema);
    if (!secret) return [];
    const days = wholeUtcDays(window);
    const schedule = await this.lco.fetchSchedule({ wema: subsite.wema, telescope: subsite.telescope, window: days, states: ALL_STATES }, secret);
    const ours = schedule.observations.filter((o) => o.site === subsite.wema && o.telescope === subsite.telescope && observationOverlaps(o, window));
    return withinListCap(ours, this.caps, 'ask for a shorter window')
      .map((o) => observationToCalendarView(o, site))
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }
}
