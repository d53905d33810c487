import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { HttpProblem } from '../errors.js';
import type { HttpMetrics } from '../prometheus-metrics.js';
import { fromThisOriginOrNoPage, straightFromThisMachine } from '../this-machine.js';

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

function mayReadMetrics(access: MetricsAccess, req: Context['req']): boolean {
  if (access === 'public') return true;
  if (access === 'off') return false;
  if (access === 'local') return straightFromThisMachine(req);
  return bearerIs(req.headers.authorization ?? '', access.token);
}

export const METRICS_PATH = '/metrics';

/** Every spelling of the path the router takes for METRICS_PATH (it ignores case and a final slash). */
export const isMetricsPath = (path: string): boolean => /^\/metrics\/?$/i.test(path);

/**
 * The handler of GET /metrics: the text format, or the same 404 as any unknown path. The metrics are
 * for scrapers, not pages: the answer carries no CORS header (app.ts), so a page of another origin
 * cannot read it, and a browser's request from such a page (its Origin or Sec-Fetch-Site names
 * another origin) is refused before anything is rendered. In `local` mode this matters: a page of
 * any origin open in a browser on this machine comes from loopback by a loopback name.
 */
export function metricsHandler(metrics: HttpMetrics | undefined, access: MetricsAccess) {
  return async (ctx: Context): Promise<void> => {
    if (!metrics || !mayReadMetrics(access, ctx.req)) throw new HttpProblem(404, 'Not found.');
    if (!fromThisOriginOrNoPage(ctx.req)) throw new HttpProblem(403, 'GET /metrics is for scrapers: a page of another origin may not read it.');
    const { contentType, text } = await metrics.render();
    ctx.type = contentType;
    ctx.body = text;
  };
}
