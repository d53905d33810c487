/**
 * Every route of the calendar API as data (CONTRACT.md's, and this service's own: /me, /sites,
 * /availability, history, restore, the change feed, the iCalendar feeds): method, path, who may call
 * it, and what it does. The Koa app serves this table, and the Lambda handler runs the same Koa app,
 * so the behaviour exists once.
 */
import type { UseCases } from '../../application/use-cases/index.js';
import type { Route, RouteOptions } from './route.js';
import { calendarFeedRoutes } from './routes/feeds.js';
import { lcoRoutes } from './routes/lco.js';
import { queryRoutes } from './routes/queries.js';
import { reservationRoutes } from './routes/reservations.js';

/** The whole table, by tag (routes/*.ts); `deployment` is what the calendar feed routes need to know of it. */
export function buildRoutes(u: UseCases, deployment: RouteOptions = {}): Route[] {
  return [...reservationRoutes(u), ...queryRoutes(u), ...calendarFeedRoutes(u, deployment), ...lcoRoutes(u)];
}
