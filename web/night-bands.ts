/**
 * The shading of a night in the calendar: the bands between sunset and sunrise, each as dark as the
 * twilight it is in, from the night times POST /availability answers. Pure, so it is tested
 * without a browser.
 */
import type { NightTimes } from './wire.js';

export type { NightTimes };

/** From the lightest band (between sunset and civil dusk) to full astronomical night. */
export const BAND_KINDS = ['civil-twilight', 'nautical-twilight', 'astronomical-twilight', 'night'] as const;
export type BandKind = (typeof BAND_KINDS)[number];

export interface NightBand {
  readonly kind: BandKind;
  readonly start: string;
  readonly end: string;
}

/** The night's boundaries in order, each with how deep below the horizon the Sun has gone at it. */
const BOUNDARIES: ReadonlyArray<{ key: keyof NightTimes; depth: number }> = [
  { key: 'sunset', depth: 0 }, { key: 'civil_dusk', depth: 1 }, { key: 'nautical_dusk', depth: 2 }, { key: 'astronomical_dusk', depth: 3 },
  { key: 'astronomical_dawn', depth: 3 }, { key: 'nautical_dawn', depth: 2 }, { key: 'civil_dawn', depth: 1 }, { key: 'sunrise', depth: 0 },
];

/**
 * The bands of one night. Between two boundaries that happen, the sky is as dark as the shallower
 * of the two allows: a summer night that never reaches astronomical darkness is one nautical band
 * from nautical dusk to nautical dawn. A night whose Sun never sets has no bands.
 */
export function nightBands(night: NightTimes): NightBand[] {
  const present = BOUNDARIES.flatMap(({ key, depth }) => {
    const time = night[key];
    return typeof time === 'string' ? [{ time, depth }] : [];
  });
  const bands: NightBand[] = [];
  for (let i = 0; i + 1 < present.length; i += 1) {
    const from = present[i]!;
    const to = present[i + 1]!;
    if (from.time >= to.time) continue;
    bands.push({ kind: BAND_KINDS[Math.min(from.depth, to.depth)]!, start: from.time, end: to.time });
  }
  return bands;
}

/**
 * The Moon's phase in words and its lit fraction, one label per night. Whether it waxes or wanes is
 * read from the neighbouring night (the lit fraction grows towards Full Moon); a lone night says
 * neither.
 */
export function moonLabels(nights: readonly Pick<NightTimes, 'moon_illumination'>[]): string[] {
  return nights.map((night, i) => {
    const percent = Math.round(night.moon_illumination * 100);
    if (percent <= 2) return `New Moon, ${percent}% lit`;
    if (percent >= 98) return `Full Moon, ${percent}% lit`;
    const next = nights[i + 1]?.moon_illumination;
    const previous = nights[i - 1]?.moon_illumination;
    const waxing = next !== undefined ? next > night.moon_illumination : previous !== undefined ? previous < night.moon_illumination : undefined;
    const shape = percent < 50 ? 'crescent' : 'gibbous';
    const trend = waxing === undefined ? '' : waxing ? 'Waxing ' : 'Waning ';
    return `${trend}${trend ? shape : shape[0]!.toUpperCase() + shape.slice(1)} Moon, ${percent}% lit`;
  });
}
