/** The iCalendar feeds (tag Feeds): a site's, anyone's to read; a user's private one, and the route that makes its address. */
import type { UseCases } from '../../../application/use-cases/index.js';
import type { CalendarFeed } from '../../../application/use-cases/site-calendar-feed.js';
import { FeedAddress, ICalendar } from '../api-answers.js';
import { FeedKeyRequest } from '../api-requests.js';
import { HttpProblem } from '../errors.js';
import { DEFAULT_ICAL_DOMAIN, CalendarFeedCache, calendarFeedAnswer } from '../ical.js';
import { change, type Route, type RouteDoc, type RouteOptions } from '../route.js';
import { isLoopbackHost } from '../this-machine.js';

/**
 * Where the private calendar feed addresses handed out point: PUBLIC_URL. Without it, the request's own
 * origin only when its Host names this machine by a loopback name (a development server): anywhere
 * else Host is whatever the client or a proxy wrote (behind a plain proxy, the upstream's
 * 127.0.0.1:3000), and a secret address would be handed out under a name nobody chose. Checked
 * before a key is made, so a refusal leaves none behind.
 */
function feedAddressBase(publicUrl: string | undefined, origin: string | undefined): string {
  if (publicUrl) return publicUrl;
  let parsed: URL | undefined;
  try {
    parsed = origin === undefined ? undefined : new URL(origin);
  } catch {
    parsed = undefined;
  }
  // The URL's own origin, not the text: a Host of `localhost:3000?x=` or `localhost:3000#` would
  // otherwise put the key after a `?` or `#` of the address handed out.
  if (parsed && isLoopbackHost(parsed.host)) return parsed.origin;
  throw new HttpProblem(503, 'This server does not know its public address (PUBLIC_URL is not set), so it cannot make a feed address; ask its operator to set it.');
}

export function calendarFeedRoutes(u: UseCases, deployment: RouteOptions): Route[] {
  const feeds = deployment.calendarFeedCache ?? new CalendarFeedCache(deployment.icalDomain ?? DEFAULT_ICAL_DOMAIN, {}, deployment.storeVersion);
  /**
   * A GET route answering an iCalendar feed, conditionally (ical.ts), read and written through the
   * shared cache: one reading for all who ask for the same feed at once (by route and parameters).
   */
  const feed = (
    path: string,
    doc: Pick<RouteDoc, 'summary' | 'description' | 'errors'>,
    load: (params: Readonly<Record<string, string>>) => Promise<CalendarFeed>,
    how: (params: Readonly<Record<string, string>>) => { description: string; cache: 'public' | 'private'; exactLastModified: boolean },
  ): Route => ({
    method: 'GET', path, auth: 'none', hasBody: false,
    doc: { tag: 'Feeds', response: ICalendar, media: 'text/calendar', cached: true, ...doc },
    handle: async ({ params, conditions }) => {
      const { description, cache, exactLastModified } = how(params);
      const options = { description, cache };
      const { feed: loaded, rendered } = await feeds.load(JSON.stringify([path, params]), () => load(params), options);
      return calendarFeedAnswer(loaded, rendered, options, conditions ?? {}, exactLastModified);
    },
  });
  return [
    change('/ical-feed', 'user', {
      tag: 'Feeds', summary: 'Your private calendar feed address', request: FeedKeyRequest, response: FeedAddress, errors: [409],
      description: 'Makes a secret address of a feed of your reservations at every site, notes included, for a calendar app. ' +
        'It is shown only now: only a digest of its key is kept. 409 when you have one already; {"rotate": true} makes a new one ' +
        'and the old address stops working at once.',
    }, async ({ rotate }, { actor, origin }) => {
      const base = feedAddressBase(deployment.publicUrl, origin);
      const { key } = await u.issueFeedKey.execute({ actor, rotate: rotate === true });
      const url = `${base}/ical/users/${key}.ics`;
      return { url, webcal: url.replace(/^https?:/, 'webcal:') };
    }),
    feed('/ical/{site}.ics', {
      summary: "A site's calendar feed (iCalendar)", errors: [400],
      description: (s) => `The site's reservations and imported LCO observations from ${s.icalPastDays} days ago to ${s.icalFutureDays} days ` +
        `ahead (ICAL_PAST_DAYS, ICAL_FUTURE_DAYS), at most ${s.icalMaxEvents} events (ICAL_MAX_EVENTS: the coming ones first), ` +
        'for any calendar app; an unknown site is an empty calendar. Notes are not included. ' +
        'Poll with If-None-Match or If-Modified-Since: 304 when unchanged.',
    }, ({ site }) => u.siteCalendarFeed.execute({ site: site ?? '' }),
    (params) => ({ description: `Reservations at the Photon Ranch telescope ${params.site ?? ''}`, cache: 'public', exactLastModified: true })),
    feed('/ical/users/{key}.ics', {
      summary: "A user's private calendar feed (iCalendar)", errors: [404],
      description: 'The reservations of the key\'s owner at every site, notes included (the address from POST /ical-feed is the only ' +
        'credential). 404 for an unknown or replaced key. 304 for a current If-None-Match; If-Modified-Since alone is not ' +
        'enough here (a delete leaves no later time), so it is answered in full.',
    }, ({ key }) => u.userCalendarFeed.execute({ key: key ?? '' }),
    () => ({ description: 'Your Photon Ranch reservations', cache: 'private', exactLastModified: false })),
  ];
}
