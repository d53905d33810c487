/**
 * Nights from astronomy-engine (pure JavaScript, MIT; checked by its authors against JPL Horizons
 * and the USNO tables). Sunrise and sunset are the Sun's upper limb on a sea-level horizon with
 * standard refraction, as almanacs give them; twilights are the Sun's centre at 6, 12 and 18
 * degrees below the horizon, geometric, as almanacs define them. Nights are deterministic, so each
 * is computed once per process and kept (bounded).
 */
import { Body, Equator, Horizon, Illumination, Observer, SearchAltitude, SearchHourAngle, SearchRiseSet, type AstroTime } from 'astronomy-engine';
import type { Ephemeris } from '../../application/ports/ephemeris.port.js';
import { DEPRESSION, type Night, type SiteLocation } from '../../domain/night.js';
import { formatUtcTime } from '../../domain/time.js';

const DAY_MS = 86_400_000;

export class AstronomyEngineEphemeris implements Ephemeris {
  private readonly nights = new Map<string, Night>();

  constructor(private readonly maxNights = 20_000) {}

  night(location: SiteLocation, date: string): Night {
    const key = `${location.latitude},${location.longitude},${location.elevation_m},${date}`;
    let night = this.nights.get(key);
    if (!night) {
      night = computeNight(location, date);
      if (this.nights.size >= this.maxNights) this.nights.delete(this.nights.keys().next().value as string);
      this.nights.set(key, night);
    }
    return night;
  }
}

const canonical = (time: AstroTime | null, before: number): string | null =>
  time && time.date.getTime() < before ? formatUtcTime(Math.round(time.date.getTime() / 1000)) : null;

function geometricAltitude(observer: Observer, when: Date): number {
  const sky = Equator(Body.Sun, when, observer, true, true);
  return Horizon(when, observer, sky.ra, sky.dec).altitude;
}

export function computeNight(location: SiteLocation, date: string): Night {
  const observer = new Observer(location.latitude, location.longitude, location.elevation_m);
  // Local mean midnight of the date; the next upper transit of the Sun is its solar noon.
  const midnight = Date.parse(`${date}T00:00:00Z`) - (location.longitude / 15) * 3_600_000;
  const noon = SearchHourAngle(Body.Sun, observer, 0, new Date(midnight)).time.date;
  const nextNoon = SearchHourAngle(Body.Sun, observer, 0, new Date(noon.getTime() + DAY_MS / 2)).time.date;
  const end = nextNoon.getTime();
  const days = (end - noon.getTime()) / DAY_MS;
  const sun = (direction: 1 | -1, depression?: number) => canonical(
    depression === undefined ? SearchRiseSet(Body.Sun, observer, direction, noon, days) : SearchAltitude(Body.Sun, observer, direction, noon, days, depression),
    end,
  );
  const middle = new Date((noon.getTime() + end) / 2);
  return {
    span: { start: formatUtcTime(Math.round(noon.getTime() / 1000)), end: formatUtcTime(Math.round(end / 1000)) },
    sunset: sun(-1),
    civil_dusk: sun(-1, DEPRESSION.civil),
    nautical_dusk: sun(-1, DEPRESSION.nautical),
    astronomical_dusk: sun(-1, DEPRESSION.astronomical),
    astronomical_dawn: sun(1, DEPRESSION.astronomical),
    nautical_dawn: sun(1, DEPRESSION.nautical),
    civil_dawn: sun(1, DEPRESSION.civil),
    sunrise: sun(1),
    moonrise: canonical(SearchRiseSet(Body.Moon, observer, 1, noon, days), end),
    moonset: canonical(SearchRiseSet(Body.Moon, observer, -1, noon, days), end),
    moon_illumination: Math.round(Illumination(Body.Moon, middle).phase_fraction * 1000) / 1000,
    noonAltitude: geometricAltitude(observer, noon),
    midnightAltitude: geometricAltitude(observer, middle),
  };
}
