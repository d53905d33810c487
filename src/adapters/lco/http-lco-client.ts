import got, { type Got } from 'got';
import * as z from 'zod';
import type { InvalidObservation, LcoClient, Schedule, ScheduleQuery } from '../../application/ports/lco-client.port.js';
import { UpstreamUnavailableError } from '../../domain/errors.js';
import type { LcoObservation } from '../../domain/lco.js';
import { epochSecondsOf } from '../../domain/time.js';

interface HttpLcoOptions {
  /** Site proxy URL with `{wema}`, e.g. https://{wema}-proxy.lco.global/ */
  readonly urlTemplate: string;
  readonly timeoutMs?: number;
  readonly retries?: number;
  /** Observations asked for per page. */
  readonly pageSize?: number;
  /** Pages followed at most before giving up (a runaway `next` chain). */
  readonly maxPages?: number;
  /** Told of each request that could not be made, with the details (the error thrown says which proxy). */
  readonly onError?: (error: unknown, wema: string) => void;
}

const time = z.string().refine((v) => epochSecondsOf(v) !== undefined, 'expected an ISO 8601 time with a zone');
const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const observationSchema = z.looseObject({
  id: z.number().int().positive(),
  site: z.string().min(1),
  telescope: z.string().min(1),
  observation_type: z.string(),
  state: z.string(),
  created: time,
  modified: z.string(),
  start: time,
  end: time,
  name: z.string().min(1).max(256),
  submitter: z.string().min(1).max(128),
  request: z.looseObject({
    id: z.number(),
    state: z.string(),
    configurations: z.array(z.looseObject({
      type: z.string(),
      target: z.looseObject({ name: z.string(), ra: finite.nullable().optional(), dec: finite.nullable().optional() }),
      constraints: z.looseObject({}),
      instrument_configs: z.array(z.looseObject({
        exposure_count: z.number().int().nonnegative(),
        exposure_time: z.number().nonnegative(),
        mode: z.string(),
        optical_elements: z.looseObject({}),
        extra_params: z.looseObject({}),
      })),
    })).min(1),
  }),
});

const pageSchema = z.looseObject({
  count: z.number().optional(),
  next: z.string().nullable().optional(),
  results: z.array(z.unknown()),
});

/**
 * The observation portal behind a WEMA's site proxy, with got: timeouts, retries with backoff for
 * these idempotent GETs, every page followed, and every observation validated (an invalid one is
 * reported, not fatal). The secret goes only to the proxy's own origin.
 */
export class HttpLcoClient implements LcoClient {
  private readonly http: Got;
  private readonly pageSize: number;
  private readonly maxPages: number;

  constructor(private readonly options: HttpLcoOptions) {
    this.pageSize = options.pageSize ?? 500;
    this.maxPages = options.maxPages ?? 200;
    this.http = got.extend({
      timeout: { request: options.timeoutMs ?? 15_000 },
      retry: { limit: options.retries ?? 2, methods: ['GET'], statusCodes: [408, 429, 500, 502, 503, 504] },
      throwHttpErrors: false,
    });
  }

  async fetchSchedule(query: ScheduleQuery, secret: string): Promise<Schedule> {
    const base = this.baseUrl(query.wema);
    const first = new URL('observation-portal/api/schedule/', base);
    first.searchParams.set('site', query.wema);
    first.searchParams.set('telescope', query.telescope);
    first.searchParams.set('end_after', query.window.start);
    first.searchParams.set('start_before', query.window.end);
    for (const state of query.states) first.searchParams.append('state', state);
    first.searchParams.set('limit', String(this.pageSize));

    const observations: LcoObservation[] = [];
    const invalid: InvalidObservation[] = [];
    let next: URL | undefined = first;
    for (let page = 1; next; page++) {
      if (page > this.maxPages) throw new UpstreamUnavailableError(`The ${query.wema} schedule has more than ${this.maxPages} pages.`);
      const body = pageSchema.safeParse(await this.getJson(next, secret, query.wema));
      if (!body.success) throw new UpstreamUnavailableError(`The ${query.wema} site proxy answered a schedule page that is not one.`);
      for (const entry of body.data.results) {
        const checked = observationSchema.safeParse(entry);
        if (checked.success) observations.push(entry as LcoObservation);
        else {
          const issue = checked.error.issues[0];
          invalid.push({ id: (entry as { id?: unknown } | null)?.id, reason: `${issue?.path.join('.') || 'observation'}: ${issue?.message ?? 'invalid'}` });
        }
      }
      next = body.data.next ? this.sameOrigin(body.data.next, base, query.wema) : undefined;
    }
    return { observations, invalid };
  }

  async lastScheduleTime(wema: string, secret: string): Promise<string | undefined> {
    const url = new URL('observation-portal/api/last_scheduled/', this.baseUrl(wema));
    url.searchParams.set('site', wema);
    const body = (await this.getJson(url, secret, wema)) as { last_schedule_time?: unknown } | null;
    const value = body?.last_schedule_time;
    if (value === null || value === undefined) return undefined;
    if (typeof value !== 'string' || epochSecondsOf(value) === undefined) {
      throw new UpstreamUnavailableError(`The ${wema} site proxy answered a last_schedule_time that is not a time.`);
    }
    return value;
  }

  private baseUrl(wema: string): URL {
    return new URL(this.options.urlTemplate.replaceAll('{wema}', encodeURIComponent(wema)));
  }

  private sameOrigin(next: string, base: URL, wema: string): URL {
    const url = new URL(next, base);
    if (url.origin !== base.origin) throw new UpstreamUnavailableError(`The ${wema} site proxy pointed its next page at another host.`);
    return url;
  }

  private async getJson(url: URL, secret: string, wema: string): Promise<unknown> {
    let response;
    try {
      response = await this.http.get(url, { headers: { authorization: secret, accept: 'application/json' }, responseType: 'text' });
    } catch (error) {
      this.options.onError?.(error, wema);
      throw new UpstreamUnavailableError(`The ${wema} site proxy could not be reached.`);
    }
    if (response.statusCode === 401 || response.statusCode === 403) {
      throw new UpstreamUnavailableError(`The ${wema} site proxy refused our secret (${response.statusCode}).`);
    }
    if (response.statusCode !== 200) throw new UpstreamUnavailableError(`The ${wema} site proxy answered ${response.statusCode}.`);
    try {
      return JSON.parse(response.body) as unknown;
    } catch {
      throw new UpstreamUnavailableError(`The ${wema} site proxy answered malformed JSON.`);
    }
  }
}
