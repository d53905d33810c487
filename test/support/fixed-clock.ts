import type { Clock } from '../../src/application/ports/clock.port.js';

/** A clock that reads what the test sets. */
export class FixedClock implements Clock {
  constructor(private millis = Date.parse('2025-06-01T00:00:00Z')) {}

  now(): number {
    return this.millis;
  }

  set(iso: string): void {
    this.millis = Date.parse(iso);
  }
}
