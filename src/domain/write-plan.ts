/**
 * Every write to the calendar, planned. Given what the store holds under an event id (EventState),
 * the change asked for, and who makes it when, one pure function here decides the whole write as a
 * WritePlan: the event after it (or its removal), what the stored state must still be when it
 * commits, the rules the commit checks over the site's bookings, the history entry and the feed
 * entries. A store only makes a plan atomic (ReservationStore.commit); it decides nothing itself, so
 * each rule is written once, here, and property-tested without a store.
 */
import { findConflicts, type Booking } from './conflicts.js';
import { ReservationConflictError, ReservationExistsError, ReservationNotFoundError, StaleWriteError } from './errors.js';
import { feedEntries, type UnnumberedEntry } from './feed.js';
import {
  arrivalVersion, historyEntry, LCO_IMPORT, projectAction, removalAction, type Arrival, type Change, type HistoryAction, type HistoryEntry,
} from './history.js';
import { overlaps, type Interval } from './interval.js';
import { checkVersion, isLcoOrigin, NO_PROJECT, type Reservation } from './reservation.js';

/** What the store holds under an event id: its event, or (deleted, its history kept or purged) its last version, or nothing ever. */
export type EventState =
  | { readonly kind: 'live'; readonly event: Reservation }
  | { readonly kind: 'gone'; readonly lastVersion: number }
  | { readonly kind: 'unused' };

/** What a plan requires the stored state to be when it commits: the state it was planned on, told by its version. */
export type Expectation =
  | { readonly kind: 'live'; readonly version: number }
  | { readonly kind: 'gone'; readonly lastVersion: number }
  | { readonly kind: 'unused' };

/**
 * A rule the store checks in the write's atomic step, over the bookings at `site` that overlap
 * `window`, as they stand before the write (the event written among them at its old times, if any).
 * With `owner`, only that owner's bookings at the site, LCO's observations left out (ownerCounts):
 * what an allowance counts (fair-share.ts), which a store may keep apart per owner (DynamoDB).
 */
export interface Condition {
  /** The rule's name, for tests and logs ('no-conflict', 'allowance'; the next ones need no store code). */
  readonly rule: string;
  readonly site: string;
  readonly owner?: string;
  readonly window: Interval;
  /** Throws the rule's domain error when the bookings do not allow the write. */
  readonly check: (bookings: readonly Booking[]) => void;
}

export interface WritePlan {
  readonly eventId: string;
  readonly expect: Expectation;
  /** The event as it stood when planned (a live state's): the stores unlist it where `after` does not take its place. */
  readonly before?: Reservation;
  /** The event after the write, its version set; null when the write removes it. */
  readonly after: Reservation | null;
  readonly conditions: readonly Condition[];
  readonly history: HistoryEntry;
  /** Unnumbered: each store numbers a site's entries in commit order. */
  readonly feed: readonly UnnumberedEntry[];
}

/** The state of an id with no event now, from its last version (none: the id was never used). */
export function absentState(lastVersion: number | null | undefined): Extract<EventState, { kind: 'gone' | 'unused' }> {
  return lastVersion === null || lastVersion === undefined ? { kind: 'unused' } : { kind: 'gone', lastVersion };
}

/** The expectation that the state is still `state`. */
export function expectationOf(state: EventState): Expectation {
  return state.kind === 'live' ? { kind: 'live', version: state.event.version } : state;
}

/** Throws StaleWriteError unless the state a commit finds is the one its plan expects. */
export function assertExpected(plan: WritePlan, found: Expectation): void {
  const { expect } = plan;
  const same = expect.kind === found.kind
    && (expect.kind !== 'live' || expect.version === (found as { version: number }).version)
    && (expect.kind !== 'gone' || expect.lastVersion === (found as { lastVersion: number }).lastVersion);
  if (!same) throw new StaleWriteError(plan.eventId);
}

/** The conflict rule as a condition: `event` may not overlap, at its site, an event of another creator. */
export function noConflict(event: Reservation): Condition {
  return {
    rule: 'no-conflict',
    site: event.site,
    window: { start: event.start, end: event.end },
    check: (bookings) => {
      const conflicts = findConflicts(event, bookings);
      if (conflicts.length > 0) throw new ReservationConflictError(conflicts.map((b) => b.event_id));
    },
  };
}

/**
 * The fair-share judgment of the booking a write makes, as conditions (fair-share.ts judgeBooking,
 * for one actor at one time); `after` null for a removal, `before` the stored event it replaces. It
 * may throw for a shape rule, or for a change to time already used. The default judges nothing: imports, and deployments without BOOKING_RULES.
 */
export type Judge = (after: Reservation | null, before: Reservation | undefined) => readonly Condition[];
export const NO_RULES: Judge = () => [];

/** Whether an owner-scoped condition counts the event: the owner's own, and never an LCO observation (imports never count). */
export function ownerCounts(event: Pick<Reservation, 'creator_id' | 'origin'>, owner: string): boolean {
  return event.creator_id === owner && !isLcoOrigin(event.origin);
}

/** The bookings a condition reads among whole events (a store that holds them so: memory; a test's model). */
export function conditionBookings(condition: Condition, events: Iterable<Reservation>): Reservation[] {
  const seen: Reservation[] = [];
  for (const event of events) {
    if (event.site !== condition.site || !overlaps(event, condition.window)) continue;
    if (condition.owner !== undefined && !ownerCounts(event, condition.owner)) continue;
    seen.push(event);
  }
  return seen;
}

