/** The LCO scheduler's routes (tag LCO): its observations read through, and the import triggers. */
import type { UseCases } from '../../../application/use-cases/index.js';
import { ImportReport, SchedulerObservationList } from '../api-answers.js';
import { SiteWindowRequest } from '../api-requests.js';
import { post, readingThrough, readThroughRefusals, type Answer, type Route } from '../route.js';

export function lcoRoutes(u: UseCases): Route[] {
  return [
    readingThrough(post('/scheduler-observations', 'none', {
      tag: 'LCO', summary: 'What the LCO scheduler plans at a site', request: SiteWindowRequest, response: SchedulerObservationList, errors: [502],
      description: (s) => 'Read through from the LCO observation portal, ' +
        (s.lcoCacheSeconds > 0 ? `an answer kept ${s.lcoCacheSeconds} s (LCO_CACHE_SECONDS)` : 'answers not kept (LCO_CACHE_SECONDS is 0)') +
        `; an unknown site is []. ${readThroughRefusals(s, 'LCO', 'its site proxy')}`,
    }, async ({ site, start, end }) => u.listSchedulerObservations.execute({ site, start, end })), 'the LCO site proxy'),
    {
      method: 'GET', path: '/import-schedules', auth: 'none', hasBody: false, limit: 'imports',
      doc: { tag: 'LCO', summary: 'Import from LCO now, every subsite', response: ImportReport, errors: [],
        description: 'Joins the run in progress, if any (the import also runs on its own schedule).' },
      handle: (): Answer<typeof ImportReport> => u.importSchedules.execute(),
    },
    {
      method: 'GET', path: '/import-schedules/{subsite}', auth: 'none', hasBody: false, limit: 'imports',
      doc: { tag: 'LCO', summary: 'Import from LCO now, one subsite', response: ImportReport, errors: [404],
        description: '404 for a subsite the deployment does not know; the message lists those it does.' },
      handle: ({ params }): Answer<typeof ImportReport> => u.importSchedules.execute({ subsite: params.subsite ?? '' }),
    },
  ];
}
