import fc from 'fast-check';
import { conflictsWith, findConflictingPairs, findConflicts, type Booking } from '../../src/domain/conflicts.js';
import { activeAtWindow, isActiveAt, overlaps } from '../../src/domain/interval.js';
import { formatUtcTime } from '../../src/domain/time.js';

const BASE = 1_750_000_000;
const interval = fc
  .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 5_000 }))
  .map(([s, len]) => ({ start: formatUtcTime(BASE + s), end: formatUtcTime(BASE + s + len), s: BASE + s, e: BASE + s + len }));

describe('overlap', () => {
  it.each([
    ['identical', ['03:00', '04:00'], ['03:00', '04:00'], true],
    ['one inside the other', ['03:00', '06:00'], ['04:00', '05:00'], true],
    ['crossing the end', ['03:00', '04:00'], ['03:59', '05:00'], true],
    ['back to back', ['03:00', '04:00'], ['04:00', '05:00'], false],
    ['apart', ['03:00', '04:00'], ['05:00', '06:00'], false],
  ])('%s', (_name, [a1, a2], [b1, b2], expected) => {
    const t = (hm: string): string => `2025-06-20T${hm}:00Z`;
    expect(overlaps({ start: t(a1!), end: t(a2!) }, { start: t(b1!), end: t(b2!) })).toBe(expected);
  });

  it('is symmetric', () => {
    fc.assert(fc.property(interval, interval, (a, b) => overlaps(a, b) === overlaps(b, a)));
  });

  it('matches the numeric definition on half-open intervals', () => {
    fc.assert(fc.property(interval, interval, (a, b) => overlaps(a, b) === (a.s < b.e && b.s < a.e)));
  });

  it('never holds for back-to-back intervals', () => {
    fc.assert(
      fc.property(interval, fc.integer({ min: 1, max: 5_000 }), (a, len) =>
        !overlaps(a, { start: a.end, end: formatUtcTime(a.e + len) }),
      ),
    );
  });

  it('an interval is active at its start and not at its end', () => {
    fc.assert(fc.property(interval, (a) => isActiveAt(a, a.start) && !isActiveAt(a, a.end)));
  });

  it('the stores\' "active at t" (overlapping the window [t, t + 1 s)) is exactly isActiveAt', () => {
    fc.assert(fc.property(interval, fc.integer({ min: -10, max: 15_010 }), (a, offset) => {
      const t = formatUtcTime(BASE + offset);
      return overlaps(a, activeAtWindow(t)) === isActiveAt(a, t);
    }), { numRuns: 2000 });
  });
});

describe('the conflict rule', () => {
  const booking = (overrides: Partial<Booking>): Booking => ({
    event_id: 'a', site: 'saf', start: '2025-06-20T03:00:00Z', end: '2025-06-20T04:00:00Z', creator_id: 'alice', ...overrides,
  });

  it.each([
    ['another creator, same site, overlapping', { event_id: 'b', creator_id: 'bob' }, true],
    ['the same creator', { event_id: 'b' }, false],
    ['another site', { event_id: 'b', creator_id: 'bob', site: 'mrc1' }, false],
    ['the event itself', { creator_id: 'bob' }, false],
    ['back to back', { event_id: 'b', creator_id: 'bob', start: '2025-06-20T04:00:00Z', end: '2025-06-20T05:00:00Z' }, false],
  ])('%s', (_name, other, expected) => {
    expect(conflictsWith(booking({}), booking(other))).toBe(expected);
  });

  it('a calendar grown only by accepted bookings never holds two overlapping events of different creators', () => {
    const request = fc.record({
      creator_id: fc.constantFrom('alice', 'bob', 'carol'),
      site: fc.constantFrom('saf', 'mrc1'),
      slot: interval,
    });
    fc.assert(
      fc.property(fc.array(request, { maxLength: 60 }), (requests) => {
        const accepted: Booking[] = [];
        requests.forEach((r, i) => {
          const candidate = { event_id: `e${i}`, site: r.site, creator_id: r.creator_id, start: r.slot.start, end: r.slot.end };
          // Brute force: accept iff no accepted event of another creator at the site overlaps numerically.
          const bruteForce = accepted.every((o) => o.site !== candidate.site || o.creator_id === candidate.creator_id ||
            !(Date.parse(candidate.start) < Date.parse(o.end) && Date.parse(o.start) < Date.parse(candidate.end)));
          expect(findConflicts(candidate, accepted).length === 0).toBe(bruteForce);
          if (bruteForce) accepted.push(candidate);
        });
        for (const a of accepted) {
          for (const b of accepted) {
            if (a !== b && a.site === b.site && a.creator_id !== b.creator_id) expect(overlaps(a, b)).toBe(false);
          }
        }
      }),
    );
  });
});

describe('findConflictingPairs', () => {
  it('finds exactly the pairs a brute-force comparison finds', () => {
    const booking = fc.record({
      creator_id: fc.constantFrom('alice', 'bob', 'carol'),
      site: fc.constantFrom('saf', 'mrc1'),
      slot: interval,
    });
    fc.assert(
      fc.property(fc.array(booking, { maxLength: 40 }), (raw) => {
        const bookings = raw.map((b, i) => ({ event_id: `e${i}`, site: b.site, creator_id: b.creator_id, start: b.slot.start, end: b.slot.end }));
        const key = ([a, b]: [Booking, Booking]): string => [a.event_id, b.event_id].sort().join('|');
        const expected: string[] = [];
        bookings.forEach((a, i) => bookings.slice(i + 1).forEach((b) => {
          if (conflictsWith(a, b)) expected.push(key([a, b]));
        }));
        expect(findConflictingPairs(bookings).map(key).sort()).toEqual(expected.sort());
      }),
    );
  });
});
