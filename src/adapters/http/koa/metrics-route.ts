import type { Context } from 'koa';
import { HttpProblem } from '../errors.js';
import type { HttpMetrics } from '../prometheus-metrics.js';

/**
 * Who may read GET /metrics: `local` (the default) only a client on this machine that came straight
 * to the server, not through a proxy (a reverse proxy on the same host connects from loopback too,
 * but says whom it forwards in X-Forwarded-For); `public` anyone; `off` nobody.
 */
export type MetricsAccess = 'local' | 'public' | 'off';

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

export function mayReadMetrics(access: MetricsAccess, remoteAddress: string | undefined, forwarded: boolean): boolean {
  if (access === 'public') return true;
  if (access === 'off') return false;
  return isLoopback(remoteAddress) && !forwarded;
}

/** The handler of GET /metrics: the text format, or the same 404 as any unknown path. */
export function metricsHandler(metrics: HttpMetrics | undefined, access: MetricsAccess) {
  return async (ctx: Context): Promise<void> => {
    const forwarded = ctx.get('x-forwarded-for') !== '' || ctx.get('forwarded') !== '';
    if (!metrics || !mayReadMetrics(access, ctx.req.socket.remoteAddress, forwarded)) throw new HttpProblem(404, 'Not found.');
    const { contentType, text } = await metrics.render();
    ctx.type = contentType;
    ctx.body = text;
  };
}
