import type { Next } from 'koa';
import { HttpProblem } from '../errors.js';
import type { Route } from '../route.js';
import type { CalendarContext } from './context.js';

type Middleware = (ctx: CalendarContext, next: Next) => Promise<void>;

/** The requests handled at once: each route's slot (slotFor), and how many were shed so far. */
interface Slots {
  slotFor(route: Route): Middleware;
  readonly shedTotal: number;
}

/**
 * The in-flight caps, taken only once a request's body is in: a client trickling its body holds
 * a connection (capped per address by the server) but never a handler slot. Past a cap, a request
 * is shed at once with 503 and Retry-After.
 */
export function inFlightSlots(maxInFlight: number, maxUpstreamInFlight = 16): Slots {
  let shedTotal = 0;
  const shed = (ctx: CalendarContext, message: string): HttpProblem => {
    shedTotal += 1;
    ctx.state.shed = true;
    return new HttpProblem(503, message, { 'Retry-After': '1' });
  };

  let inFlight = 0;
  const slot = async (ctx: CalendarContext, next: Next): Promise<void> => {
    if (inFlight >= maxInFlight) throw shed(ctx, 'The calendar is busy; please retry in a moment.');
    inFlight += 1;
    try {
      await next();
    } finally {
      inFlight -= 1;
    }
  };

  /**
   * A request whose answer waits on another service takes a slot of that service's budget instead
   * (past it: 503 at once, naming the service), so that it never waits holding one of the slots above.
   */
  const waiting = new Map<string, number>();
  const upstreamSlot = async (service: string, ctx: CalendarContext, next: Next): Promise<void> => {
    const held = waiting.get(service) ?? 0;
    if (held >= maxUpstreamInFlight) throw shed(ctx, `Too many requests are waiting on ${service}; please retry in a moment.`);
    waiting.set(service, held + 1);
    try {
      await next();
    } finally {
      waiting.set(service, (waiting.get(service) ?? 1) - 1);
    }
  };

  return {
    slotFor: ({ readsThrough }) => (readsThrough
      ? (ctx, next) => {
        const service = readsThrough(ctx.state.body ?? {});
        return service ? upstreamSlot(service, ctx, next) : slot(ctx, next);
      }
      : slot),
    get shedTotal() {
      return shedTotal;
    },
  };
}
