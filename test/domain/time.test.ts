import fc from 'fast-check';
import { InvalidInputError } from '../../src/domain/errors.js';
import {
  addSeconds, epochSecondsOf, formatUtcTime, MAX_EPOCH_SECONDS, MIN_EPOCH_SECONDS, parseUtcTime, toEpochSeconds,
} from '../../src/domain/time.js';

describe('parseUtcTime', () => {
  it.each([
    ['2025-06-20T03:00Z', '2025-06-20T03:00:00Z'],
    ['2025-06-20T03:00:00Z', '2025-06-20T03:00:00Z'],
    ['2025-06-20T03:00:00.000Z', '2025-06-20T03:00:00Z'],
    ['2025-06-20T03:00:00.999999Z', '2025-06-20T03:00:00Z'],
    ['2025-06-19T21:00:00-06:00', '2025-06-20T03:00:00Z'],
    ['2025-06-20T08:30:00+0530', '2025-06-20T03:00:00Z'],
    ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59Z'],
    ['2025-12-31T23:00:00-02:00', '2026-01-01T01:00:00Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00Z'],
    ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00Z'],
    ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59Z'],
  ])('accepts %s as %s', (input, canonical) => {
    expect(parseUtcTime(input, 'start')).toBe(canonical);
  });

  it.each([
    ['no zone', '2025-06-20T03:00:00'],
    ['date only', '2025-06-20'],
    ['impossible day', '2025-02-30T00:00:00Z'],
    ['not a leap year', '2025-02-29T00:00:00Z'],
    ['1900 is not a leap year', '1900-02-29T00:00:00Z'],
    ['month 13', '2025-13-01T00:00:00Z'],
    ['hour 24', '2025-06-20T24:00:00Z'],
    ['leap second', '2016-12-31T23:59:60Z'],
    ['free text', 'tomorrow at noon'],
    ['space separator', '2025-06-20 03:00:00Z'],
    ['offset past the range', '9999-12-31T23:00:00-02:00'],
    ['bad offset', '2025-06-20T03:00:00+25:00'],
    ['number', 1750388400],
    ['null', null],
    ['empty', ''],
  ])('refuses %s with a message naming the field', (_why, input) => {
    expect(() => parseUtcTime(input, 'end')).toThrow(InvalidInputError);
    expect(() => parseUtcTime(input, 'end')).toThrow(/Invalid end/);
  });
});

describe('canonical time properties', () => {
  const epoch = fc.integer({ min: MIN_EPOCH_SECONDS, max: MAX_EPOCH_SECONDS });

  it('formatting round-trips through parsing', () => {
    fc.assert(fc.property(epoch, (s) => toEpochSeconds(formatUtcTime(s)) === s && parseUtcTime(formatUtcTime(s), 't') === formatUtcTime(s)));
  });

  it('string order equals time order', () => {
    fc.assert(
      fc.property(epoch, epoch, (a, b) => {
        const [x, y] = [formatUtcTime(a), formatUtcTime(b)];
        return Math.sign(a - b) === (x < y ? -1 : x > y ? 1 : 0);
      }),
    );
  });

  it('agrees with Date for every time Date can express in ISO form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799 }), (s) => {
        const iso = new Date(s * 1000).toISOString();
        return formatUtcTime(s) === `${iso.slice(0, 19)}Z` && epochSecondsOf(iso) === s;
      }),
    );
  });

  it('an offset time names the same instant as its UTC form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 86_400, max: 253_402_214_400 }), fc.integer({ min: -14 * 60, max: 14 * 60 }), (s, offsetMin) => {
        const local = formatUtcTime(s + offsetMin * 60).slice(0, 19);
        const sign = offsetMin < 0 ? '-' : '+';
        const abs = Math.abs(offsetMin);
        const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        return parseUtcTime(`${local}${zone}`, 't') === formatUtcTime(s);
      }),
    );
  });

  it('addSeconds moves by whole seconds and clamps at the ends of the range', () => {
    expect(addSeconds('2025-06-20T03:00:00Z', -3600)).toBe('2025-06-20T02:00:00Z');
    expect(addSeconds('2025-12-31T23:59:59Z', 1)).toBe('2026-01-01T00:00:00Z');
    expect(addSeconds('0000-01-01T00:30:00Z', -7200)).toBe('0000-01-01T00:00:00Z');
    expect(addSeconds('9999-12-31T23:00:00Z', 7200)).toBe('9999-12-31T23:59:59Z');
  });
});
