/**
 * Fair share without a store: which rules an actor books under, the shape rules, and the allowance
 * condition's judgment over an owner's bookings, checked against a brute-force count by the hour.
 */
import fc from 'fast-check';
import type { Actor } from '../../src/domain/actor.js';
import type { Booking } from '../../src/domain/conflicts.js';
import { AllowanceExceededError, BookingBegunError, BookingRuleError } from '../../src/domain/errors.js';
import { allowanceLines, hoursText, judgeBooking, periodsOf, siteRules, type BookingRules, type SiteRules } from '../../src/domain/fair-share.js';
import type { Reservation } from '../../src/domain/reservation.js';
import { conditionBookings } from '../../src/domain/write-plan.js';
import { aReservation } from '../support/builders.js';

const NOW = Date.parse('2026-12-14T17:00:00Z'); // Monday 10:00 in Denver
const alice: Actor = { kind: 'user', sub: 'alice', isAdmin: false };
const admin: Actor = { kind: 'user', sub: 'root', isAdmin: true };
const student: Actor = { kind: 'user', sub: 'sam', isAdmin: false, roles: ['observer', 'students'] };

const booking = (id: string, start: string, end: string, overrides: Partial<Reservation> = {}): Reservation =>
  aReservation({ event_id: id, creator_id: 'alice', site: 'saf', start, end, ...overrides });

/** The judgment of `after` (replacing `before`) over `stored`, as a store would run it. */
function judge(rules: SiteRules, after: Reservation, stored: Reservation[], before?: Reservation): void {
  for (const condition of judgeBooking(rules, after, before, NOW)) condition.check(conditionBookings(condition, stored));
}

const RULES: BookingRules = {
  default: { longest_hours: 4, shortest_minutes: 30, per_night: { hours: 4, bookings: 2 } },
  sites: { saf: { per_week: { hours: 10 } }, mrc1: { per_night: null } },
  roles: { students: { per_night: { hours: 2 } }, staff: 'exempt', observer: { held: { hours: 1 } } },
};
const saf = (actor: Actor = alice): SiteRules => siteRules(RULES, 'saf', 'America/Denver', actor);

describe('the rules an actor books under', () => {
  it('are the default, overlaid by the site\'s, then by the first role of BOOKING_RULES.roles the actor holds', () => {
    expect(saf()).toMatchObject({ longest_hours: 4, per_night: { hours: 4, bookings: 2 }, per_week: { hours: 10 }, role: null, exempt: false });
    expect(siteRules(RULES, 'mrc1', 'UTC', alice)).toMatchObject({ per_night: null, per_week: null });
    // "students" comes before "observer" in BOOKING_RULES.roles, whatever the token's order.
    expect(saf(student)).toMatchObject({ role: 'students', per_night: { hours: 2 }, held: null, per_week: { hours: 10 } });
    expect(saf({ kind: 'user', sub: 's', isAdmin: false, roles: ['staff'] })).toMatchObject({ role: 'staff', exempt: true });
  });

  it('exempt an admin unless BOOKING_RULES.roles names admin', () => {
    expect(saf(admin)).toMatchObject({ role: 'admin', exempt: true });
    const strict = siteRules({ ...RULES, roles: { admin: { per_night: { hours: 8 } } } }, 'saf', 'UTC', admin);
    expect(strict).toMatchObject({ role: 'admin', exempt: false, per_night: { hours: 8 } });
    expect(judgeBooking(saf(admin), booking('x', '2026-12-15T03:00:00Z', '2026-12-15T23:00:00Z'), undefined, NOW)).toEqual([]);
  });
});

