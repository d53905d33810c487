import fc from 'fast-check';
import { calendarEntry, calendarId, calendarText, calendarFeedWindow, latestTime, windowMovedAt } from '../../src/domain/calendar-feed.js';
import { publicView } from '../../src/domain/public-view.js';
import { aReservation } from '../support/builders.js';

describe('calendarId', () => {
  it('keeps an identifier, and writes control characters, lone surrogates and % as %XX (%uXXXX)', () => {
    expect(calendarId('0f1e4c52-7c0e-4b8e-9d38-2f6a1c7e9b41')).toBe('0f1e4c52-7c0e-4b8e-9d38-2f6a1c7e9b41');
    expect(calendarId('a,b;c\\d 🔭 é')).toBe('a,b;c\\d 🔭 é');
    expect(calendarId('x\r\nUID:fake')).toBe('x%0D%0AUID:fake');
    expect(calendarId('100%\u0000\u007f\t')).toBe('100%25%00%7F%09');
    expect(calendarId('\ud800a\udc00')).toBe('%uD800a%uDC00');
  });

  it('is one to one, and leaves nothing iCalendar text cannot carry', () => {
    const decode = (text: string) => text.replace(/%u([0-9A-F]{4})|%([0-9A-F]{2})/g, (_, w?: string, n?: string) => String.fromCharCode(parseInt(w ?? n!, 16)));
    fc.assert(fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), (id) => {
      const written = calendarId(id);
      expect(decode(written)).toBe(id);
      expect(written).toBe(calendarText(written)); // no control character, no lone surrogate
    }), { numRuns: 2000 });
  });
});

describe('calendarFeedWindow', () => {
  it('runs from UTC midnight pastDays ago to UTC midnight futureDays ahead, the same all day', () => {
    const morning = Date.parse('2031-06-20T00:00:01Z') / 1000;
    const night = Date.parse('2031-06-20T23:59:59Z') / 1000;
    expect(calendarFeedWindow(morning, 30, 90)).toEqual({ start: '2031-05-21T00:00:00Z', end: '2031-09-18T00:00:00Z' });
    expect(calendarFeedWindow(night, 30, 90)).toEqual(calendarFeedWindow(morning, 30, 90));
    expect(windowMovedAt(night)).toBe('2031-06-20T00:00:00Z');
  });
});

describe('calendarText', () => {
  it('keeps tab and newline, turns CR LF and lone CR into a newline, drops every other control character', () => {
    expect(calendarText('a\tb\r\nc\rd\ne\u0000f\u0007g\u001bh\u007fi')).toBe('a\tb\nc\nd\nefghi');
    expect(calendarText(undefined)).toBe('');
    expect(calendarText(42)).toBe('42');
  });

  it('always answers well-formed text with no control character but tab and newline (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (raw) => {
      const text = calendarText(raw);
      // No lone surrogate: each high one is followed by a low one, each low one follows a high one.
      expect(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text)).toBe(false);
      // eslint-disable-next-line no-control-regex
      expect(/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)).toBe(false);
      expect(() => new TextEncoder().encode(text)).not.toThrow();
    }), { numRuns: 2000 });
  });

  it('mends a lone surrogate, keeps a pair', () => {
    expect(calendarText('a\ud800b')).toBe('a\ufffdb');
    expect(calendarText('🔭')).toBe('🔭');
  });
});

describe('calendarEntry', () => {
  it('says type, creator, project, origin and site; the categories apps filter by; SEQUENCE is the version', () => {
    const entry = calendarEntry(publicView(aReservation({
      event_id: 'e1', title: 'M31', reservation_type: 'project', project_id: 'M31#2031-01-01T00:00:00Z', version: 4, reservation_note: 'private',
    })));
    expect(entry).toMatchObject({ id: 'e1', summary: 'M31', sequence: 4, categories: ['project'] });
    expect(entry.description).toBe('Type: project\nBooked by: Alice Example\nProject: M31#2031-01-01T00:00:00Z\nOrigin: PTR\nSite: saf');
    const lco = calendarEntry(aReservation({ origin: 'lco', reservation_type: 'realtime' }));
    expect(lco.categories).toEqual(['realtime', 'LCO']);
    expect(lco.description).toContain('Origin: LCO (imported from the LCO scheduler)');
  });

  it("carries the note only in the owner's feed", () => {
    const event = aReservation({ reservation_note: 'bring the red filter' });
    expect(calendarEntry(publicView(event)).description).not.toContain('red filter');
    expect(calendarEntry(event).description.endsWith('\n\nbring the red filter')).toBe(true);
  });

  it('an event with a last_modified that is not a time is stamped with its start', () => {
    expect(calendarEntry(aReservation({ last_modified: 'yesterday' })).modified).toBe('2025-06-20T03:00:00Z');
    expect(calendarEntry(aReservation({ last_modified: '2025-06-01T02:00:00+02:00' })).modified).toBe('2025-06-01T00:00:00Z');
  });

  it('latestTime picks the latest canonical time', () => {
    expect(latestTime(['2025-01-01T00:00:00Z', undefined, '2026-01-01T00:00:00Z', '2025-06-01T00:00:00Z'])).toBe('2026-01-01T00:00:00Z');
    expect(latestTime([])).toBeUndefined();
  });
});
