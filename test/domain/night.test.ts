/**
 * The rules about nights, without an ephemeris: which part of a night is dark at a darkness, the
 * free time of a window (a property test against a second-by-second brute force), the inside-the-
 * night rule and the dates whose nights a window can touch.
 */
import fc from 'fast-check';
import { InvalidInputError } from '../../src/domain/errors.js';
import { assertInsideNight, darkInterval, darkParts, freeIntervals, nightDates, type Night } from '../../src/domain/night.js';
import { formatUtcTime } from '../../src/domain/time.js';

const BASE = 1_750_000_000;
const at = (s: number): string => formatUtcTime(BASE + s);
const sec = (iso: string): number => Date.parse(iso) / 1000 - BASE;

/** A mid-latitude night: noon at 0 h, sunset at 7 h, 1 h per twilight step, sunrise at 21 h, next noon at 24 h. */
function aNight(overrides: Partial<Night> = {}, offset = 0): Night {
  const h = (hours: number): string => at(offset + hours * 3600);
  return {
    span: { start: h(0), end: h(24) },
    sunset: h(7), civil_dusk: h(7.5), nautical_dusk: h(8), astronomical_dusk: h(9),
    astronomical_dawn: h(19), nautical_dawn: h(20), civil_dawn: h(20.5), sunrise: h(21),
    moonrise: null, moonset: h(3), moon_illumination: 0.4,
    noonAltitude: 60, midnightAltitude: -40,
    ...overrides,
  };
}

describe('darkInterval', () => {
  const night = aNight();
  it.each([
    ['astronomical', 9, 19], ['nautical', 8, 20], ['civil', 7.5, 20.5], ['any', 0, 24],
  ] as const)('%s darkness runs from its dusk to its dawn', (darkness, from, to) => {
    expect(darkInterval(night, darkness)).toEqual({ start: at(from * 3600), end: at(to * 3600) });
  });

  it('polar night: when even noon is that dark, the whole night is', () => {
    const polar = aNight({ sunset: null, sunrise: null, civil_dusk: null, civil_dawn: null, nautical_dusk: null, nautical_dawn: null, noonAltitude: -13, midnightAltitude: -33 });
    expect(darkInterval(polar, 'nautical')).toEqual(polar.span);
    expect(darkInterval(polar, 'astronomical')).toEqual({ start: polar.astronomical_dusk, end: polar.astronomical_dawn });
  });

  it('polar day and white nights: when even midnight is not that dark, there is none', () => {
    const white = aNight({ nautical_dusk: null, nautical_dawn: null, astronomical_dusk: null, astronomical_dawn: null, midnightAltitude: -8 });
    expect(darkInterval(white, 'astronomical')).toBeNull();
    expect(darkInterval(white, 'nautical')).toBeNull();
    expect(darkInterval(white, 'civil')).toEqual({ start: white.civil_dusk, end: white.civil_dawn });
  });

  it("a dusk that fell before the night's noon (the dark began the day before) starts at the night's edge", () => {
    const night = aNight({ astronomical_dusk: null, noonAltitude: -10, midnightAltitude: -30 });
    expect(darkInterval(night, 'astronomical')).toEqual({ start: night.span.start, end: night.astronomical_dawn });
  });
});

describe('darkParts', () => {
  it('joins the parts of nights that meet, as polar nights do from noon to noon (a second apart or overlapping included)', () => {
    const polar = { sunset: null, sunrise: null, civil_dusk: null, civil_dawn: null, nautical_dusk: null, nautical_dawn: null, astronomical_dusk: null, astronomical_dawn: null, noonAltitude: -20, midnightAltitude: -33 };
    const first = aNight(polar);
    const second = aNight({ ...polar, span: { start: at(86_399), end: at(2 * 86_400) } });
    const third = aNight({}, 2 * 86_400);
    expect(darkParts([first, second, third], 'astronomical')).toEqual([
      { start: first.span.start, end: second.span.end }, { start: third.astronomical_dusk, end: third.astronomical_dawn },
    ]);
  });
});

