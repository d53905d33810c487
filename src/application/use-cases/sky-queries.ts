import { InvalidInputError } from '../../domain/errors.js';
import { DARKNESS_LEVELS, darkParts, freeIntervals, type Darkness, type NightEvents } from '../../domain/night.js';
import type { Interval } from '../../domain/interval.js';
import { parseSiteCode } from '../../domain/reservation.js';
import { availabilityRange, parseWindow } from '../../domain/window.js';
import type { Clock } from '../ports/clock.port.js';
import type { ReservationQueries } from '../ports/reservation-queries.port.js';
import type { SiteRegistry } from '../ports/site-registry.port.js';
import { withinListCap, type ListCaps } from '../settings.js';
import type { Sky } from '../sky.js';

interface SiteListing {
  readonly sites: Array<{
    site: string; name: string; latitude: number; longitude: number; elevation_m: number; timezone: string; require_night: boolean;
  }>;
  /** Every site that has (or had) events, configured or not. */
  readonly with_events: string[];
}

/** POST /sites: the configured sites and their places, and the sites with events. */
export class ListSites {
  constructor(
    private readonly store: SiteRegistry,
    private readonly sky: Sky,
  ) {}

  async execute(): Promise<SiteListing> {
    return {
      sites: this.sky.configured().map(([site, l]) => ({
        site, name: l.name, latitude: l.latitude, longitude: l.longitude, elevation_m: l.elevation_m, timezone: l.timezone,
        require_night: this.sky.requiresNight(site),
      })),
      with_events: await this.store.sitesWithEvents(),
    };
  }
}

interface Availability {
  readonly site: string;
  /** `unknown` for a site without coordinates: then `nights` is empty and `free` is not cut to the night. */
  readonly night_times: 'known' | 'unknown';
  readonly nights: NightEvents[];
  readonly free: Interval[];
}

/**
 * POST /availability: the window's nights at the site, and its free time: the window cut to the
 * night at the darkness asked for, minus every booking and imported observation, in pieces of at
 * least `min_minutes`. The same window and size caps as /siteevents.
 */
export class GetAvailability {
  constructor(
    private readonly store: ReservationQueries,
    private readonly sky: Sky,
    private readonly caps: ListCaps,
    private readonly clock: Clock,
  ) {}

  async execute(input: { site: string; start: string; end: string; darkness?: string; minMinutes?: number }): Promise<Availability> {
    const site = parseSiteCode(input.site);
    const window = parseWindow(input.start, input.end, this.caps.maxWindowSeconds);
    const range = availabilityRange(this.clock.now());
    if (window.start < range.start || window.end > range.end) {
      throw new InvalidInputError(`Invalid start or end: availability is answered from ${range.start} to ${range.end} (a year back, two years ahead)`);
    }
    const darkness = (input.darkness ?? 'astronomical') as Darkness;
    if (!(DARKNESS_LEVELS as readonly string[]).includes(darkness)) {
      throw new InvalidInputError(`Invalid darkness: expected one of ${DARKNESS_LEVELS.join(', ')}`);
    }
    const minMinutes = input.minMinutes ?? 0;
    const booked = withinListCap(await this.store.busyOverlapping(site, window, this.caps.maxEvents + 1), this.caps, 'ask for a shorter window');
    const nights = this.sky.nights(site, window);
    return {
      site,
      night_times: nights ? 'known' : 'unknown',
      nights: (nights ?? []).map(({ span: _span, noonAltitude: _noon, midnightAltitude: _midnight, ...events }) => events),
      // Without known nights, or with no cut asked for, the whole window is free but for its bookings.
      free: freeIntervals(nights && darkness !== 'any' ? darkParts(nights, darkness) : [window], window, booked, minMinutes),
    };
  }
}
