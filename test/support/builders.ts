import * as z from 'zod';
import type { RouteDoc } from '../../src/adapters/http/route.js';
import type { Reservation } from '../../src/domain/reservation.js';

let counter = 0;

/** A valid stored reservation; override what the test is about. */
export function aReservation(overrides: Partial<Reservation> = {}): Reservation {
  counter += 1;
  return {
    event_id: `evt-${counter}`,
    start: '2025-06-20T03:00:00Z',
    end: '2025-06-20T04:00:00Z',
    creator: 'Alice Example',
    creator_id: 'google-oauth2|alice',
    site: 'saf',
    resourceId: 'saf',
    title: 'Alice Example',
    reservation_type: 'realtime',
    origin: 'PTR',
    project_id: 'none',
    reservation_note: '',
    last_modified: '2025-06-01T00:00:00Z',
    version: 1,
    ...overrides,
    // The calendar resource is always the site.
    ...(overrides.site !== undefined && overrides.resourceId === undefined ? { resourceId: overrides.site } : {}),
  };
}

/** A raw event body as the frontend sends it to /newevent. */
export function aNewEventBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { creator_id: _owner, last_modified: _stamp, event_id, ...fields } = aReservation();
  const resource = typeof overrides.site === 'string' && !('resourceId' in overrides) ? { resourceId: overrides.site } : {};
  return { ...fields, event_id: `body-${event_id}-${Math.random().toString(36).slice(2, 10)}`, ...overrides, ...resource };
}

/** The documentation a route made up for a test carries (it is never served). */
export const A_ROUTE_DOC: RouteDoc = { tag: 'Queries', summary: 'a test route', response: z.unknown(), errors: [] };
