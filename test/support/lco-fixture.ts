import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LcoObservation } from '../../src/domain/lco.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/lco/observation.json', import.meta.url));

/**
 * A synthetic observation in the observation portal's schedule shape (test/fixtures/lco), written for
 * these tests: every field the mapping reads, two targets over four configurations.
 */
export function sampleObservation(): LcoObservation {
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as LcoObservation;
}

/** A variation of the sample: another id and time, on a given telescope. */
export function anObservation(overrides: Partial<LcoObservation> & { id: number }): LcoObservation {
  return { ...sampleObservation(), ...overrides };
}
