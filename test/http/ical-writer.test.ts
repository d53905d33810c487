import fc from 'fast-check';
import ical, { escape, ICalCalendarMethod } from 'ical-generator';
import { CalendarFeedCache, calendarFeedAnswer, renderCalendar, type CalendarFeedOptions } from '../../src/adapters/http/ical.js';
import { calendarEntry } from '../../src/domain/calendar-feed.js';
import { publicView } from '../../src/domain/public-view.js';
import type { Reservation } from '../../src/domain/reservation.js';
import { aReservation } from '../support/builders.js';
import { parseFeed } from '../support/ical.js';

const DOMAIN = 'calendar.test';
const options: CalendarFeedOptions = { description: 'test', cache: 'public' };
const feedOf = (titles: string[]) => ({
  name: 'saf', lastModified: '2031-06-20T00:00:00Z',
  entries: titles.map((title, i) => calendarEntry(aReservation({ event_id: `w${i}`, title, version: i + 1 }))),
});
const feedOfEvents = (events: Reservation[], withNote = false) => ({
  name: 'saf', lastModified: '2031-06-20T00:00:00Z', entries: events.map((e) => calendarEntry(withNote ? e : publicView(e))),
});

it('writes long multi-byte lines folded at 75 octets with every character whole, which ical.js reads back', () => {
  const titles = ['é'.repeat(200), '🔭'.repeat(90), `${'a'.repeat(73)}€${'b'.repeat(100)}`, 'x, y; z \\ w\nnext'];
  const parsed = parseFeed(renderCalendar(feedOf(titles), options, DOMAIN));
  expect(parsed.events.map((e) => e.summary)).toEqual(titles);
  expect(parsed.events.map((e) => [e.uid, e.sequence])).toEqual(titles.map((_, i) => [`w${i}@calendar.test`, i + 1]));
});

/** What the feed must say for a text: control characters but tab and newline dropped, CR LF as a newline, lone surrogates as U+FFFD. */
const asSent = (text: string): string => text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
  .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
/** The event id a UID names (the writing of calendarId undone). */
const idOfUid = (uid: string): string => uid.slice(0, uid.lastIndexOf('@'))
  .replace(/%u([0-9A-F]{4})|%([0-9A-F]{2})/g, (_, wide: string | undefined, narrow: string | undefined) => String.fromCharCode(parseInt(wide ?? narrow!, 16)));

