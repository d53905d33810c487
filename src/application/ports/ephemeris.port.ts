import type { Night, SiteLocation } from '../../domain/night.js';
import { token } from '../token.js';

/** The sky at a place: computation only, but a package's, so it sits behind a port like any adapter. */
export interface Ephemeris {
  /** The night that begins at the solar noon of `date` (YYYY-MM-DD, the place's local mean time). */
  night(location: SiteLocation, date: string): Night;
}

export const EphemerisToken = token<Ephemeris>('Ephemeris');
