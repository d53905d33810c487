import fc from 'fast-check';
import { EventTooLargeError, InvalidInputError } from '../../src/domain/errors.js';
import { buildReservation, checkNewEventId, LIMITS, normaliseProjectId, utf8Length, type RawRecord } from '../../src/domain/reservation.js';
import { reservationFromStored } from '../../src/domain/stored-reservation.js';

const server = { creator_id: 'alice', last_modified: '2025-06-01T00:00:00Z', defaultCreator: 'Alice' };
const rules = { maxDurationSeconds: 24 * 3600 };
const body = (overrides: RawRecord = {}): RawRecord => ({
  event_id: 'e1', site: 'saf', start: '2025-06-20T03:00Z', end: '2025-06-20T04:00:00.000Z', ...overrides,
});

describe('resourceId is the site', () => {
  it('a resourceId naming another site is refused, naming both', () => {
    expect(() => buildReservation(body({ site: 'zz1', resourceId: 'saf' }), server, rules))
      .toThrow(new InvalidInputError('Invalid resourceId: "saf" must be the event\'s site, "zz1"'));
  });

  it('the same value, an empty one or none all store the site', () => {
    for (const resourceId of ['zz1', '', undefined, null]) {
      expect(buildReservation(body({ site: 'zz1', resourceId }), server, rules).resourceId).toBe('zz1');
    }
  });

  it('an older record read back shows its site as resourceId', () => {
    expect(reservationFromStored({ event_id: 'x', site: 'zz1', resourceId: 'saf', start: 'a', end: 'b' }).resourceId).toBe('zz1');
  });
});

describe('the stored size of an event', () => {
  it('an event whose JSON passes the limit is refused with its size and the limit; one just under is kept', () => {
    const base = JSON.stringify(buildReservation(body({ pad: '' }), server, rules)).length;
    const fits = buildReservation(body({ pad: 'x'.repeat(LIMITS.eventBytes - base) }), server, rules);
    expect(utf8Length(JSON.stringify(fits))).toBe(LIMITS.eventBytes);
    let refused: unknown;
    try {
      buildReservation(body({ pad: 'x'.repeat(LIMITS.eventBytes - base + 1) }), server, rules);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(EventTooLargeError);
    expect((refused as Error).message).toBe(`The event is too large to store: ${LIMITS.eventBytes + 1} bytes as JSON, at most 16384 (16 KB) with every extra key.`);
  });

  it('counts bytes, not characters: many small extras and multi-byte text add up', () => {
    const extras = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, '☄'.repeat(100)]));
    expect(() => buildReservation(body(extras), server, rules)).toThrow(EventTooLargeError);
  });

  it('utf8Length agrees with the UTF-8 encoder for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), (a, b) => {
      expect(utf8Length(a + b)).toBe(new TextEncoder().encode(a + b).length);
    }));
    for (const lone of ['\ud800', 'a\ud800b', '\udc00\ud800', '\ud83d\ude00\ud83d']) expect(utf8Length(lone)).toBe(new TextEncoder().encode(lone).length);
  });
});

