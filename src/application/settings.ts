import { TooManyResultsError } from '../domain/errors.js';
import type { ReservationRules } from '../domain/reservation.js';
import { token } from './token.js';

/** Domain rules chosen by configuration (maximum reservation length, ...). */
export const ReservationRulesToken = token<ReservationRules>('ReservationRules');
export type { ReservationRules };

/** The LCO import's settings: which WEMAs and telescopes, how far ahead, how often a full refresh. */
export interface ImportSettings {
  readonly lcoSites: import('../domain/lco.js').SiteMapping;
  readonly windowDays: number;
  readonly fullRefreshSeconds: number;
}

export const ImportSettingsToken = token<ImportSettings>('ImportSettings');

/** How long the history of a deleted event, and the change feed's entries about it, are kept. */
export interface HistorySettings {
  readonly retentionDays: number;
}

export const HistorySettingsToken = token<HistorySettings>('HistorySettings');

/** The iCalendar feeds: their window around today, and the most events one calendar feed holds. */
export interface CalendarFeedSettings {
  readonly pastDays: number;
  readonly futureDays: number;
  readonly maxEvents: number;
}

export const CalendarFeedSettingsToken = token<CalendarFeedSettings>('CalendarFeedSettings');

/** What one list answer may cover: the longest window, and the most events (CONTRACT.md's lists). */
export interface ListCaps {
  readonly maxWindowSeconds: number;
  readonly maxEvents: number;
}

export const ListCapsToken = token<ListCaps>('ListCaps');

/**
 * Items fetched with a cap of `maxEvents + 1`, refused when there are more than `maxEvents`: an
 * answer is never silently cut short, and never larger than the cap.
 */
export function withinListCap<T extends { readonly length: number }>(items: T, caps: ListCaps, hint: string): T {
  if (items.length > caps.maxEvents) throw new TooManyResultsError(caps.maxEvents, hint);
  return items;
}
