/**
 * POST /dev/token: "sign in as" on the calendar page, in local auth mode only. It mints a local
 * access token for any name, so it is a development convenience and nothing more: the route exists
 * only when the server runs in local auth mode (which NODE_ENV=production refuses), and even then
 * answers only a client on this machine that came straight to the server (as GET /metrics does);
 * anyone else gets the same 404 as a path that does not exist.
 */
import type Router from '@koa/router';
import type { Next } from 'koa';
import * as z from 'zod';
import { HttpProblem } from '../errors.js';
import { parseBody } from '../routes.js';
import type { CalendarContext } from './context.js';
import { isLoopback } from './metrics-route.js';

/** Signs a local token for a name; `npm run token` does the same from the command line. */
export type LocalTokenMinter = (request: { name: string; admin: boolean }) => Promise<{ token: string; expiresInSeconds: number }>;

const DevTokenRequest = z.strictObject({
  name: z.string({ error: 'expected a string' }).trim().min(1, { error: 'must not be empty' }).max(64, { error: 'longer than 64 characters' })
    .regex(/^[\p{L}\p{N} ._@|-]+$/u, { error: 'use letters, digits, spaces and . _ @ | - only' }),
  admin: z.boolean({ error: 'expected true or false' }).optional(),
});

export const DEV_TOKEN_PATH = '/dev/token';

export function registerDevToken(router: Router, mint: LocalTokenMinter, readJsonBody: (ctx: CalendarContext, next: Next) => Promise<void>): void {
  const fromThisMachine = async (ctx: CalendarContext, next: Next): Promise<void> => {
    const forwarded = ctx.get('x-forwarded-for') !== '' || ctx.get('forwarded') !== '';
    if (forwarded || !isLoopback(ctx.req.socket.remoteAddress)) throw new HttpProblem(404, 'Not found.');
    await next();
  };
  router.post(DEV_TOKEN_PATH, fromThisMachine, readJsonBody, async (ctx: CalendarContext) => {
    const { name, admin } = parseBody(DevTokenRequest, ctx.state.body ?? {});
    // The name is the user id too, as with `npm run token -- --sub <name>`.
    const { token, expiresInSeconds } = await mint({ name, admin: admin === true });
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/json';
    ctx.body = JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: expiresInSeconds });
  });
}
