/**
 * What the page remembers between one user action and the next, in one place: who is signed in,
 * the telescopes and the one shown, the calendar drawn for it, and the event the dialog shows.
 * Every module reads `page`; only the functions below change it.
 */
import type { Calendar } from '@fullcalendar/core';
import type { Session } from './session.js';
import type { SiteInfo, StoredEvent } from './wire.js';

interface PageState {
  /** Who is signed in; undefined: nobody, and the page only shows. */
  session: Session | undefined;
  /** The telescopes the picker offers. */
  sites: readonly SiteInfo[];
  /** The telescope shown; undefined when there is none to show. */
  site: SiteInfo | undefined;
  /** The calendar drawn for `site` (a new one for each telescope, in its time zone). */
  calendar: Calendar | undefined;
  /** The stored event the dialog shows; undefined while it books a new one. */
  editing: StoredEvent | undefined;
  /** The moment the allowance beside the dialog is for (none: hidden), and the number of the last request for it: an older answer is dropped. */
  allowance: { readonly at: Date | undefined; readonly request: number };
}

const state: PageState = { session: undefined, sites: [], site: undefined, calendar: undefined, editing: undefined, allowance: { at: undefined, request: 0 } };

/** The page's state, to read. */
export const page: Readonly<PageState> = state;

export function setSession(session: Session | undefined): void {
  state.session = session;
}

export function setSites(sites: readonly SiteInfo[]): void {
  state.sites = sites;
}

export function setSite(site: SiteInfo | undefined): void {
  state.site = site;
}

export function setCalendar(calendar: Calendar | undefined): void {
  state.calendar = calendar;
}

export function setEditing(event: StoredEvent | undefined): void {
  state.editing = event;
}

/** The allowance is asked for again, around `at`: the number of this request. */
export function askAllowance(at: Date | undefined): number {
  state.allowance = { at, request: state.allowance.request + 1 };
  return state.allowance.request;
}
