/**
 * Every route of the calendar API (CONTRACT.md) as data: method, path, who may call it, and what it
 * does. The Koa app serves this table, and the Lambda handler runs the same Koa app, so the behaviour
 * exists once.
 */
import * as z from 'zod';
import type { UseCases } from '../../application/use-cases/index.js';
import type { Actor } from '../../domain/actor.js';
import { InvalidInputError } from '../../domain/errors.js';
import { LIMITS } from '../../domain/reservation.js';

/** none: anyone; user: a valid access token; link: a token, a service key, or (switch on) anyone. */
export type AuthMode = 'none' | 'user' | 'link';

export interface RouteRequest {
  readonly body: Record<string, unknown>;
  readonly actor: Actor;
  /** Path parameters (`/import-schedules/{subsite}` → subsite). */
  readonly params: Readonly<Record<string, string>>;
}

export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly auth: AuthMode;
  /** Whether the route reads a JSON body. */
  readonly hasBody: boolean;
  /**
   * The per-client rate limit the route counts against: `changes` for the routes that change stored
   * data, `imports` for the import triggers (which take no in-flight slot: they join a shared run).
   */
  readonly limit?: 'changes' | 'imports';
  /** Resolves to the answer: a JsonText is sent as it is, anything else through JSON.stringify. */
  handle(request: RouteRequest): Promise<unknown>;
}

/** Validates a body against a schema; the message names the first offending key. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
  if (issue?.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    throw new InvalidInputError(`Error: missing required key ${key}`);
  }
  throw new InvalidInputError(`Invalid ${key}: ${(issue?.message ?? 'invalid').replace(/^Invalid input: /, '')}`);
}

const object = z.record(z.string(), z.unknown());
const shortString = z.string().max(256);
const eventRef = z.union([
  z.string().min(1).max(LIMITS.event_id),
  z.looseObject({ event_id: z.string().min(1).max(LIMITS.event_id) }),
]);
const eventRefs = z.array(eventRef).max(1000);
const refId = (ref: z.infer<typeof eventRef>): string => (typeof ref === 'string' ? ref : ref.event_id);
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

const schemas = {
  modify: z.looseObject({ originalEvent: object, modifiedEvent: object }),
  delete: z.looseObject({ event_id: z.string().min(1).max(LIMITS.event_id) }),
  addProject: z.looseObject({ project_id: z.string().max(LIMITS.project_id), events: eventRefs }),
  removeProject: z.looseObject({ events: eventRefs }),
  siteWindow: z.looseObject({ site: shortString, start: shortString, end: shortString }),
  siteEvents: z.looseObject({ site: shortString, start: shortString, end: shortString, full_project_details: flag.optional() }),
  userEvents: z.looseObject({ user_id: shortString, time: shortString }),
  atTime: z.looseObject({ site: shortString, time: shortString }),
  userAtTime: z.looseObject({ user_id: shortString, site: shortString, time: shortString }),
};

export function buildRoutes(u: UseCases): Route[] {
  const post = (path: string, auth: AuthMode, handle: Route['handle']): Route => ({
    method: 'POST', path, auth, hasBody: true, handle,
  });
  const change = (path: string, auth: AuthMode, handle: Route['handle']): Route => ({ ...post(path, auth, handle), limit: 'changes' });
  return [
    change('/newevent', 'user', async ({ body, actor }) => ({
      new_calendar_event: await u.createReservation.execute({ actor, event: body }),
    })),
    change('/modifyevent', 'user', async ({ body, actor }) => {
      const { originalEvent, modifiedEvent } = parseBody(schemas.modify, body);
      return u.modifyReservation.execute({ actor, originalEvent, modifiedEvent });
    }),
    change('/delete', 'user', async ({ body, actor }) => {
      const { event_id } = parseBody(schemas.delete, body);
      return u.deleteReservation.execute({ actor, eventId: event_id });
    }),
    change('/add-projects-to-events', 'link', async ({ body, actor }) => {
      const { project_id, events } = parseBody(schemas.addProject, body);
      return u.addProject.execute({ actor, projectId: project_id, eventIds: events.map(refId) });
    }),
    change('/remove-project-from-events', 'link', async ({ body, actor }) => {
      const { events } = parseBody(schemas.removeProject, body);
      return u.removeProject.execute({ actor, eventIds: events.map(refId) });
    }),
    post('/siteevents', 'none', async ({ body }) => {
      const { site, start, end, full_project_details } = parseBody(schemas.siteEvents, body);
      return (await u.listSiteReservations.execute({ site, start, end, fullProjectDetails: full_project_details === true })).toJson();
    }),
    post('/user-events-ending-after-time', 'none', async ({ body }) => {
      const { user_id, time } = parseBody(schemas.userEvents, body);
      return (await u.listUserReservations.execute({ userId: user_id, time })).toJson();
    }),
    post('/get-event-at-time', 'none', async ({ body }) => {
      const { site, time } = parseBody(schemas.atTime, body);
      return (await u.listReservationsAtTime.execute({ site, time })).toJson();
    }),
    post('/is-user-scheduled', 'none', async ({ body }) => {
      const { user_id, site, time } = parseBody(schemas.userAtTime, body);
      return u.isUserScheduled.execute({ userId: user_id, site, time });
    }),
    post('/does-conflicting-event-exist', 'none', async ({ body }) => {
      const { user_id, site, time } = parseBody(schemas.userAtTime, body);
      return u.doesConflictingReservationExist.execute({ userId: user_id, site, time });
    }),
    post('/scheduler-observations', 'none', async ({ body }) => {
      const { site, start, end } = parseBody(schemas.siteWindow, body);
      return u.listSchedulerObservations.execute({ site, start, end });
    }),
    { method: 'GET', path: '/import-schedules', auth: 'none', hasBody: false, limit: 'imports', handle: () => u.importSchedules.execute() },
    {
      method: 'GET', path: '/import-schedules/{subsite}', auth: 'none', hasBody: false, limit: 'imports',
      handle: ({ params }) => u.importSchedules.execute({ subsite: params.subsite ?? '' }),
    },
  ];
}