describe('freeIntervals', () => {
  it('cuts the window to the dark parts and takes out the bookings, dropping short pieces', () => {
    const h = (hours: number): string => at(hours * 3600);
    const parts = [{ start: h(9), end: h(19) }, { start: h(33), end: h(43) }];
    const booked = [{ start: h(10), end: h(11) }, { start: h(11), end: h(12) }, { start: h(18.75), end: h(34) }];
    expect(freeIntervals(parts, { start: h(0), end: h(40) }, booked, 0)).toEqual([
      { start: h(9), end: h(10) }, { start: h(12), end: h(18.75) }, { start: h(34), end: h(40) },
    ]);
    expect(freeIntervals(parts, { start: h(0), end: h(40) }, booked, 61)).toEqual([{ start: h(12), end: h(18.75) }, { start: h(34), end: h(40) }]);
  });

  it('is exactly the seconds inside a dark part and the window and outside every booking, in pieces of at least min_minutes (property)', () => {
    const span = fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 600 }));
    fc.assert(fc.property(
      fc.array(span, { maxLength: 4 }), span, fc.array(span, { maxLength: 8 }), fc.integer({ min: 0, max: 5 }),
      (rawParts, [ws, wl], rawBooked, minMinutes) => {
        // Dark parts never overlap (one per night): lay them end to end with gaps.
        let cursor = 0;
        const parts = rawParts.map(([gap, len]) => {
          const start = cursor + gap;
          cursor = start + len;
          return { start: at(start), end: at(start + len) };
        });
        const window = { start: at(ws), end: at(ws + wl * 4) };
        const booked = rawBooked.map(([s, l]) => ({ start: at(s), end: at(s + l) }));
        const free = freeIntervals(parts, window, booked, minMinutes);
        // In seconds from BASE, for a brute force over every second.
        const num = (i: { start: string; end: string }): [number, number] => [sec(i.start), sec(i.end)];
        const [np, nb, [w0, w1]] = [parts.map(num), booked.map(num), num(window)];
        const isFreeSecond = (t: number): boolean =>
          w0 <= t && t < w1 && np.some(([s, e]) => s <= t && t < e) && !nb.some(([s, e]) => s <= t && t < e);
        // Ordered, apart, non-empty, long enough.
        for (let i = 0; i < free.length; i++) {
          const piece = free[i]!;
          expect(sec(piece.end) - sec(piece.start)).toBeGreaterThanOrEqual(Math.max(1, minMinutes * 60));
          if (i > 0) expect(sec(free[i - 1]!.end) <= sec(piece.start)).toBe(true);
          // Every second of a piece is free, and a piece cannot grow at either end.
          let allFree = true;
          for (let t = sec(piece.start); t < sec(piece.end); t++) allFree &&= isFreeSecond(t);
          expect(allFree).toBe(true);
          expect(isFreeSecond(sec(piece.start) - 1) && !parts.some((p) => p.start === piece.start)).toBe(false);
          expect(isFreeSecond(sec(piece.end)) && !parts.some((p) => p.end === piece.end)).toBe(false);
        }
        // Every free second lies in a piece, unless its whole free run is shorter than min_minutes.
        const nf = free.map(num);
        const covered = (t: number): boolean => nf.some(([s, e]) => s <= t && t < e);
        for (let t = 0; t < cursor + 2400; t++) {
          if (covered(t) || !isFreeSecond(t)) continue;
          let from = t;
          let to = t;
          while (isFreeSecond(from - 1) && !np.some(([s]) => s === from)) from--;
          while (isFreeSecond(to + 1) && !np.some(([s]) => s === to + 1)) to++;
          expect(to + 1 - from).toBeLessThan(minMinutes * 60);
        }
      },
    ), { numRuns: 200 });
  });
});

describe('assertInsideNight', () => {
  const nights = [aNight(), aNight({}, 86_400)];
  const h = (hours: number): string => at(hours * 3600);

  it('accepts a booking inside one night at the darkness, from dusk to dawn exactly', () => {
    expect(() => assertInsideNight('saf', { start: h(9), end: h(19) }, nights, 'astronomical')).not.toThrow();
    expect(() => assertInsideNight('saf', { start: h(8), end: h(9) }, nights, 'nautical')).not.toThrow();
  });

  it("refuses one that starts in twilight, naming that night's bounds", () => {
    const refuse = () => assertInsideNight('saf', { start: h(8.5), end: h(10) }, nights, 'astronomical');
    expect(refuse).toThrow(InvalidInputError);
    expect(refuse).toThrow(`the nearest night there runs from ${h(9)} to ${h(19)}`);
  });

  it('refuses one across two nights (through the day), naming the night it starts in', () => {
    expect(() => assertInsideNight('saf', { start: h(18), end: h(34) }, nights, 'astronomical')).toThrow(`from ${h(9)} to ${h(19)}`);
  });

  it('refuses one in the day, naming the coming night', () => {
    expect(() => assertInsideNight('saf', { start: h(22), end: h(23) }, nights, 'astronomical')).toThrow(`from ${h(33)} to ${h(43)}`);
  });

  it('says so when there is no darkness at all (a polar day)', () => {
    const day = [aNight({ astronomical_dusk: null, astronomical_dawn: null, midnightAltitude: 5 })];
    expect(() => assertInsideNight('saf', { start: h(9), end: h(10) }, day, 'astronomical')).toThrow('there is no astronomical darkness there');
  });
});

describe('nightDates', () => {
  it('lists the local dates whose nights can touch the window, from the day before', () => {
    expect(nightDates({ start: '2031-06-20T00:00:00Z', end: '2031-06-22T00:00:00Z' }, 0)).toEqual(['2031-06-19', '2031-06-20', '2031-06-21', '2031-06-22']);
    // Far west the local date is behind UTC's.
    expect(nightDates({ start: '2031-06-20T03:00:00Z', end: '2031-06-20T04:00:00Z' }, -150)).toEqual(['2031-06-18', '2031-06-19']);
  });
});
