/**
 * POST /dev/token: "sign in as" on the calendar page, in local auth mode only. It mints a local
 * access token for any name, so it is a development convenience and nothing more: the route exists
 * only when the server runs in local auth mode (which NODE_ENV=production refuses), and even then
 * answers only a client on this machine that came straight to the server, by a loopback name
 * (this-machine.ts); anyone else gets the same 404 as a path that does not exist.
 *
 * A page of another origin runs on this machine too (another dev server, a page opened from
 * anywhere), so its browser is refused as well: the answer carries no CORS header (a cross-origin
 * page cannot read the token, and a JSON request's preflight fails), the body must be sent as
 * application/json (which a cross-origin page cannot do without that preflight), and a browser's
 * Origin and Sec-Fetch-Site must say the request comes from the calendar's own page. A program
 * that sends neither header is not a page, and is on this machine.
 */
import type Router from '@koa/router';
import type { Next } from 'koa';
import * as z from 'zod';
import { HttpProblem } from '../errors.js';
import { parseBody } from '../route.js';
import type { CalendarContext } from './context.js';
import { fromThisOriginOrNoPage, straightFromThisMachine } from '../this-machine.js';

/** Signs a local token for a name; `npm run token` does the same from the command line. */
export type LocalTokenMinter = (request: { name: string; admin: boolean }) => Promise<{ token: string; expiresInSeconds: number }>;

const DevTokenRequest = z.strictObject({
  name: z.string({ error: 'expected a string' }).trim().min(1, { error: 'must not be empty' }).max(64, { error: 'longer than 64 characters' })
    .regex(/^[\p{L}\p{N} ._@|-]+$/u, { error: 'use letters, digits, spaces and . _ @ | - only' }),
  admin: z.boolean({ error: 'expected true or false' }).optional(),
});

export const DEV_TOKEN_PATH = '/dev/token';

/** Every spelling of the path the router takes for DEV_TOKEN_PATH (it ignores case and a final slash). */
export const isDevTokenPath = (path: string): boolean => /^\/dev\/token\/?$/i.test(path);

export function registerDevToken(router: Router, mint: LocalTokenMinter, readJsonBody: (ctx: CalendarContext, next: Next) => Promise<void>): void {
  const fromThisMachine = async (ctx: CalendarContext, next: Next): Promise<void> => {
    if (!straightFromThisMachine(ctx.req)) throw new HttpProblem(404, 'Not found.');
    if (!fromThisOriginOrNoPage(ctx.req)) {
      throw new HttpProblem(403, 'Only the calendar page itself may sign in as someone: this request came from a page of another origin.');
    }
    if (!ctx.is('application/json')) throw new HttpProblem(415, 'POST /dev/token takes a JSON body sent as Content-Type: application/json.');
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
