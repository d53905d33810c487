import type { LcoObservation } from '../../src/domain/lco.js';
import { sendJson, startLoopbackServer, type LoopbackServer } from './loopback-server.js';

/** `hang`: the request is read and never answered (until the stand-in stops). */
export type Fault = 'none' | '500' | 'timeout' | 'malformed' | '401' | 'page2' | 'hang';

/**
 * The LCO site proxies on loopback, one path prefix per WEMA (`/<wema>/observation-portal/...`). It
 * filters and pages like the observation portal (its own page size caps `limit`), checks each WEMA's
 * secret in the Authorization header, and can be told to fail.
 */
export class SiteProxyStandIn {
  readonly observations = new Map<string, LcoObservation[]>();
  readonly lastScheduled = new Map<string, string>();
  readonly secrets = new Map<string, string>();
  fault: Fault = 'none';
  maxPageSize = 2;
  requests = 0;
  /** Every answer waits this long first (a slow proxy). */
  delayMs = 0;
  private server?: LoopbackServer;

  get urlTemplate(): string {
    return `${this.url}/{wema}/`;
  }

  get url(): string {
    if (!this.server) throw new Error('site proxy stand-in not started');
    return this.server.url;
  }

  async start(): Promise<this> {
    this.server = await startLoopbackServer(async (req, res) => {
      this.requests += 1;
      if (this.fault === 'hang') return;
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      const url = new URL(req.url ?? '/', this.url);
      const [, wema, ...rest] = url.pathname.split('/');
      const path = rest.join('/');
      if (!wema || req.headers.authorization !== this.secrets.get(wema) || this.fault === '401') {
        sendJson(res, 401, { detail: 'Authentication credentials were not provided.' });
        return;
      }
      if (this.fault === '500') {
        res.statusCode = 500;
        res.end('<h1>Server Error (500)</h1>');
        return;
      }
      if (this.fault === 'timeout') {
        await new Promise((r) => setTimeout(r, 3000));
        if (!res.destroyed) sendJson(res, 200, { count: 0, next: null, previous: null, results: [] });
        return;
      }
      if (this.fault === 'malformed') {
        res.setHeader('content-type', 'application/json');
        res.end('{"count": 3, "results": [');
        return;
      }
      if (path === 'observation-portal/api/last_scheduled/') {
        sendJson(res, 200, { last_schedule_time: this.lastScheduled.get(wema) ?? null });
        return;
      }
      if (path !== 'observation-portal/api/schedule/') {
        res.statusCode = 404;
        res.end();
        return;
      }
      const q = url.searchParams;
      const states = q.getAll('state');
      const offset = Number(q.get('offset') ?? 0);
      if (this.fault === 'page2' && offset > 0) {
        res.statusCode = 502;
        res.end('Bad Gateway');
        return;
      }
      const limit = Math.min(Number(q.get('limit') ?? 100), this.maxPageSize);
      const matching = (this.observations.get(wema) ?? []).filter((o) =>
        (!q.get('site') || o.site === q.get('site')) &&
        (!q.get('telescope') || o.telescope === q.get('telescope')) &&
        (!q.get('end_after') || Date.parse(o.end) > Date.parse(q.get('end_after') as string)) &&
        (!q.get('start_before') || Date.parse(o.start) < Date.parse(q.get('start_before') as string)) &&
        (states.length === 0 || states.includes(o.state)));
      const next = offset + limit < matching.length ? new URL(url) : undefined;
      next?.searchParams.set('offset', String(offset + limit));
      sendJson(res, 200, { count: matching.length, next: next?.href ?? null, previous: null, results: matching.slice(offset, offset + limit) });
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }
}
