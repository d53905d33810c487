import type { Context } from 'koa';
import type { Actor } from '../../../domain/actor.js';

/** What the calendar's middleware keeps on a request as it passes through. */
interface CalendarState {
  requestId: string;
  body?: Record<string, unknown>;
  /** The body's text as it arrived (the read cache's key). */
  bodyText?: string;
  /** Set when an in-flight cap (MAX_IN_FLIGHT, or a service's UPSTREAM_MAX_IN_FLIGHT) turned the request away. */
  shed?: boolean;
  actor?: Actor;
  claims?: Record<string, unknown>;
  token?: string;
}

export type CalendarContext = Context & { state: CalendarState };
