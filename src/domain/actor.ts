/**
 * Who is calling, and what they may do. The owner-or-admin rule and the creator rule for new events
 * live here, so that every driver applies them the same way.
 */
import { ForbiddenError, NotReservationOwnerError } from './errors.js';
import { isLcoOrigin, LIMITS, type Reservation } from './reservation.js';

export type Actor =
  /** A signed-in person: `sub` is the token's subject (the Auth0 user id in production). */
  | {
    readonly kind: 'user'; readonly sub: string; readonly name?: string; readonly isAdmin: boolean;
    /** The token's roles and groups (the roles claim, GROUP_CLAIM): which booking rules apply (fair-share.ts). */
    readonly roles?: readonly string[];
  }
  /** A trusted backend holding a service key (the projects service). */
  | { readonly kind: 'service'; readonly name: string }
  /** No credentials, where the deployment's compatibility switch allows it. */
  | { readonly kind: 'anonymous' };

export const ADMIN_ROLE = 'admin';

export function isAdmin(actor: Actor): boolean {
  return actor.kind === 'user' && actor.isAdmin;
}

/** Owner-or-admin: only the event's creator or an admin may modify or delete it. */
export function mayManage(actor: Actor, event: Pick<Reservation, 'creator_id'>): boolean {
  return actor.kind === 'user' && (actor.isAdmin || actor.sub === event.creator_id);
}

/** mayManage, refused with the domain's error (the calendar page asks mayManage to offer editing). */
export function assertMayManage(actor: Actor, event: Pick<Reservation, 'creator_id'>): void {
  if (!mayManage(actor, event)) throw new NotReservationOwnerError();
}

/**
 * Moving, changing or deleting an event: owner-or-admin, and an LCO observation only by an admin,
 * whoever it names as creator (an admin may book one in a user's name). The import keeps it as LCO
 * scheduled it; a user who could move it or make it a PTR booking would hold a slot LCO planned.
 */
export function assertMayChange(actor: Actor, event: Pick<Reservation, 'creator_id' | 'origin'>): void {
  assertMayManage(actor, event);
  if (isLcoOrigin(event.origin) && !isAdmin(actor)) {
    throw new ForbiddenError('Only an admin may modify or delete an LCO observation: the LCO import keeps it as LCO scheduled it.');
  }
}

/**
 * Linking an event to a project: a user must own the event (or be an admin); a service key and an
 * anonymous caller (compatibility switch on) are trusted, as the projects service always was.
 */
export function assertMayLinkProject(actor: Actor, event: Pick<Reservation, 'creator_id'>): void {
  if (actor.kind === 'service' || actor.kind === 'anonymous') return;
  assertMayManage(actor, event);
}

/**
 * The owner of a new event. A non-admin may only create events in their own name (a missing
 * `creator_id` becomes theirs); an admin may create for others.
 */
export function ownerOfNewEvent(actor: Actor, requestedCreatorId: string | undefined): string {
  if (actor.kind !== 'user') throw new ForbiddenError('Only a signed-in user may create events.');
  if (requestedCreatorId === undefined || requestedCreatorId === '' || requestedCreatorId === actor.sub) {
    return actor.sub;
  }
  if (actor.isAdmin) return requestedCreatorId;
  throw new ForbiddenError('You may only create events in your own name (creator_id must be your user id).');
}

/**
 * The creator (display name) an event owned by `ownerId` is stored with, when the caller is its owner
 * and the identity provider named them: that name, whatever the body says (the body's `creator` is
 * kept for an admin booking for someone else, and for a caller the provider gave no name). A name
 * longer than the field's cap is cut to it.
 */
export function creatorNameFor(actor: Actor, ownerId: string): string | undefined {
  if (actor.kind !== 'user' || actor.sub !== ownerId || !actor.name?.trim()) return undefined;
  return [...actor.name.trim()].slice(0, LIMITS.creator).join('').slice(0, LIMITS.creator);
}

/** Only an admin may write an event that claims to come from the LCO scheduler. */
export function assertMayUseOrigin(actor: Actor, origin: string): void {
  if (isLcoOrigin(origin) && !isAdmin(actor)) {
    throw new ForbiddenError('Only an admin may create or modify events with origin LCO.');
  }
}

/** Who a change is recorded as in an event's history: a user's sub, `service`, or `anonymous`. */
export function authorOf(actor: Actor): string {
  return actor.kind === 'user' ? actor.sub : actor.kind;
}
