import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { HttpProblem } from '../errors.js';
import type { HttpMetrics } from '../prometheus-metrics.js';
import { straightFromThisMachine } from '../this-machine.js';

/**
 * Who may read GET /metrics: `local` only a client on this machine that came straight to the server
 * (this-machine.ts: behind a proxy that adds no header, that is every client, so production refuses
 * it); `{ token }` whoever sends `Authorization: Bearer <token>`; `public` anyone; `off` nobody.
 */
export type MetricsAccess = 'local' | 'public' | 'off' | { readonly token: string };

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The request's bearer token is `token`, compared in constant time (over digests of equal length). */
function bearerIs(authorization: string, token: string): boolean {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

export function mayReadMetrics(access: MetricsAccess, req: Context['req']): boolean {
  if (access === 'public') return true;
  if (access === 'off') return false;
  if (access === 'local') return straightFromThisMachine(req);
  return bearerIs(req.headers.authorization ?? '', access.token);
}

/** The handler of GET /metrics: the text format, or the same 404 as any unknown path. */
export function metricsHandler(metrics: HttpMetrics | undefined, access: MetricsAccess) {
  return async (ctx: Context): Promise<void> => {
    if (!metrics || !mayReadMetrics(access, ctx.req)) throw new HttpProblem(404, 'Not found.');
    const { contentType, text } = await metrics.render();
    ctx.type = contentType;
    ctx.body = text;
  };
}
