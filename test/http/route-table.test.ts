/**
 * Only anonymous routes are cached (issue 29): the read cache answers before authentication runs,
 * so a route that needs a token must never be marked cacheable (nor cached, HTTP's caching). The
 * route types say so (the `@ts-expect-error` lines below fail `npm run typecheck` the day they
 * allow it), the table holds to it, and the Koa edge refuses a route that got past the types.
 */
import * as z from 'zod';
import type { UseCases } from '../../src/application/use-cases/index.js';
import { post, pure, type Route } from '../../src/adapters/http/route.js';
import { ReadCache } from '../../src/adapters/http/read-cache.js';
import { buildRoutes } from '../../src/adapters/http/routes.js';
import { testKoaApp } from '../support/koa-app.js';

const handle = async (): Promise<unknown> => ({});
const DOC = { tag: 'Queries', summary: 'a test route', response: z.unknown(), errors: [] } as const;
const readCache = new ReadCache({ current: () => 1 }, { maxBytes: 1 << 20 });

/** Routes the compiler refuses: each would be kept by the read cache, or by HTTP caches, for anyone. */
const signedInButCached: Route[] = [
  // @ts-expect-error: a route that needs a token cannot be cacheable (read-cached)
  { method: 'POST', path: '/mine', auth: 'user', hasBody: true, doc: DOC, handle, cacheable: () => true },
  // @ts-expect-error: nor cached (HTTP)
  { method: 'GET', path: '/linked', auth: 'link', hasBody: false, handle, doc: { ...DOC, cached: true } },
  // @ts-expect-error: the table's helpers make a cacheable route of an anonymous one only
  pure(post('/history', 'user', { ...DOC, request: z.object({}) }, handle)),
];

it('by type, and at run time: the Koa edge refuses a route that needs a token and is cached', () => {
  expect(signedInButCached).toHaveLength(3);
  for (const route of signedInButCached) {
    expect(() => testKoaApp({ routes: [route], readCache })).toThrow(`${route.method} ${route.path} needs a token`);
  }
  // The same routes, anonymous, are served (and their answers kept).
  const anonymous = signedInButCached.map((route) => ({ ...route, auth: 'none' }) as Route);
  expect(() => testKoaApp({ routes: anonymous, readCache })).not.toThrow();
});

it('every cached route of the table is anonymous, and the signed-in ones are the expected few', () => {
  const routes = buildRoutes({} as UseCases);
  const cached = routes.filter((route) => route.cacheable !== undefined || route.doc.cached === true);
  expect(cached.length).toBeGreaterThanOrEqual(7);
  for (const route of cached) expect({ path: route.path, auth: route.auth }).toEqual({ path: route.path, auth: 'none' });
  expect(routes.filter((route) => route.auth !== 'none').map((route) => route.path).sort()).toEqual([
    '/add-projects-to-events', '/allowance', '/delete', '/event-history', '/ical-feed', '/me', '/modifyevent', '/newevent', '/remove-project-from-events',
    '/restore-event',
  ]);
});
