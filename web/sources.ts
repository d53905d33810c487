/**
 * The calendar's two event sources for the range it shows: the telescope's reservations (POST
 * /siteevents) and its nights' shading (POST /availability), as FullCalendar's event inputs.
 */
import type { EventInput, EventSourceFuncArg } from '@fullcalendar/core';
import { availabilityRange } from '../src/domain/window.js';
import { availability, siteEvents, utc } from './api.js';
import { editable, isLco } from './events.js';
import { BAND_KINDS, moonLabels, nightBands } from './night-bands.js';
import { page } from './state.js';

export async function loadEvents(info: EventSourceFuncArg): Promise<EventInput[]> {
  const { site } = page;
  if (!site) return [];
  const events = await siteEvents({ site: site.site, start: utc(info.start), end: utc(info.end) });
  return events.map((event) => {
    const lco = isLco(event);
    const mine = page.session !== undefined && event.creator_id === page.session.userId;
    return {
      id: event.event_id,
      title: event.title || '(untitled)',
      start: event.start,
      end: event.end,
      editable: editable(event),
      classNames: [lco ? 'event-lco' : 'event-ptr', `type-${(event.reservation_type || 'other').replace(/[^a-z0-9-]/gi, '')}`, ...(mine ? ['event-mine'] : [])],
      extendedProps: { stored: event },
    };
  });
}

export async function loadNights(info: EventSourceFuncArg): Promise<EventInput[]> {
  const { site } = page;
  if (!site) return [];
  // The server computes nights only within its range (a year back, two years ahead): a view past it
  // asks for the part inside, or for nothing, rather than for a refusal.
  const range = availabilityRange(Date.now());
  const start = utc(info.start) < range.start ? range.start : utc(info.start);
  const end = utc(info.end) > range.end ? range.end : utc(info.end);
  if (start >= end) return [];
  const answer = await availability({ site: site.site, start, end });
  const labels = moonLabels(answer.nights);
  return answer.nights.flatMap((night, i) => {
    const bands = nightBands(night);
    // The Moon's label sits in the darkest band of its night (the first, when two are as dark).
    const depth = (kind: string): number => BAND_KINDS.indexOf(kind as (typeof BAND_KINDS)[number]);
    const darkest = bands.reduce((best, band, j) => (depth(band.kind) > depth(bands[best]!.kind) ? j : best), 0);
    return bands.map((band, j) => ({
      start: band.start,
      end: band.end,
      display: 'background',
      classNames: ['night-band', `band-${band.kind}`],
      title: j === darkest ? labels[i] ?? '' : '',
      extendedProps: { band: band.kind },
    }));
  });
}
