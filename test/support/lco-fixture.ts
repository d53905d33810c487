import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LcoObservation } from '../../src/domain/lco.js';

const FIXTURE = fileURLToPath(new URL('../../../shared/fixtures/lco/sample_observation.json', import.meta.url));

/** The real LCO observation of ../shared/fixtures, read where it lives. */
export function sampleObservation(): LcoObservation {
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as LcoObservation;
}

/** A variation of the sample: another id and time, on a given telescope. */
export function anObservation(overrides: Partial<LcoObservation> & { id: number }): LcoObservation {
  return { ...sampleObservation(), ...overrides };
}
