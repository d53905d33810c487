/**
 * Reads an iCalendar feed the way a calendar app would: with Mozilla's ical.js (Thunderbird's
 * parser), after checking the RFC 5545 rules a lenient parser would let pass: CRLF line ends, lines
 * of at most 75 octets, folds that never split a UTF-8 character, no control characters, no
 * floating times.
 */
import ICAL from 'ical.js';

export interface ParsedEvent {
  readonly uid: string;
  readonly start: string;
  readonly end: string;
  readonly sequence: number;
  readonly summary: string;
  readonly description: string;
  readonly categories: string[];
  readonly stamp: string;
  readonly lastModified: string;
}

export interface ParsedFeed {
  readonly name: string;
  readonly refreshInterval: string;
  readonly publishedTtl: string;
  readonly events: ParsedEvent[];
}

const utc = (time: { toJSDate(): Date; zone?: { tzid?: string } } | null | undefined, what: string): string => {
  if (!time) throw new Error(`${what} is missing`);
  if (time.zone?.tzid !== 'UTC') throw new Error(`${what} is not in UTC (zone ${String(time.zone?.tzid)}): a floating or zoned time`);
  return time.toJSDate().toISOString().replace('.000Z', 'Z');
};

/** Throws, saying which rule, when the text is not a strict RFC 5545 document. */
export function checkRfc5545(text: string): void {
  if (!text.endsWith('\r\n')) throw new Error('the last line does not end with CRLF');
  if (/[^\r]\n|\r(?!\n)/.test(text)) throw new Error('a line ends with a bare LF or CR');
  const bytes = Buffer.from(text, 'utf8');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let at = 0;
  for (const line of text.slice(0, -2).split('\r\n')) {
    const size = Buffer.byteLength(line, 'utf8');
    if (size > 75) throw new Error(`a line of ${size} octets (at most 75): ${line.slice(0, 40)}...`);
    // Each physical line must be whole UTF-8 on its own: a fold inside a character would break it.
    decoder.decode(bytes.subarray(at, at + size));
    at += size + 2;
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(line)) throw new Error(`a control character in: ${JSON.stringify(line)}`);
  }
}

export function parseFeed(text: string): ParsedFeed {
  checkRfc5545(text);
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      start: utc(event.startDate, 'DTSTART'),
      end: utc(event.endDate, 'DTEND'),
      sequence: event.sequence,
      summary: event.summary,
      description: event.description,
      categories: component.getAllProperties('categories').flatMap((p) => p.getValues().map(String)),
      stamp: utc(component.getFirstPropertyValue('dtstamp') as never, 'DTSTAMP'),
      lastModified: utc(component.getFirstPropertyValue('last-modified') as never, 'LAST-MODIFIED'),
    };
  });
  return {
    name: String(calendar.getFirstPropertyValue('x-wr-calname')),
    refreshInterval: String(calendar.getFirstPropertyValue('refresh-interval')),
    publishedTtl: String(calendar.getFirstPropertyValue('x-published-ttl')),
    events,
  };
}
