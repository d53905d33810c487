import type { Next } from 'koa';
import { HttpProblem } from '../errors.js';
import type { HttpMetrics } from '../prometheus-metrics.js';
import { RateLimiter } from '../rate-limit.js';
import type { CalendarContext } from './context.js';

/**
 * A per-client limit, after authentication: a signed-in user or a service is one client wherever it
 * calls from; anyone else is counted by address.
 */
export function rateLimiter(perMinute: number, what: string, metrics?: HttpMetrics): (ctx: CalendarContext, next: Next) => Promise<void> {
  if (perMinute <= 0) return (_ctx, next) => next();
  const limiter = new RateLimiter(perMinute);
  return async (ctx, next) => {
    const actor = ctx.state.actor;
    const client = actor?.kind === 'user' ? `user:${actor.sub}` : actor?.kind === 'service' ? `service:${actor.name}` : `ip:${ctx.ip}`;
    const decision = limiter.take(client);
    if (!decision.allowed) {
      metrics?.rateLimited(what);
      throw new HttpProblem(429, `Too many requests: at most ${perMinute} ${what} a minute per client; retry in ${decision.retryAfterSeconds} s.`, {
        'Retry-After': String(decision.retryAfterSeconds),
      });
    }
    await next();
  };
}
