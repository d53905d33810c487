/**
 * The periods allowances are counted in, on the site's clock: nights from noon to noon, weeks of the
 * nights dated Monday to Sunday, across daylight-saving changes and in zones with odd offsets.
 */
import fc from 'fast-check';
import { addNights, dayLabel, dayNumber, localNoon, nightOf, nightSpan, nightsTouched, noonFromZone, noonOfDay, weekOf } from '../../src/domain/periods.js';

const at = (iso: string): number => Date.parse(iso);
const hoursOf = (span: { start: number; end: number }): number => (span.end - span.start) / 3_600_000;

describe('a night runs from noon to noon on the site\'s clock', () => {
  it('in Denver in winter (UTC-7): 19:00Z to 19:00Z, and 23:00 and 02:00 local are the same night', () => {
    expect(nightSpan('America/Denver', '2026-12-14')).toEqual({ start: at('2026-12-14T19:00:00Z'), end: at('2026-12-15T19:00:00Z') });
    expect(nightOf('America/Denver', at('2026-12-15T06:00:00Z'))).toBe('2026-12-14'); // 23:00 local
    expect(nightOf('America/Denver', at('2026-12-15T09:00:00Z'))).toBe('2026-12-14'); // 02:00 local
    expect(nightOf('America/Denver', at('2026-12-15T18:59:59Z'))).toBe('2026-12-14'); // 11:59:59 local
    expect(nightOf('America/Denver', at('2026-12-15T19:00:00Z'))).toBe('2026-12-15'); // noon: the next night
  });

  it('lasts 23 h across the change to daylight saving time and 25 h across the change back', () => {
    expect(hoursOf(nightSpan('America/Denver', '2026-03-07'))).toBe(23);
    expect(hoursOf(nightSpan('America/Denver', '2026-10-31'))).toBe(25);
    expect(hoursOf(nightSpan('America/Denver', '2026-06-01'))).toBe(24);
    // Arizona keeps no daylight saving time: every night 24 h.
    expect(hoursOf(nightSpan('America/Phoenix', '2026-03-07'))).toBe(24);
    // A half-hour change (Lord Howe Island) and the southern hemisphere's (Auckland, April).
    expect(hoursOf(nightSpan('Australia/Lord_Howe', '2026-04-04'))).toBe(24.5);
    expect(hoursOf(nightSpan('Pacific/Auckland', '2026-04-04'))).toBe(25);
  });

  it('in UTC (a site without a place) is 12:00Z to 12:00Z', () => {
    expect(nightSpan('UTC', '2026-12-14')).toEqual({ start: at('2026-12-14T12:00:00Z'), end: at('2026-12-15T12:00:00Z') });
  });

  it('a booking across local midnight touches one night; one across noon touches two', () => {
    expect(nightsTouched('America/Denver', { start: at('2026-12-15T05:00:00Z'), end: at('2026-12-15T09:00:00Z') })).toEqual(['2026-12-14']);
    expect(nightsTouched('America/Denver', { start: at('2026-12-15T18:00:00Z'), end: at('2026-12-15T20:00:00Z') })).toEqual(['2026-12-14', '2026-12-15']);
    // Ending exactly at noon stays in its night.
    expect(nightsTouched('America/Denver', { start: at('2026-12-15T17:00:00Z'), end: at('2026-12-15T19:00:00Z') })).toEqual(['2026-12-14']);
  });

  it('every instant lies in the span of its night, in every zone (property)', () => {
    const zones = ['UTC', 'America/Denver', 'America/Santiago', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Europe/Madrid'];
    fc.assert(fc.property(fc.constantFrom(...zones), fc.integer({ min: at('1990-01-01T00:00:00Z'), max: at('2150-01-01T00:00:00Z') }), (zone, ms) => {
      const night = nightOf(zone, ms);
      const span = nightSpan(zone, night);
      expect(span.start).toBeLessThanOrEqual(ms);
      expect(ms).toBeLessThan(span.end);
      expect(nightSpan(zone, addNights(night, -1)).end).toBe(span.start);
      expect(hoursOf(span)).toBeGreaterThanOrEqual(22);
      expect(hoursOf(span)).toBeLessThanOrEqual(26);
    }), { numRuns: 300 });
  });
});

describe('noons, kept a zone-year at a time', () => {
  const zones = ['America/Denver', 'America/Santiago', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Europe/Madrid', 'Asia/Tehran', 'Africa/Casablanca', 'America/St_Johns'];

  it('are the zone database\'s own, day by day, across every clock change of a year (property)', () => {
    fc.assert(fc.property(fc.constantFrom(...zones), fc.integer({ min: dayNumber('1900-01-01'), max: dayNumber('2200-12-31') }), (zone, first) => {
      // A run of days from a random one, so that the clock changes inside it are crossed day by day.
      for (let day = first; day < first + 40; day++) expect(noonOfDay(zone, day)).toBe(noonFromZone(zone, day));
    }), { numRuns: 150 });
  });

  it('hold in years Date.UTC misreads (0 to 99) and at the calendar\'s ends', () => {
    for (const date of ['0050-06-15', '0001-01-01', '9999-12-31', '1970-01-01']) {
      for (const zone of ['America/Denver', 'Asia/Kolkata', 'UTC']) expect(noonOfDay(zone, dayNumber(date))).toBe(noonFromZone(zone, dayNumber(date)));
    }
    expect(new Date(localNoon('UTC', '0050-06-15')).toISOString()).toBe('0050-06-15T12:00:00.000Z');
    expect(new Date(localNoon('Asia/Kolkata', '0050-06-15')).getUTCFullYear()).toBe(50);
  });
});

describe('a week is the seven nights dated Monday to Sunday', () => {
  it('starts at Monday noon: Sunday night belongs to the week before', () => {
    expect(weekOf('2026-12-14')).toBe('2026-12-14'); // a Monday
    expect(weekOf('2026-12-20')).toBe('2026-12-14'); // Sunday
    expect(weekOf('2026-12-13')).toBe('2026-12-07');
    expect(nightOf('America/Denver', at('2026-12-14T18:00:00Z'))).toBe('2026-12-13'); // Monday 11:00 local: still Sunday's night
  });

  it('is named as people write dates', () => {
    expect(dayLabel('2026-12-14')).toBe('14 Dec 2026');
    expect(localNoon('Asia/Kolkata', '2026-12-14')).toBe(at('2026-12-14T06:30:00Z'));
  });
});
