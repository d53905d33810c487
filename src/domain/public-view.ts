/**
 * What anyone may see of an event, signed in or not: the event as it is now, without its note. The
 * note is its owner's (the owner's private calendar feed and /event-history carry it). A site's
 * public calendar feed and the change feed both show events through this one function. (/siteevents
 * still answers whole events: the frontend's wire contract fixes its shape.)
 */
import type { Reservation } from './reservation.js';

export function publicView(event: Reservation): Reservation {
  return event.reservation_note === '' ? event : { ...event, reservation_note: '' };
}