describe('buildReservation', () => {
  it('fills every string field the frontend relies on, with defaults', () => {
    expect(buildReservation(body(), server, rules)).toEqual({
      event_id: 'e1', start: '2025-06-20T03:00:00Z', end: '2025-06-20T04:00:00Z', creator: 'Alice', creator_id: 'alice',
      site: 'saf', resourceId: 'saf', title: 'Alice', reservation_type: 'realtime', origin: 'PTR', project_id: 'none',
      reservation_note: '', last_modified: '2025-06-01T00:00:00Z', version: 1,
    });
  });

  it('keeps unknown keys, and server fields win over client ones', () => {
    const r = buildReservation(
      body({ rendering: 'background', project_priority: 'time_critical', creator_id: 'mallory', last_modified: '1999-01-01T00:00:00Z' }),
      server, rules,
    );
    expect(r.rendering).toBe('background');
    expect(r.project_priority).toBe('time_critical');
    expect(r.creator_id).toBe('alice');
    expect(r.last_modified).toBe('2025-06-01T00:00:00Z');
  });

  it('never turns __proto__ or constructor keys into anything but dropped data', () => {
    const raw = JSON.parse('{"event_id":"e1","site":"saf","start":"2025-06-20T03:00Z","end":"2025-06-20T04:00Z","__proto__":{"isAdmin":true},"constructor":{"x":1}}') as RawRecord;
    const r = buildReservation(raw, server, rules);
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    expect((r as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.keys(r)).not.toContain('__proto__');
    expect(Object.keys(r)).not.toContain('constructor');
  });

  it.each([
    ['missing event_id', { event_id: undefined }, 'Error: missing required key event_id'],
    ['missing site', { site: undefined }, 'Error: missing required key site'],
    ['missing start', { start: undefined }, 'Error: missing required key start'],
    ['missing end', { end: undefined }, 'Error: missing required key end'],
    ['numeric title', { title: 5 }, 'Invalid title: expected a string'],
    ['object creator', { creator: { a: 1 } }, 'Invalid creator: expected a string'],
    ['numeric event_id', { event_id: 12 }, 'Invalid event_id: expected a string'],
    ['empty event_id', { event_id: '' }, 'Invalid event_id'],
    ['long event_id', { event_id: 'x'.repeat(129) }, 'Invalid event_id: longer than 128'],
    ['uppercase site', { site: 'SAF' }, 'Invalid site'],
    ['site with punctuation', { site: 'saf-1' }, 'Invalid site'],
    ['long site', { site: 'a'.repeat(17) }, 'Invalid site'],
    ['start without zone', { start: '2025-06-20T03:00:00' }, 'Invalid start'],
    ['impossible end', { end: '2025-02-30T00:00:00Z' }, 'Invalid end'],
    ['end before start', { end: '2025-06-20T02:00:00Z' }, 'Invalid end: must be after start'],
    ['zero length', { end: '2025-06-20T03:00:00Z' }, 'Invalid end: must be after start'],
    ['too long', { end: '2025-06-21T03:00:01Z' }, 'Invalid end: a reservation may last at most 24 hours'],
    ['unknown origin', { origin: 'elsewhere' }, 'Invalid origin'],
    ['numeric project_id', { project_id: 7 }, 'Invalid project_id: expected a string'],
    ['huge note', { reservation_note: 'n'.repeat(4097) }, 'Invalid reservation_note: longer than 4096'],
    ['deeply nested extra', { rendering: JSON.parse('['.repeat(20) + ']'.repeat(20)) }, 'Invalid rendering: nested deeper'],
    ['too many extras', Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])), 'more than 64 extra keys'],
  ])('refuses %s', (_name, overrides, message) => {
    const attempt = (): unknown => buildReservation(body(overrides as RawRecord), server, rules);
    expect(attempt).toThrow(InvalidInputError);
    expect(attempt).toThrow(message);
  });

  it('treats null optional fields as absent', () => {
    expect(buildReservation(body({ title: null, project_priority: null }), server, rules).title).toBe('Alice');
  });

  it('accepts exactly the maximum duration, and origin in any case', () => {
    const r = buildReservation(body({ end: '2025-06-21T03:00:00Z', origin: 'ptr' }), server, rules);
    expect(r.end).toBe('2025-06-21T03:00:00Z');
    expect(r.origin).toBe('ptr');
  });
});

describe('checkNewEventId', () => {
  it('takes identifiers: printable ASCII without whitespace, 1 to 128 characters', () => {
    for (const id of ['0f1e4c52-7c0e-4b8e-9d38-2f6a1c7e9b41', 'e1', '!', '~', 'a,b;c\\d%25', 'x'.repeat(128)]) expect(() => checkNewEventId(id)).not.toThrow();
    for (const id of ['', 'x'.repeat(129), 'a b', 'a\tb', 'a\r\nb', 'a\u0000', 'a\u007f', 'é', '🔭', '\u00a0', '\ud800']) {
      expect(() => checkNewEventId(id)).toThrow(new InvalidInputError('Invalid event_id: expected 1 to 128 printable ASCII characters without spaces, such as a UUID'));
    }
  });
});

describe('normaliseProjectId', () => {
  it.each([
    [undefined, 'none'], [null, 'none'], ['', 'none'], ['none', 'none'], ['none#', 'none'], ['None', 'none'],
    ['  ', 'none'], ['M31 survey#2025-01-01T00:00:00Z', 'M31 survey#2025-01-01T00:00:00Z'],
  ])('%p -> %p', (input, expected) => {
    expect(normaliseProjectId(input as string | undefined)).toBe(expected);
  });
});
