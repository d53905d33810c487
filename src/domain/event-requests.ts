/**
 * The writes people ask for, planned on the event as stored: who may make them, and the event they
 * make (domain/write-plan.ts plans the rest). Each is planned again on every fresh read of the event
 * (application/commit-planned.ts), so a permission is always checked on the version the write
 * replaces, never on one read before another write changed it.
 */
import { assertMayChange, assertMayLinkProject, assertMayUseOrigin, authorOf, creatorNameFor, type Actor } from './actor.js';
import { ReservationNotFoundError } from './errors.js';
import { buildReservation, type RawRecord, type ReservationRules } from './reservation.js';
import { NO_RULES, planModify, planProjectLink, planRemoval, type EventState, type Judge, type WritePlan } from './write-plan.js';

export interface EventChange {
  readonly eventId: string;
  /** The new version; keys it leaves out keep their stored values. */
  readonly modifiedEvent: RawRecord;
  /** Change nothing (VersionMismatchError) unless the stored event is at this version. */
  readonly expectedVersion?: number;
}

/**
 * A modify: owner-or-admin (an LCO observation: admin only); `event_id` and `creator_id` stay the
 * stored event's, and only an admin may make it an LCO observation. `now` is its last_modified.
 */
export function planEventChange(state: EventState, change: EventChange, actor: Actor, now: string, rules: ReservationRules, judge: Judge = NO_RULES): WritePlan {
  if (state.kind !== 'live') throw new ReservationNotFoundError(change.eventId);
  const current = state.event;
  assertMayChange(actor, current);
  const merged: RawRecord = { ...current, ...change.modifiedEvent, event_id: current.event_id };
  // The calendar resource follows the site unless the client names one (which must then match).
  if (change.modifiedEvent.resourceId === undefined) merged.resourceId = undefined;
  const creator = creatorNameFor(actor, current.creator_id);
  const next = buildReservation(merged, {
    creator_id: current.creator_id,
    last_modified: now,
    defaultCreator: current.creator,
    ...(creator === undefined ? {} : { creator }),
  }, rules);
  if (next.origin.toUpperCase() !== current.origin.toUpperCase()) assertMayUseOrigin(actor, next.origin);
  return planModify(state, next, { by: authorOf(actor), at: now }, change.expectedVersion, judge);
}

/** A delete: owner-or-admin (an LCO observation: admin only). */
export function planEventDelete(state: EventState, eventId: string, actor: Actor, now: string, expectedVersion?: number, judge: Judge = NO_RULES): WritePlan {
  if (state.kind === 'live') assertMayChange(actor, state.event);
  return planRemoval(state, eventId, { by: authorOf(actor), at: now }, expectedVersion, judge);
}

/** A project link (NO_PROJECT: unlink): a user must own the event or be an admin; a service is trusted. */
export function planEventLink(state: EventState, eventId: string, projectId: string, actor: Actor, now: string, judge: Judge = NO_RULES): WritePlan {
  if (state.kind === 'live') assertMayLinkProject(actor, state.event);
  return planProjectLink(state, eventId, projectId, now, authorOf(actor), judge);
}
