/** What the access log writes of a request: its id, and its path without anything that could be a credential. */
import { randomBytes } from 'node:crypto';

/** A request id a client may choose (X-Request-Id); any other is replaced by one of ours. */
export const REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * Request ids: this process's random prefix and a count, unique across processes and instances
 * without random bytes per request.
 */
export function requestIds(): () => string {
  const prefix = randomBytes(6).toString('base64url');
  let count = 0;
  return () => `${prefix}-${(count += 1).toString(36)}`;
}

/**
 * The access line's path never holds anything that could be a credential (a private calendar feed's key, 43
 * base64url characters, is one wherever a user pastes it: `/ical/<key>.ics`, `/webcal/ical/users/...`).
 * A request a route took is logged as that route's pattern (`/ical/users/{key}.ics`, as the route
 * table writes it), which is our text, never the client's, and the label /metrics uses too. A path
 * no route took is logged as sent, except that every run of 16 or more characters a key could be
 * written in (base64url letters, or escapes) is replaced, whatever segment or spelling it is in;
 * only runs of lowercase letters, `-` and `_` are kept (a misspelt route name: a random key is one
 * with a chance under 1e-15).
 */
const KEY_LIKE = /[\w%-]{16,}/g;
function maskedPath(path: string): string {
  return path.replace(KEY_LIKE, (run) => (/^[a-z_-]+$/.test(run) ? run : '{redacted}'));
}
const routePatterns = new Map<string, string>();
export function loggedPath(path: string, matchedRoute: string | undefined): string {
  if (matchedRoute === undefined) return maskedPath(path);
  let pattern = routePatterns.get(matchedRoute);
  if (pattern === undefined) routePatterns.set(matchedRoute, (pattern = matchedRoute.replace(/:(\w+)/g, '{$1}')));
  return pattern;
}