describe('shape rules: a 400 naming the rule, judged only when the times change', () => {
  it('refuses too long, too short, too soon and too far ahead', () => {
    const rules: SiteRules = { ...saf(), notice_minutes: 60, ahead_days: 7 };
    const refusal = (start: string, end: string): string => {
      try {
        judgeBooking(rules, booking('x', start, end), undefined, NOW);
      } catch (error) {
        expect(error).toBeInstanceOf(BookingRuleError);
        return (error as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refusal('2026-12-15T03:00:00Z', '2026-12-15T08:00:00Z')).toBe('At saf a booking lasts at most 4 h; this one lasts 5 h.');
    expect(refusal('2026-12-15T03:00:00Z', '2026-12-15T03:20:00Z')).toBe('At saf a booking lasts at least 30 min; this one lasts 20 min.');
    expect(refusal('2026-12-14T17:30:00Z', '2026-12-14T18:30:00Z')).toBe('At saf a booking starts at least 1 h after it is made: from 2026-12-14T18:00:00Z on.');
    expect(refusal('2026-12-22T03:00:00Z', '2026-12-22T04:00:00Z')).toBe('At saf a booking starts at most 7 days ahead: by 2026-12-21T17:00:00Z.');
  });

  it('lets a booking made before a tightened rule be renamed, linked or shortened at its end without a refusal', () => {
    const long = booking('x', '2026-12-14T17:10:00Z', '2026-12-14T23:10:00Z'); // 6 h, starting in 10 min
    const rules: SiteRules = { ...saf(), notice_minutes: 60 };
    expect(judgeBooking(rules, { ...long, title: 'renamed' }, long, NOW)).toEqual([]);
    expect(judgeBooking(rules, { ...long, project_id: 'p#1' }, long, NOW)).toEqual([]);
    // Moved to another telescope, it is a new booking there: judged in full.
    expect(() => judgeBooking(rules, { ...long, title: 'renamed', site: 'mrc1' }, long, NOW)).toThrow(BookingRuleError);
    // Its start is kept, so the notice rule is not judged again; the new length is.
    expect(() => judgeBooking(rules, { ...long, end: '2026-12-14T21:10:00Z' }, long, NOW)).not.toThrow();
  });
});

describe('allowances: a 409 naming the rule, the period and the numbers', () => {
  it('counts a booking across noon in both nights, its hours split at noon', () => {
    const across = booking('b', '2026-12-15T17:00:00Z', '2026-12-15T21:00:00Z'); // 10:00-14:00 local
    const stored = [booking('a', '2026-12-15T14:00:00Z', '2026-12-15T17:00:00Z'), booking('c', '2026-12-16T03:00:00Z', '2026-12-16T05:00:00Z')];
    // Night of 14 Dec: a (3 h) + 2 h of b = 5 h > 4. Night of 15 Dec: 2 h of b + c (2 h) = 4 h.
    expect(() => judge(saf(), across, stored)).toThrow('At saf you may book 4 h per night; you hold 3 h on the night of 14 Dec 2026, and this booking needs 2 h.');
    // Starting an hour later: 1 h on the night of 14 Dec (4 h), 2 h on the night of 15 Dec (4 h).
    expect(() => judge(saf(), { ...across, start: '2026-12-15T18:00:00Z' }, stored)).not.toThrow();
  });

  it('counts bookings per night, a booking across midnight once', () => {
    const stored = [booking('a', '2026-12-15T05:00:00Z', '2026-12-15T08:00:00Z')]; // 22:00-01:00 local
    expect(() => judge(saf(), booking('b', '2026-12-15T09:00:00Z', '2026-12-15T09:30:00Z'), stored)).not.toThrow();
    const two = [...stored, booking('b', '2026-12-15T09:00:00Z', '2026-12-15T09:30:00Z')];
    expect(() => judge(saf(), booking('c', '2026-12-15T10:00:00Z', '2026-12-15T10:30:00Z'), two))
      .toThrow('At saf you may make 2 bookings per night; you already have 2 on the night of 14 Dec 2026.');
  });

  it('counts a week from Monday noon: Sunday night\'s booking is the week before\'s', () => {
    const rules: SiteRules = { ...saf(), per_night: null, per_week: { hours: 4 } };
    const sunday = booking('s', '2026-12-14T03:00:00Z', '2026-12-14T07:00:00Z'); // Sunday 13 Dec, 20:00 local (in the past: its week has not ended)
    const monday = booking('m', '2026-12-15T03:00:00Z', '2026-12-15T05:00:00Z');
    expect(() => judge(rules, monday, [sunday])).not.toThrow();
    expect(() => judge(rules, monday, [sunday, booking('t', '2026-12-16T03:00:00Z', '2026-12-16T06:00:00Z')]))
      .toThrow('At saf you may book 4 h per week; you hold 3 h in the week of 14 Dec 2026, and this booking needs 2 h.');
  });

  it('counts every rolling window of N nights that holds one of the booking\'s nights', () => {
    const rules: SiteRules = { ...saf(), per_night: null, per_week: null, rolling: { nights: 3, bookings: 2 } };
    const stored = [booking('a', '2026-12-15T03:00:00Z', '2026-12-15T04:00:00Z'), booking('b', '2026-12-19T03:00:00Z', '2026-12-19T04:00:00Z')];
    // Nights of 14 and 18 Dec are 4 apart: a night between them makes a window of 3 nights with 2 others.
    expect(() => judge(rules, booking('c', '2026-12-17T03:00:00Z', '2026-12-17T04:00:00Z'), stored)).not.toThrow();
    expect(() => judge(rules, booking('c', '2026-12-16T03:00:00Z', '2026-12-16T04:00:00Z'), [...stored, booking('d', '2026-12-17T03:00:00Z', '2026-12-17T04:00:00Z')]))
      .toThrow('At saf you may make 2 bookings in any 3 nights; you already have 2 in the 3 nights from 14 Dec 2026 to 16 Dec 2026.');
  });

  it('counts what is held from now on, only the future part of a booking under way', () => {
    const rules: SiteRules = { ...saf(), per_night: null, per_week: null, held: { hours: 3 } };
    const underWay = booking('a', '2026-12-14T15:00:00Z', '2026-12-14T19:00:00Z'); // 2 h of it left
    expect(() => judge(rules, booking('b', '2026-12-20T03:00:00Z', '2026-12-20T04:00:00Z'), [underWay])).not.toThrow();
    expect(() => judge(rules, booking('b', '2026-12-20T03:00:00Z', '2026-12-20T05:00:00Z'), [underWay]))
      .toThrow('At saf you may hold 3 h of future bookings at once; you hold 2 h, and this booking needs 2 h.');
  });

  it('charges a modify only its difference: a booking over a tightened limit may shrink or stay, never grow', () => {
    const over = [booking('a', '2026-12-15T03:00:00Z', '2026-12-15T06:00:00Z'), booking('b', '2026-12-15T06:00:00Z', '2026-12-15T09:00:00Z')]; // 6 h > 4
    const b = over[1]!;
    expect(() => judge(saf(), { ...b, end: '2026-12-15T08:00:00Z' }, over, b)).not.toThrow();
    expect(() => judge(saf(), { ...b, start: '2026-12-15T07:00:00Z', end: '2026-12-15T10:00:00Z' }, over, b)).not.toThrow();
    expect(() => judge(saf(), { ...b, end: '2026-12-15T10:00:00Z' }, over, b)).toThrow(AllowanceExceededError);
    // Three bookings on a night that now allows two: moving one within the night adds none.
    const crowded = [...over, booking('c', '2026-12-15T10:00:00Z', '2026-12-15T10:30:00Z')];
    expect(() => judge({ ...saf(), per_night: { bookings: 2 } }, { ...crowded[2]!, start: '2026-12-15T09:30:00Z' }, crowded, crowded[2])).not.toThrow();
    expect(() => judge({ ...saf(), per_night: { bookings: 2 } }, booking('d', '2026-12-15T11:00:00Z', '2026-12-15T11:30:00Z'), crowded)).toThrow(AllowanceExceededError);
    // Moved to another night, it is charged there in full.
    expect(() => judge(saf(), { ...b, start: '2026-12-17T03:00:00Z', end: '2026-12-17T06:00:00Z' }, over, b)).not.toThrow();
  });

  it('never counts an LCO observation, and never judges one', () => {
    const lco = booking('l', '2026-12-15T03:00:00Z', '2026-12-15T07:00:00Z', { origin: 'LCO' });
    expect(() => judge(saf(), booking('b', '2026-12-15T08:00:00Z', '2026-12-15T12:00:00Z'), [lco])).not.toThrow();
    expect(judgeBooking(saf(), { ...lco, end: '2026-12-16T03:00:00Z' }, undefined, NOW)).toEqual([]);
    // An observation made a booking (an admin under rules of their own) is judged as a new booking.
    const admins: SiteRules = { ...saf(), per_night: { hours: 3 } };
    expect(() => judge(admins, { ...lco, origin: 'PTR' }, [lco], lco)).toThrow(AllowanceExceededError);
  });

  it('judges a booking begun long ago in exactly the periods still open, skipping the nights before them', () => {
    const rules: SiteRules = { ...saf(), per_week: { hours: 10 }, rolling: { nights: 31, hours: 100 } };
    // Ended five days ago: still inside the rolling windows of 31 nights that end after now.
    const month = periodsOf(rules, { start: NOW - 30 * 86_400_000, end: NOW - 5 * 86_400_000 }, NOW);
    const ancient = periodsOf(rules, { start: NOW - 400 * 86_400_000, end: NOW - 5 * 86_400_000 }, NOW);
    expect(ancient).toEqual(month);
    expect(month.filter((p) => p.kind === 'rolling')).toHaveLength(26);
    expect(month.every((p) => p.span.end > NOW)).toBe(true);
  });

  it('does not judge periods that ended before the write', () => {
    const past = [booking('a', '2026-12-10T03:00:00Z', '2026-12-10T07:00:00Z')];
    expect(() => judge({ ...saf(), longest_hours: null }, booking('b', '2026-12-10T08:00:00Z', '2026-12-10T12:00:00Z'), past)).not.toThrow();
  });
});

describe('against a count by the hour (property)', () => {
  // UTC, whole hours from the start of a night: nights are the 24-hour blocks from 12:00Z.
  const ORIGIN = Date.parse('2026-12-15T12:00:00Z');
  const hourBooking = fc.record({ start: fc.integer({ min: 0, max: 24 * 9 }), hours: fc.integer({ min: 1, max: 30 }) });
  const toBooking = (id: string, { start, hours }: { start: number; hours: number }): Reservation => booking(id,
    new Date(ORIGIN + start * 3_600_000).toISOString().replace('.000', ''), new Date(ORIGIN + (start + hours) * 3_600_000).toISOString().replace('.000', ''));

  /** Hours and bookings in each night, counted slot by slot. */
  function nights(bookings: Array<{ start: number; hours: number }>): Map<number, { hours: number; bookings: Set<number> }> {
    const byNight = new Map<number, { hours: number; bookings: Set<number> }>();
    bookings.forEach(({ start, hours }, index) => {
      for (let h = start; h < start + hours; h++) {
        const night = Math.floor(h / 24);
        const entry = byNight.get(night) ?? { hours: 0, bookings: new Set() };
        entry.hours += 1;
        entry.bookings.add(index);
        byNight.set(night, entry);
      }
    });
    return byNight;
  }

  it('accepts a booking exactly when no night it touches goes over 8 h or 2 bookings, or it raises none that is over', () => {
    const rules: SiteRules = { ...siteRules({ default: { per_night: { hours: 8, bookings: 2 } } }, 'x', 'UTC', alice), site: 'saf' };
    const now = ORIGIN - 86_400_000;
    fc.assert(fc.property(fc.array(hourBooking, { maxLength: 5 }), hourBooking, (held, candidate) => {
      const stored = held.map((b, i) => toBooking(`h${i}`, b));
      let accepted = true;
      try {
        for (const condition of judgeBooking({ ...rules, longest_hours: null }, toBooking('new', candidate), undefined, now)) {
          condition.check(conditionBookings(condition, stored) as Booking[] as Reservation[]);
        }
      } catch (error) {
        if (!(error instanceof AllowanceExceededError)) throw error;
        accepted = false;
      }
      const before = nights(held);
      const after = nights([...held, candidate]);
      const over = [...after.entries()].some(([night, use]) => {
        const was = before.get(night) ?? { hours: 0, bookings: new Set() };
        return (use.hours > 8 && use.hours > was.hours) || (use.bookings.size > 2 && use.bookings.size > was.bookings.size);
      });
      expect(accepted).toBe(!over);
    }), { numRuns: 400 });
  });
});

describe('/allowance\'s lines', () => {
  it('give each rule\'s limit, use and what is left around a time', () => {
    const rules: SiteRules = { ...saf(), rolling: { nights: 7, bookings: 5 }, held: { hours: 10 } };
    const stored: Booking[] = [booking('a', '2026-12-15T03:00:00Z', '2026-12-15T06:00:00Z'), booking('b', '2026-12-17T03:00:00Z', '2026-12-17T04:30:00Z')];
    const lines = allowanceLines(rules, stored, Date.parse('2026-12-15T04:00:00Z'), NOW);
    expect(lines.map((l) => [l.rule, l.period.label, l.limit_hours, l.used_hours, l.left_hours, l.limit_bookings, l.used_bookings, l.left_bookings])).toEqual([
      ['per_night', 'the night of 14 Dec 2026', 4, 3, 1, 2, 1, 1],
      ['per_week', 'the week of 14 Dec 2026', 10, 4.5, 5.5, null, 2, null],
      ['rolling', 'the 7 nights from 8 Dec 2026 to 14 Dec 2026', null, 3, null, 5, 1, 4],
      ['held', 'held from now on', 10, 4.5, 5.5, null, 2, null],
    ]);
    expect(lines[0]!.period).toMatchObject({ start: '2026-12-14T19:00:00Z', end: '2026-12-15T19:00:00Z' });
    expect(lines[3]!.period.end).toBeNull();
  });
});

describe('time already used stays counted (found by the red team: deleting a used booking gave its hours back)', () => {
  // NOW is 17:00Z; this booking began at 15:00Z and runs to 19:00Z.
  const running = booking('r', '2026-12-14T15:00:00Z', '2026-12-14T19:00:00Z');
  const used = booking('u', '2026-12-14T10:00:00Z', '2026-12-14T12:00:00Z');

  it('refuses to delete, move or cut into the past a booking under allowances that has begun', () => {
    expect(() => judgeBooking(saf(), null, running, NOW)).toThrow(BookingBegunError);
    expect(() => judgeBooking(saf(), null, running, NOW)).toThrow(
      'At saf your booking from 2026-12-14T15:00:00Z to 2026-12-14T19:00:00Z has begun, and the time used counts against your allowance: you may end it early (its end moved to 2026-12-14T17:00:00Z or later), not delete it, move it or cut its past.');
    expect(() => judgeBooking(saf(), { ...running, start: '2026-12-14T16:00:00Z' }, running, NOW)).toThrow(BookingBegunError);
    expect(() => judgeBooking(saf(), { ...running, end: '2026-12-14T16:30:00Z' }, running, NOW)).toThrow(BookingBegunError);
    expect(() => judgeBooking(saf(), { ...running, site: 'mrc1' }, running, NOW)).toThrow(BookingBegunError);
    expect(() => judgeBooking(saf(), null, used, NOW)).toThrow('has been used, and it counts against your allowance: it can no longer be deleted or changed.');
    expect(() => judgeBooking(saf(), { ...used, end: '2026-12-14T11:00:00Z' }, used, NOW)).toThrow(BookingBegunError);
  });

  it('lets it be ended early, however short that leaves it, renamed, and a booking not begun deleted', () => {
    const strict: SiteRules = { ...saf(), shortest_minutes: 180 };
    expect(() => judge(strict, { ...running, end: '2026-12-14T17:00:00Z' }, [running], running)).not.toThrow();
    expect(judgeBooking(saf(), { ...running, title: 'renamed' }, running, NOW)).toEqual([]);
    expect(judgeBooking(saf(), null, booking('f', '2026-12-15T03:00:00Z', '2026-12-15T04:00:00Z'), NOW)).toEqual([]);
  });

  it('is no rule where nothing counts time: without allowances, for the exempt, for LCO observations', () => {
    const shapeOnly: SiteRules = { ...saf(), per_night: null, per_week: null, rolling: null, held: null };
    expect(judgeBooking(shapeOnly, null, running, NOW)).toEqual([]);
    expect(judgeBooking(saf(admin), null, running, NOW)).toEqual([]);
    expect(judgeBooking(saf(), null, { ...running, origin: 'LCO' }, NOW)).toEqual([]);
  });
});

describe('shape rules charge a change only what it makes worse (found by the red team)', () => {
  it('lets a booking longer than a rule tightened later shrink towards it, but not grow', () => {
    const six = booking('s', '2026-12-16T03:00:00Z', '2026-12-16T09:00:00Z');
    expect(() => judgeBooking(saf(), { ...six, end: '2026-12-16T08:00:00Z' }, six, NOW)).not.toThrow();
    expect(() => judgeBooking(saf(), { ...six, end: '2026-12-16T10:00:00Z' }, six, NOW)).toThrow('lasts at most 4 h; this one lasts 7 h.');
  });

  it('never rounds a refusal into agreement with its rule', () => {
    expect(() => judgeBooking(saf(), booking('x', '2026-12-16T03:00:00Z', '2026-12-16T07:00:01Z'), undefined, NOW))
      .toThrow('At saf a booking lasts at most 4 h; this one lasts 4 h 1 s.');
    expect(() => judgeBooking(saf(), booking('x', '2026-12-16T03:00:00Z', '2026-12-16T03:29:59Z'), undefined, NOW))
      .toThrow('At saf a booking lasts at least 30 min; this one lasts 29 min 59 s.');
    expect([hoursText(5_400_000), hoursText(900_000), hoursText(1000), hoursText(14_400_000 + 1000)]).toEqual(['1.5 h', '0.25 h', '1 s', '4 h 1 s']);
    const full = [booking('a', '2026-12-15T03:00:00Z', '2026-12-15T07:00:00Z')];
    // One second of it in a full night: refused, and the refusal says one second, not 0 h.
    expect(() => judge({ ...saf(), shortest_minutes: null }, booking('b', '2026-12-15T18:59:59Z', '2026-12-15T20:00:00Z'), full))
      .toThrow('you hold 4 h on the night of 14 Dec 2026, and this booking needs 1 s.');
  });

  it('says a notice of 0 as what it means', () => {
    expect(() => judgeBooking({ ...saf(), notice_minutes: 0 }, booking('x', '2026-12-14T16:00:00Z', '2026-12-14T18:00:00Z'), undefined, NOW))
      .toThrow('At saf a booking may not start in the past: from 2026-12-14T17:00:00Z on.');
  });
});