/** Every condition of the plan, checked over `bookings` (the stores' one way to apply them). */
export function checkConditions(plan: WritePlan, bookingsFor: (condition: Condition) => readonly Booking[]): void {
  for (const condition of plan.conditions) condition.check(bookingsFor(condition));
}

function planOf(state: EventState, eventId: string, action: HistoryAction, after: Reservation | null, change: Partial<Change>, conditions: Condition[]): WritePlan {
  const before = state.kind === 'live' ? state.event : undefined;
  // A removal's entries hold the event as it was.
  const subject = after ?? before!;
  const history = historyEntry(subject, action, change);
  return {
    eventId, expect: expectationOf(state), ...(before ? { before } : {}), after, conditions, history,
    feed: feedEntries(subject, action, history.at, before?.site),
  };
}

/** The live event, or ReservationNotFoundError. */
function liveEvent(state: EventState, eventId: string): Reservation {
  if (state.kind !== 'live') throw new ReservationNotFoundError(eventId);
  return state.event;
}

/** An event arriving under an id with no event now (arrivalVersion): a create, a restore. Under the conflict rule and the judge's. */
function planArrival(state: EventState, event: Reservation, arrival: Exclude<Arrival, 'imported'>, change: Partial<Change>, judge: Judge): WritePlan {
  if (state.kind === 'live') throw new ReservationExistsError(event.event_id);
  const version = arrivalVersion(event.event_id, state.kind === 'gone' ? { version: state.lastVersion } : undefined, arrival);
  const after = { ...event, version };
  return planOf(state, event.event_id, arrival, after, change, [noConflict(after), ...judge(after, undefined)]);
}

/** A new event, version 1: refused for an id in use (ReservationExistsError), or used before (arrivalVersion). */
export const planCreate = (state: EventState, event: Reservation, change: Partial<Change> = {}, judge: Judge = NO_RULES): WritePlan =>
  planArrival(state, event, 'created', change, judge);

/** A deleted event brought back as `event`, one version past its history's last. */
export const planRestore = (state: EventState, event: Reservation, change: Partial<Change> = {}, judge: Judge = NO_RULES): WritePlan =>
  planArrival(state, event, 'restored', change, judge);

/** The event replaced by `next` (same id), one version on, unless `expectedVersion` is not the stored one. */
export function planModify(state: EventState, next: Reservation, change: Partial<Change> = {}, expectedVersion?: number, judge: Judge = NO_RULES): WritePlan {
  const current = liveEvent(state, next.event_id);
  checkVersion(current, expectedVersion);
  const after = { ...next, version: current.version + 1 };
  return planOf(state, next.event_id, 'modified', after, change, [noConflict(after), ...judge(after, current)]);
}

/**
 * An observation from the LCO scheduler, added or updated, with no conflict rule: LCO's schedule is
 * authoritative for its own observations (and still blocks users' bookings after). One it removed
 * and scheduled again comes back under its id, its history going on.
 */
export function planImport(state: EventState, event: Reservation): WritePlan {
  const change = { by: LCO_IMPORT };
  if (state.kind === 'live') return planOf(state, event.event_id, 'import-updated', { ...event, version: state.event.version + 1 }, change, []);
  const version = arrivalVersion(event.event_id, state.kind === 'gone' ? { version: state.lastVersion } : undefined, 'imported');
  return planOf(state, event.event_id, 'imported', { ...event, version }, change, []);
}

/** The event removed (a delete, or the import's removal when `change.by` is the import), unless at another version than expected. */
export function planRemoval(state: EventState, eventId: string, change: Partial<Change> = {}, expectedVersion?: number, judge: Judge = NO_RULES): WritePlan {
  const current = liveEvent(state, eventId);
  checkVersion(current, expectedVersion);
  return planOf(state, eventId, removalAction(change.by ?? current.creator_id), null, change, [...judge(null, current)]);
}

/**
 * The event linked to a project (or unlinked, NO_PROJECT): its times do not move, so no conflict
 * rule; the judge sees it like any write (and, charging only differences, finds nothing to charge).
 */
export function planProjectLink(state: EventState, eventId: string, projectId: string, at: string, by?: string, judge: Judge = NO_RULES): WritePlan {
  const current = liveEvent(state, eventId);
  const after = { ...current, project_id: projectId, last_modified: at, version: current.version + 1 };
  return planOf(state, eventId, projectAction(projectId, NO_PROJECT), after, { at, ...(by ? { by } : {}) }, [...judge(after, current)]);
}

/**
 * Whether the write leaves the event's booking (site, times, creator, origin) as it was: a store
 * that indexes bookings apart (DynamoDB's day guards) then rewrites none of them.
 */
export function bookingUnchanged(plan: WritePlan): boolean {
  const { before, after } = plan;
  return before !== undefined && after !== null && before.site === after.site && before.start === after.start
    && before.end === after.end && before.creator_id === after.creator_id && isLcoOrigin(before.origin) === isLcoOrigin(after.origin);
}

/** A plan applied to a map of events: what every store must hold after committing it (the contract's model). */
export function applyPlan(events: Map<string, Reservation>, plan: WritePlan): void {
  if (plan.after === null) events.delete(plan.eventId);
  else events.set(plan.eventId, plan.after);
}
