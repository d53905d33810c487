/** The page's address names the site, the view and the date, so that a link shows the same thing. */
import { DateTime } from 'luxon';
import { page } from './state.js';

export interface Place { site?: string; view: 'week' | 'day'; date?: string; badDate?: string }

/** The years a link may name: JavaScript reads years below 100 as 19xx, and the server keeps times only to 9999. */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 9998;

/**
 * The place a link names. A date that is not a calendar day (2026-13-45) is not passed on:
 * FullCalendar would roll it over into another month (14 Feb 2027) and show that as if asked for;
 * nor is one outside FIRST_YEAR to LAST_YEAR (0000-01-01 would show 1900, 9999-12-31 a week the
 * server refuses).
 */
export function placeFromAddress(query = new URLSearchParams(location.search)): Place {
  const date = query.get('date');
  const day = date !== null && /^\d{4}-\d{2}-\d{2}$/.test(date) ? DateTime.fromISO(date, { zone: 'utc' }) : undefined;
  const valid = day !== undefined && day.isValid && day.year >= FIRST_YEAR && day.year <= LAST_YEAR;
  return {
    ...(query.get('site') ? { site: query.get('site')! } : {}),
    view: query.get('view') === 'day' ? 'day' : 'week',
    ...(valid && date ? { date } : date ? { badDate: date } : {}),
  };
}

/** The view and the day (in the site's zone) the calendar shows now; the week view with no day when none is drawn. */
export function shownPlace(): Place {
  const { calendar, site } = page;
  const view = calendar?.view.type === 'timeGridDay' ? 'day' : 'week';
  const date = calendar && site ? DateTime.fromJSDate(calendar.getDate()).setZone(site.timezone).toISODate() ?? undefined : undefined;
  return { view, ...(date ? { date } : {}) };
}

/** Puts what the calendar shows into the address, without a new history entry. */
export function writeAddress(): void {
  const { calendar, site } = page;
  if (!calendar || !site) return;
  const { view, date } = shownPlace();
  const query = new URLSearchParams({ site: site.site, view, ...(date ? { date } : {}) });
  const next = `${location.pathname}?${query.toString()}`;
  if (next !== `${location.pathname}${location.search}`) history.replaceState(null, '', next);
}
