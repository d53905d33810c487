/**
 * GetAllowance (POST /allowance) on the in-memory store: it reads the caller's bookings from as far
 * back as the longest period around `at` reaches (allowanceWindow), so a rolling window longer than
 * the week still counts its first nights; and it refuses a moment outside the calendar's range.
 */
import { InMemoryReservationStore } from '../../src/adapters/memory/in-memory-reservation-store.js';
import { FairShare } from '../../src/application/fair-share.js';
import { GetAllowance } from '../../src/application/use-cases/get-allowance.js';
import type { Actor } from '../../src/domain/actor.js';
import { InvalidInputError } from '../../src/domain/errors.js';
import type { BookingRules } from '../../src/domain/fair-share.js';
import { aReservation } from '../support/builders.js';
import { FixedClock } from '../support/fixed-clock.js';
import { createUnlessConflict } from '../support/store-writes.js';

const RULES: BookingRules = {
  default: { per_week: { hours: 12 }, rolling: { nights: 7, hours: 10 }, held: { hours: 5 } },
  roles: { staff: 'exempt' },
};
const alice: Actor = { kind: 'user', sub: 'google-oauth2|alice', isAdmin: false };

async function subject() {
  const store = new InMemoryReservationStore();
  // Wednesday 10 June 2026, 00:00 UTC: the night of Tuesday 9 June at a site without a place (UTC).
  const clock = new FixedClock(Date.parse('2026-06-10T00:00:00Z'));
  const useCase = new GetAllowance(store, clock, new FairShare(RULES, { sites: {} }));
  return { store, useCase };
}

it("counts each period over the caller's bookings from as far back as it reaches: a rolling window's first nights, before the week began", async () => {
  const { store, useCase } = await subject();
  // The night of Thursday 4 June: in the 7 nights to 9 June, not in the week of Monday 8 June.
  await createUnlessConflict(store, aReservation({ creator_id: alice.sub, start: '2026-06-04T20:00:00Z', end: '2026-06-04T22:00:00Z' }));
  // The night of Thursday 11 June: in the week, ahead (held), and after the rolling window.
  await createUnlessConflict(store, aReservation({ creator_id: alice.sub, start: '2026-06-11T20:00:00Z', end: '2026-06-11T23:00:00Z' }));
  const answer = await useCase.execute({ actor: alice, site: 'saf' });
  expect(answer.at).toBe('2026-06-10T00:00:00Z');
  expect(answer.allowances.map(({ rule, period, used_hours, left_hours }) => ({ rule, start: period.start, used_hours, left_hours }))).toEqual([
    { rule: 'per_week', start: '2026-06-08T12:00:00Z', used_hours: 3, left_hours: 9 },
    { rule: 'rolling', start: '2026-06-03T12:00:00Z', used_hours: 2, left_hours: 8 },
    { rule: 'held', start: '2026-06-10T00:00:00Z', used_hours: 3, left_hours: 2 },
  ]);
});

it('an exempt caller gets no rules and no allowances', async () => {
  const { useCase } = await subject();
  const answer = await useCase.execute({ actor: { ...alice, roles: ['staff'] }, site: 'saf' });
  expect(answer).toMatchObject({ role: 'staff', exempt: true, allowances: [], rules: { longest_hours: null, latest_start: null } });
});

it.each(['2024-06-09T00:00:00Z', '2028-06-11T00:00:00Z'])('a moment outside a year back to two years ahead (%s) is refused', async (at) => {
  const { useCase } = await subject();
  await expect(useCase.execute({ actor: alice, site: 'saf', at })).rejects.toThrow(InvalidInputError);
});
