import { token } from '../token.js';
/** The current time. Use cases read it here so tests can fix it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const ClockToken = token<Clock>('Clock');
