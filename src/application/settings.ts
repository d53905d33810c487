import type { ReservationRules } from '../domain/reservation.js';

/** Domain rules chosen by configuration (maximum reservation length, ...). */
export const ReservationRulesToken = Symbol.for('ReservationRules');
export type { ReservationRules };