/** Any text: iCalendar's separators and line ends, control characters, `%`, lone surrogates, any character. */
const anyText = (maxLength: number) => fc.string({
  maxLength,
  unit: fc.oneof(
    fc.constantFrom('\r', '\n', '\r\n', ',', ';', ':', '\\', '%', '"', ' ', '\t', '\u0000', '\u007f', 'BEGIN:VEVENT', 'END:VCALENDAR', '@'),
    fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
});
const BASE = Date.parse('2031-01-01T00:00:00Z') / 1000;
const time = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
/** A stored event with anything in every text field, as data stored before any check may hold. */
const anyStoredEvent = fc.record({
  event_id: anyText(128).filter((id) => id.length > 0),
  startOffset: fc.integer({ min: 0, max: 90 * 86_400 }),
  minutes: fc.integer({ min: 1, max: 24 * 60 }),
  creator: anyText(40), creator_id: anyText(40), site: anyText(20), title: anyText(80),
  reservation_type: fc.oneof(fc.constantFrom('realtime', 'project', ''), anyText(20)),
  origin: fc.oneof(fc.constantFrom('PTR', 'LCO', 'lco'), anyText(10)),
  project_id: fc.oneof(fc.constant('none'), anyText(60)),
  reservation_note: anyText(200),
  last_modified: fc.oneof(fc.integer({ min: 0, max: 86_400 * 400 }).map((s) => time(BASE - s)), anyText(30)),
  version: fc.integer({ min: 1, max: 1_000_000 }),
}).map(({ startOffset, minutes, ...fields }): Reservation => ({
  ...fields, start: time(BASE + startOffset), end: time(BASE + startOffset + minutes * 60), resourceId: fields.site,
}));

/** What a calendar app must read for a stored event, field for field. */
function expectedOf(event: Reservation, withNote: boolean) {
  const lco = event.origin.toUpperCase() === 'LCO';
  const description = [
    `Type: ${event.reservation_type || 'unspecified'}`,
    `Booked by: ${event.creator || event.creator_id}`,
    ...(event.project_id && event.project_id !== 'none' ? [`Project: ${event.project_id}`] : []),
    `Origin: ${lco ? 'LCO (imported from the LCO scheduler)' : event.origin}`,
    `Site: ${event.site}`,
    ...(withNote && event.reservation_note ? ['', event.reservation_note] : []),
  ].join('\n');
  const modified = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(event.last_modified) ? event.last_modified : event.start;
  return {
    event_id: event.event_id, start: event.start, end: event.end, sequence: event.version,
    summary: asSent(event.title || event.creator || event.event_id), description: asSent(description),
    categories: [...(['realtime', 'project'].includes(event.reservation_type) ? [event.reservation_type] : []), ...(lco ? ['LCO'] : [])],
    stamp: modified, lastModified: modified,
  };
}

it('any text in any stored field, the event id included, reads back with ical.js as exactly the stored events, field for field', () => {
  fc.assert(fc.property(fc.uniqueArray(anyStoredEvent, { minLength: 1, maxLength: 4, selector: (e) => e.event_id }), fc.boolean(), (events, withNote) => {
    const cache = new CalendarFeedCache(DOMAIN);
    const { body } = cache.render(feedOfEvents(events, withNote), { description: 'any; text, \\ here\r\nX-INJECTED:1', cache: withNote ? 'private' : 'public' });
    const parsed = parseFeed(body); // the strict RFC 5545 checks first
    expect(parsed.events.map(({ uid, start, end, sequence, summary, description, categories, stamp, lastModified }) => ({
      event_id: idOfUid(uid), start, end, sequence, summary, description, categories, stamp, lastModified,
    }))).toEqual(events.map((e) => expectedOf(e, withNote)));
    expect(parsed.events.every((e) => e.uid.endsWith(`@${DOMAIN}`))).toBe(true);
    // Every line of the body is a property a feed has: nothing came from the text.
    const names = new Set(body.replace(/\r\n /g, '').split('\r\n').filter(Boolean).map((line) => /^[A-Z-]+/.exec(line)?.[0]));
    expect([...names].sort()).toEqual([
      'BEGIN', 'CATEGORIES', 'DESCRIPTION', 'DTEND', 'DTSTAMP', 'DTSTART', 'END', 'LAST-MODIFIED', 'METHOD', 'NAME', 'PRODID',
      'REFRESH-INTERVAL', 'SEQUENCE', 'SUMMARY', 'UID', 'VERSION', 'X-PUBLISHED-TTL', 'X-WR-CALDESC', 'X-WR-CALNAME',
    ].filter((name) => name !== 'CATEGORIES' || parsed.events.some((e) => e.categories.length > 0)));
  }), { numRuns: 300 });
});

it('event ids from a CR LF in the UID to a forged event: the feed keeps its events and no other', () => {
  // The two attacks of issue 28: a 35-character id that made ical.js refuse the whole feed, and a
  // 104-character one that added a "SITE CLOSED" event for every subscriber.
  const broken = 'x\r\nBEGIN:VALARM\r\nTRIGGER:garbage\r\n:';
  const forged = 'x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:fake\r\nDTSTART:20300101T000000Z\r\nDURATION:P9D\r\nSUMMARY:SITE CLOSED\r\nX-A:';
  expect([broken.length, forged.length]).toEqual([35, 104]);
  const events = [aReservation({ event_id: 'honest', title: 'honest' }), aReservation({ event_id: broken, title: 'b' }), aReservation({ event_id: forged, title: 'f' })];
  const parsed = parseFeed(renderCalendar(feedOfEvents(events), options, DOMAIN));
  expect(parsed.events.map((e) => [idOfUid(e.uid), e.summary])).toEqual([['honest', 'honest'], [broken, 'b'], [forged, 'f']]);
  expect(parsed.events.map((e) => e.uid)).toEqual(['honest@calendar.test', 'x%0D%0ABEGIN:VALARM%0D%0ATRIGGER:garbage%0D%0A:@calendar.test',
    expect.stringMatching(/^x%0D%0AEND:VEVENT%0D%0ABEGIN:VEVENT%0D%0AUID:fake%0D%0A/)]);
});

it('a feed put together from its events\' parts is byte for byte what ical-generator writes for the whole calendar', () => {
  fc.assert(fc.property(fc.uniqueArray(anyStoredEvent, { maxLength: 5, selector: (e) => e.event_id }), (events) => {
    const feed = feedOfEvents(events);
    const whole = ical({
      prodId: { company: 'Photon Ranch', product: 'Telescope Calendar', language: 'EN' }, method: ICalCalendarMethod.PUBLISH,
      name: feed.name, description: options.description, ttl: 300,
    });
    for (const entry of feed.entries) {
      whole.createEvent({
        id: `${escape(entry.id, false)}@${DOMAIN}`, start: new Date(entry.start), end: new Date(entry.end), stamp: new Date(entry.modified),
        lastModified: new Date(entry.modified), sequence: entry.sequence, summary: entry.summary, description: entry.description,
        categories: entry.categories.map((name) => ({ name })),
      });
    }
    expect(new CalendarFeedCache(DOMAIN).render(feed, options).body).toBe(`${whole.toString()}\r\n`);
  }), { numRuns: 100 });
});

it('after a change, only the changed event is written again: the others\' parts are kept by id and version', () => {
  const events = Array.from({ length: 50 }, (_, i) => aReservation({ event_id: `e${i}`, title: `night ${i}`, start: time(BASE + i * 3600), end: time(BASE + i * 3600 + 1800) }));
  const cache = new CalendarFeedCache(DOMAIN);
  const first = cache.render(feedOfEvents(events), options);
  expect(cache.written).toEqual({ events: 50, feeds: 1 });
  expect(cache.render(feedOfEvents(events), options)).toBe(first); // unchanged: nothing written
  expect(cache.written).toEqual({ events: 50, feeds: 1 });
  const changed = events.map((e, i) => (i === 17 ? { ...e, title: 'moved', version: 2 } : e));
  const second = cache.render(feedOfEvents(changed), options);
  expect(cache.written).toEqual({ events: 51, feeds: 2 });
  expect(second.body).toBe(renderCalendar(feedOfEvents(changed), options, DOMAIN));
  expect(second.etag).not.toBe(first.etag);
  // A change without a new version (as an import could make) is seen too: the part is kept with its entry.
  const sameVersion = changed.map((e, i) => (i === 3 ? { ...e, title: 'renamed quietly' } : e));
  expect(parseFeed(cache.render(feedOfEvents(sameVersion), options).body).events[3]!.summary).toBe('renamed quietly');
  expect(cache.written).toEqual({ events: 52, feeds: 3 });
  // The owner's feed (notes) and the site's keep their parts apart.
  const noted = changed.map((e) => ({ ...e, reservation_note: 'a note' }));
  cache.render(feedOfEvents(noted, true), { description: 'mine', cache: 'private' });
  cache.render(feedOfEvents(changed), options);
  expect(cache.written).toEqual({ events: 102, feeds: 4 });
});

it('one feed asked for by many at once is read and written once, for all of them', async () => {
  const cache = new CalendarFeedCache(DOMAIN);
  let reads = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const read = async () => {
    reads += 1;
    await gate;
    return feedOf(['a', 'b', 'c']);
  };
  const asked = Array.from({ length: 20 }, () => cache.load('site saf', read, options));
  release();
  const answers = await Promise.all(asked);
  expect(reads).toBe(1);
  expect(cache.written).toEqual({ events: 3, feeds: 1 });
  expect(new Set(answers.map((a) => a.rendered.body)).size).toBe(1);
  // Done: the next request reads again (and finds the feed written already).
  await cache.load('site saf', read, options);
  expect([reads, cache.written.feeds]).toEqual([2, 1]);
  // A failed read fails every request that joined it, and is not kept.
  const failing = () => Promise.reject(new Error('store down'));
  await expect(Promise.all([cache.load('x', failing, options), cache.load('x', failing, options)])).rejects.toThrow('store down');
  await expect(cache.load('x', read, options)).resolves.toBeDefined();
});

it('the caches hold at most their entries and sizes, dropping the least recently used', () => {
  const cache = new CalendarFeedCache(DOMAIN, { feeds: 2 });
  const render = (title: string) => cache.render(feedOf([title]), options);
  const a = render('a');
  render('b');
  expect(render('a')).toBe(a); // a hit, and now the most recent
  render('c'); // b goes
  expect(render('a')).toBe(a);
  const tiny = new CalendarFeedCache(DOMAIN, { feedBytes: 10, eventBytes: 10 });
  const big = tiny.render(feedOf(['x']), options);
  expect(tiny.render(feedOf(['x']), options)).not.toBe(big); // larger than the bounds: never kept
  expect(tiny.written).toEqual({ events: 2, feeds: 2 });
});

it('If-None-Match wins over If-Modified-Since, and the user feed answers If-Modified-Since alone in full', () => {
  const feed = feedOf(['a']);
  const rendered = new CalendarFeedCache(DOMAIN).render(feed, options);
  const answer = (conditions: Parameters<typeof calendarFeedAnswer>[3], exact = true) => calendarFeedAnswer(feed, rendered, options, conditions, exact);
  const lastModified = answer({}).headers['Last-Modified']!;
  expect(answer({ ifNoneMatch: '"other"', ifModifiedSince: lastModified }).status).toBe(200);
  expect(answer({ ifNoneMatch: '*' }).status).toBe(304);
  expect(answer({ ifModifiedSince: lastModified }).status).toBe(304);
  expect(answer({ ifModifiedSince: lastModified }, false).status).toBe(200);
  expect(answer({ ifModifiedSince: 'not a date' }).status).toBe(200);
  expect(answer({ ifModifiedSince: 'Sat, 01 Jan 2000 00:00:00 GMT' }).status).toBe(200);
});
