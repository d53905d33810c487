/**
 * The sky over the configured sites: their nights (through the Ephemeris port), and the rule that
 * bookings lie inside the night where a site asks for it. A site without coordinates has no known
 * nights, and its bookings are never refused for the sky.
 */
import { isAdmin, type Actor } from '../domain/actor.js';
import { InvalidInputError } from '../domain/errors.js';
import type { Interval } from '../domain/interval.js';
import { assertInsideNight, nightDates, type Darkness, type Night, type SiteLocation } from '../domain/night.js';
import type { Reservation } from '../domain/reservation.js';
import { addSeconds } from '../domain/time.js';
import type { Ephemeris } from './ports/ephemeris.port.js';
import { token } from './token.js';

/**
 * The years whose nights the night rule computes: the ephemeris (and the time format) end before
 * the year 10000, and nobody books a telescope outside these.
 */
const NIGHTS_FROM = '1900-01-01T00:00:00Z';
const NIGHTS_UNTIL = '2200-01-01T00:00:00Z';

export interface SkySettings {
  /** SITES, LCO sites standing for their subsites: the configured sites, whose places are known. */
  readonly sites: Readonly<Record<string, SiteLocation>>;
  /** REQUIRE_NIGHT: every configured site refuses bookings outside its night (a site's own flag wins). */
  readonly requireNight: boolean;
  /** NIGHT_DARKNESS: the darkness a required night means (a site's own wins). */
  readonly darkness: Exclude<Darkness, 'any'>;
}

export const SkySettingsToken = token<SkySettings>('SkySettings');

export class Sky {
  constructor(
    private readonly ephemeris: Ephemeris,
    private readonly settings: SkySettings,
  ) {}

  location(site: string): SiteLocation | undefined {
    return Object.hasOwn(this.settings.sites, site) ? this.settings.sites[site] : undefined;
  }

  configured(): Array<[string, SiteLocation]> {
    return Object.entries(this.settings.sites).sort(([a], [b]) => (a < b ? -1 : 1));
  }

  requiresNight(site: string): boolean {
    const location = this.location(site);
    return location !== undefined && (location.require_night ?? this.settings.requireNight);
  }

  /** The nights whose span overlaps the window, in order; undefined for a site with no coordinates. */
  nights(site: string, window: Interval): Night[] | undefined {
    const location = this.location(site);
    if (!location) return undefined;
    return nightDates(window, location.longitude)
      .map((date) => this.ephemeris.night(location, date))
      .filter((night) => night.span.start < window.end && window.start < night.span.end);
  }

  /**
   * Refuses (400) a booking outside the night where the site requires it. Admins are exempt (they
   * alone may write LCO events by hand); imports never come here, the schedule being LCO's to set.
   */
  assertBookable(actor: Actor, reservation: Reservation): void {
    if (isAdmin(actor)) return;
    if (!this.requiresNight(reservation.site)) return;
    const location = this.location(reservation.site)!;
    if (reservation.start < NIGHTS_FROM || reservation.end > NIGHTS_UNTIL) {
      throw new InvalidInputError(`Bookings at ${reservation.site} must lie inside the night, and its nights are known from ${NIGHTS_FROM} to ${NIGHTS_UNTIL} only.`);
    }
    // A day either side: the nights a booking might lie in.
    const around = { start: addSeconds(reservation.start, -86_400), end: addSeconds(reservation.end, 86_400) };
    assertInsideNight(reservation.site, reservation, this.nights(reservation.site, around) ?? [], location.darkness ?? this.settings.darkness);
  }
}

export const SkyToken = token<Sky>('Sky');
