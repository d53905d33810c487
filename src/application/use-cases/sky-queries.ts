import { InvalidInputError } from '../../domain/errors.js';
import { DARKNESS_LEVELS, darkParts, freeIntervals, type Darkness, type NightEvents } from '../../domain/night.js';
import type { Interval } from '../../domain/interval.js';
import { parseSiteCode } from '../../domain/reservation.js';
import { parseWindow } from '../../domain/window.js';
import { formatUtcTime } from '../../domain/time.js';
import type { Clock } from '../ports/clock.port.js';
import type { ReservationStore } from '../ports/reservation-store.port.js';
import { withinListLimit, type ListLimits } from '../settings.js';
import type { Sky } from '../sky.js';

export interface SiteListing {
  readonly sites: Array<{
    site: string; name: string; latitude: number; longitude: number; elevation_m: number; timezone: string; require_night: boolean;
  }>;
  /** Every site that has (or had) events, configured or not. */
  readonly with_events: string[];
}

/** POST /sites: the configured sites and their places, and the sites with events. */
export class ListSites {
  constructor(
    private readonly store: ReservationStore,
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

export interface Availability {
  readonly site: string;
  /** `unknown` for a site without coordinates: then `nights` is empty and `free` is not cut to the night. */
  readonly night_times: 'known' | 'unknown';
  readonly nights: NightEvents[];
  readonly free: Interval[];
}

/**
 * The dates availability answers for: a year back and two years ahead. A month's nights cost the
 * ephemeris about 40 ms to compute, once; without a bound, anyone could ask for month after month
 * of years nobody books and keep a process computing. Within it, a site has about 1 100 nights, so
 * the ephemeris's cache (20 000 nights) holds every night of 18 sites and each is computed once.
 */
export const AVAILABILITY_PAST_DAYS = 366;
export const AVAILABILITY_FUTURE_DAYS = 731;

/**
 * POST /availability: the window's nights at the site, and its free time: the window cut to the
 * night at the darkness asked for, minus every booking and imported observation, in pieces of at
 * least `min_minutes`. The same window and size limits as /siteevents.
 */
export class GetAvailability {
  constructor(
    private readonly store: ReservationStore,
    private readonly sky: Sky,
    private readonly limits: ListLimits,
    private readonly clock: Clock,
  ) {}

  async execute(input: { site: string; start: string; end: string; darkness?: string; minMinutes?: number }): Promise<Availability> {
    const site = parseSiteCode(input.site);
    const window = parseWindow(input.start, input.end, this.limits.maxWindowSeconds);
    const today = Math.floor(this.clock.now() / 86_400_000) * 86_400;
    const [first, last] = [formatUtcTime(today - AVAILABILITY_PAST_DAYS * 86_400), formatUtcTime(today + AVAILABILITY_FUTURE_DAYS * 86_400)];
    if (window.start < first || window.end > last) {
      throw new InvalidInputError(`Invalid start or end: availability is answered from ${first} to ${last} (a year back, two years ahead)`);
    }
    const darkness = (input.darkness ?? 'astronomical') as Darkness;
    if (!(DARKNESS_LEVELS as readonly string[]).includes(darkness)) {
      throw new InvalidInputError(`Invalid darkness: expected one of ${DARKNESS_LEVELS.join(', ')}`);
    }
    const minMinutes = input.minMinutes ?? 0;
    const booked = withinListLimit(await this.store.busyOverlapping(site, window, this.limits.maxEvents + 1), this.limits, 'ask for a shorter window');
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
