import { FeedCache, feedAnswer, renderCalendar } from '../../src/adapters/http/ical.js';
import { calendarEntry } from '../../src/domain/calendar-feed.js';
import { aReservation } from '../support/builders.js';
import { parseFeed } from '../support/ical.js';

const options = { domain: 'calendar.test', description: 'test', cache: 'public' as const };
const feedOf = (titles: string[]) => ({
  name: 'saf', lastModified: '2031-06-20T00:00:00Z',
  entries: titles.map((title, i) => calendarEntry(aReservation({ event_id: `w${i}`, title, version: i + 1 }))),
});

it('writes long multi-byte lines folded at 75 octets with every character whole, which ical.js reads back', () => {
  const titles = ['é'.repeat(200), '🔭'.repeat(90), `${'a'.repeat(73)}€${'b'.repeat(100)}`, 'x, y; z \\ w\nnext'];
  const parsed = parseFeed(renderCalendar(feedOf(titles), options));
  expect(parsed.events.map((e) => e.summary)).toEqual(titles);
  expect(parsed.events.map((e) => [e.uid, e.sequence])).toEqual(titles.map((_, i) => [`w${i}@calendar.test`, i + 1]));
});

it('a cached rendering is reused for the same feed and redone when anything in it changes', () => {
  const cache = new FeedCache(2);
  const first = feedAnswer(feedOf(['a']), options, {}, true, cache);
  const again = feedAnswer(feedOf(['a']), options, {}, true, cache);
  expect(again.headers.ETag).toBe(first.headers.ETag);
  const changed = feedAnswer(feedOf(['b']), options, {}, true, cache);
  expect(changed.headers.ETag).not.toBe(first.headers.ETag);
  expect(parseFeed(changed.body).events.map((e) => e.summary)).toEqual(['b']);
  const otherDomain = feedAnswer(feedOf(['a']), { ...options, domain: 'elsewhere.test' }, {}, true, cache);
  expect(parseFeed(otherDomain.body).events[0]!.uid).toBe('w0@elsewhere.test');
});

it('the cache holds at most its entries and bytes, dropping the least recently used', () => {
  const cache = new FeedCache(2, 1_000_000);
  const render = (title: string) => cache.render(feedOf([title]), options);
  const a = render('a');
  render('b');
  expect(render('a')).toBe(a); // a hit, and now the most recent
  render('c'); // b goes
  expect(render('a')).toBe(a);
  const tiny = new FeedCache(10, 10);
  const big = tiny.render(feedOf(['x']), options);
  expect(tiny.render(feedOf(['x']), options)).not.toBe(big); // larger than the byte bound: never kept
});

it('If-None-Match wins over If-Modified-Since, and the user feed answers If-Modified-Since alone in full', () => {
  const feed = feedOf(['a']);
  const { headers } = feedAnswer(feed, options, {}, true);
  const lastModified = headers['Last-Modified']!;
  expect(feedAnswer(feed, options, { ifNoneMatch: '"other"', ifModifiedSince: lastModified }, true).status).toBe(200);
  expect(feedAnswer(feed, options, { ifNoneMatch: '*' }, true).status).toBe(304);
  expect(feedAnswer(feed, options, { ifModifiedSince: lastModified }, true).status).toBe(304);
  expect(feedAnswer(feed, options, { ifModifiedSince: lastModified }, false).status).toBe(200);
  expect(feedAnswer(feed, options, { ifModifiedSince: 'not a date' }, true).status).toBe(200);
  expect(feedAnswer(feed, options, { ifModifiedSince: 'Sat, 01 Jan 2000 00:00:00 GMT' }, true).status).toBe(200);
});
