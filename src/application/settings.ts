import type { ReservationRules } from '../domain/reservation.js';

/** Domain rules chosen by configuration (maximum reservation length, ...). */
export const ReservationRulesToken = Symbol.for('ReservationRules');
export type { ReservationRules };

/** The LCO import's settings: which WEMAs and telescopes, how far ahead, how often a full refresh. */
export interface ImportSettings {
  readonly sites: import('../domain/lco.js').SiteMapping;
  readonly windowDays: number;
  readonly fullRefreshSeconds: number;
}

export const ImportSettingsToken = Symbol.for('ImportSettings');
