/** The routes that change reservations (tags Reservations and Projects): bookings, their history, project links. */
import type * as z from 'zod';
import type { UseCases } from '../../../application/use-cases/index.js';
import { DEFAULT_HISTORY_LIMIT, HISTORY_PAGE_CHARS } from '../../../application/use-cases/get-event-history.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { Event, HistoryList, NewEventAnswer, ProjectLinkAnswer } from '../api-answers.js';
import {
  AddProjectRequest, DeleteEventRequest, EventHistoryRequest, ModifyEventRequest, NewEventRequest, RemoveProjectRequest, RestoreEventRequest,
} from '../api-requests.js';
import { change, post, withEtag, type Route } from '../route.js';

const IF_MATCH = /^"([1-9]\d{0,15})"$/;

/**
 * The version a conditional request expects: from If-Match (`"3"`; `*` is any version) or from the
 * body; both may be given only when they agree.
 */
function expected(ifMatch: string | undefined, bodyVersion: number | undefined): { expectedVersion?: number } {
  let header: number | undefined;
  if (ifMatch !== undefined && ifMatch.trim() !== '*') {
    const match = IF_MATCH.exec(ifMatch.trim());
    if (!match) throw new InvalidInputError('Invalid If-Match: expected the ETag of the event, such as "3" (its version in double quotes)');
    header = Number(match[1]);
    // Past 2^53 a number is not the one sent (the 412 would name another version): no version gets there.
    if (!Number.isSafeInteger(header)) throw new InvalidInputError(`Invalid If-Match: ${match[1]!} is larger than any version`);
  }
  if (header !== undefined && bodyVersion !== undefined && header !== bodyVersion) {
    throw new InvalidInputError(`Invalid version: ${bodyVersion} in the body, but If-Match says ${header}`);
  }
  const version = header ?? bodyVersion;
  return version === undefined ? {} : { expectedVersion: version };
}

type EventRef = z.infer<typeof AddProjectRequest>['events'][number];
const refId = (ref: EventRef): string => (typeof ref === 'string' ? ref : ref.event_id);

export function reservationRoutes(u: UseCases): Route[] {
  const USER = 'Needs a bearer token; only the owner or an admin may change an event.';
  const CONDITIONAL = 'With If-Match: "<version>" (or the version in the body), it changes nothing and answers 412 unless the event is at that version.';
  const LINK = 'Needs a bearer token (owner-or-admin per event) or a service key in X-Api-Key.';
  return [
    withEtag(change('/newevent', 'user', {
      tag: 'Reservations', summary: 'Book a reservation', request: NewEventRequest, response: NewEventAnswer, errors: [403, 409], judged: true,
      description: "Refused with 409, naming the events in the way, when it overlaps another user's reservation at the site or its " +
        'event_id is taken: by an event, or by a deleted one (an event_id is never given to another event; restore it, or use a new ' +
        'event_id). The check and the write are one atomic step. A non-admin may only book for themselves. ' +
        'Sending the same event again (same creator, same content) answers 200 with the stored one: a lost answer can be retried.',
    }, async (_event, { body, actor }) => ({
      // The domain reads the body as sent (unknown keys kept); the schema has checked its known keys.
      new_calendar_event: await u.createReservation.execute({ actor, event: body }),
    })), (answer) => (answer as { new_calendar_event?: { version?: number } }).new_calendar_event?.version),
    withEtag(change('/modifyevent', 'user', {
      tag: 'Reservations', summary: 'Change a reservation', request: ModifyEventRequest, response: Event, errors: [403, 404, 409], conditional: true, judged: true,
      description: `${USER} The same conflict rule as booking, ignoring the event itself; atomic. ${CONDITIONAL}`,
    }, async ({ originalEvent, modifiedEvent }, { actor, ifMatch }) => u.modifyReservation.execute({
      actor, originalEvent, modifiedEvent, ...expected(ifMatch, originalEvent.version),
    })), (answer) => (answer as { version?: number }).version),
    withEtag(change('/delete', 'user', {
      tag: 'Reservations', summary: 'Delete a reservation', request: DeleteEventRequest, response: Event, errors: [403, 404, 409], conditional: true, judged: true,
      description: `${USER} ${CONDITIONAL}`,
    }, async ({ event_id, version }, { actor, ifMatch }) => u.deleteReservation.execute({ actor, eventId: event_id, ...expected(ifMatch, version) })),
    (answer) => (answer as { version?: number }).version),
    post('/event-history', 'user', {
      tag: 'Reservations', summary: "An event's history", request: EventHistoryRequest, response: HistoryList, errors: [403, 404],
      description: 'The changes of the event, oldest first: its version, when, who and what, and the event as it stood after it ' +
        `(before it, for a delete, which is a version of its own). One page at a time: at most limit changes (default ${DEFAULT_HISTORY_LIMIT}), and no ` +
        `more than about ${HISTORY_PAGE_CHARS / (1024 * 1024)} MiB of them (always at least one); for the next page ask again with after_version set to the last ` +
        "change's version, until an answer is empty. To the owner (who first booked the id) or an admin; 404 for an id never booked.",
    }, async ({ event_id, after_version, limit }, { actor }) => u.eventHistory.execute({
      actor, eventId: event_id, ...(after_version === undefined ? {} : { afterVersion: after_version }), ...(limit === undefined ? {} : { limit }),
    })),
    withEtag(change('/restore-event', 'user', {
      tag: 'Reservations', summary: 'Bring back a deleted reservation', request: RestoreEventRequest, response: Event, errors: [403, 404, 409], judged: true,
      description: 'Recreates a deleted event as it stood at a version (default: when deleted), under the conflict rule like any ' +
        'booking (409 naming what is in the way now, or when the event exists), as a new version. To the owner (who first booked ' +
        'the id) or an admin; an LCO observation to an admin only.',
    }, async ({ event_id, version }, { actor }) => u.restoreEvent.execute({ actor, eventId: event_id, ...(version === undefined ? {} : { version }) })),
    (answer) => (answer as { version?: number }).version),
    change('/add-projects-to-events', 'link', {
      tag: 'Projects', summary: 'Link events to a project', request: AddProjectRequest, response: ProjectLinkAnswer, errors: [403], description: LINK,
    }, async ({ project_id, events }, { actor }) => u.addProject.execute({ actor, projectId: project_id, eventIds: events.map(refId) })),
    change('/remove-project-from-events', 'link', {
      tag: 'Projects', summary: 'Unlink events from their project', request: RemoveProjectRequest, response: ProjectLinkAnswer, errors: [403],
      description: LINK,
    }, async ({ events }, { actor }) => u.removeProject.execute({ actor, eventIds: events.map(refId) })),
  ];
}
