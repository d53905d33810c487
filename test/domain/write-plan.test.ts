/**
 * The write planning, without a store: every decision the stores used to make each on their own
 * (the next version, the history action, the feed entries, the site an event left, whether the
 * conflict rule applies, what the stored state must still be) is made by these pure functions, and
 * checked here as properties over random states and requests.
 */
import fc from 'fast-check';
import { ReservationConflictError, StaleWriteError } from '../../src/domain/errors.js';
import { LCO_IMPORT } from '../../src/domain/history.js';
import { overlaps } from '../../src/domain/interval.js';
import type { Reservation } from '../../src/domain/reservation.js';
import { formatUtcTime } from '../../src/domain/time.js';
import {
  applyPlan, assertExpected, bookingUnchanged, checkConditions, expectationOf, planCreate, planImport, planModify, planProjectLink,
  planRemoval, planRestore, type EventState, type WritePlan,
} from '../../src/domain/write-plan.js';
import { aReservation } from '../support/builders.js';

const BASE = Date.parse('2030-01-01T00:00:00Z') / 1000;
const AT = '2030-02-01T00:00:00Z';

const event = fc.record({
  id: fc.constantFrom('a', 'b', 'c', 'd'),
  creator: fc.constantFrom('alice', 'bob'),
  site: fc.constantFrom('saf', 'mrc1'),
  startMin: fc.integer({ min: 0, max: 300 }),
  lengthMin: fc.integer({ min: 1, max: 120 }),
  version: fc.integer({ min: 1, max: 9 }),
  origin: fc.constantFrom('PTR', 'LCO'),
}).map(({ id, creator, site, startMin, lengthMin, version, origin }) => aReservation({
  event_id: id, creator_id: creator, site, origin, version,
  start: formatUtcTime(BASE + startMin * 60), end: formatUtcTime(BASE + (startMin + lengthMin) * 60),
}));

const state: fc.Arbitrary<EventState> = fc.oneof(
  event.map((e): EventState => ({ kind: 'live', event: e })),
  fc.integer({ min: 1, max: 9 }).map((lastVersion): EventState => ({ kind: 'gone', lastVersion })),
  fc.constant<EventState>({ kind: 'unused' }),
);

/** Every planner, on one state, for one request; undefined where the request is refused (the error is checked apart). */
const requests = (s: EventState, e: Reservation, expected?: number): Array<[string, () => WritePlan]> => {
  const id = s.kind === 'live' ? s.event.event_id : e.event_id;
  const same = { ...e, event_id: id };
  return [
    ['create', () => planCreate(s, same, { by: 'alice', at: AT })],
    ['restore', () => planRestore(s, same, { by: 'alice', at: AT })],
    ['modify', () => planModify(s, same, { by: 'alice', at: AT }, expected)],
    ['import', () => planImport(s, same)],
    ['delete', () => planRemoval(s, id, { by: 'alice', at: AT }, expected)],
    ['import removal', () => planRemoval(s, id, { by: LCO_IMPORT, at: AT })],
    ['link', () => planProjectLink(s, id, 'p#1', AT, 'alice')],
  ];
};

const attempt = (plan: () => WritePlan): WritePlan | Error => {
  try {
    return plan();
  } catch (error) {
    return error as Error;
  }
};

it('every plan is one version on, recorded at that version in its history and every feed entry, and expects the state it was made on', () => {
  fc.assert(fc.property(state, event, fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }), (s, e, expected) => {
    for (const [, make] of requests(s, e, expected)) {
      const plan = attempt(make);
      if (plan instanceof Error) continue;
      const previous = s.kind === 'live' ? s.event.version : s.kind === 'gone' ? s.lastVersion : 0;
      expect(plan.history.version).toBe(previous + 1);
      expect(plan.after === null ? plan.history.version : plan.after.version).toBe(previous + 1);
      expect(plan.feed.every((entry) => entry.version === plan.history.version && entry.action === plan.history.action && entry.at === plan.history.at)).toBe(true);
      expect(plan.expect).toEqual(expectationOf(s));
      expect(plan.before).toEqual(s.kind === 'live' ? s.event : undefined);
      // The entry holds the event after the change, or as it was for a removal.
      expect(plan.history.event).toEqual(plan.after ?? plan.before);
    }
  }));
});

it('the feed has the entry of the event\'s site (without the event when removed) and one more, without it, in the site it left', () => {
  fc.assert(fc.property(event, event, (stored, next) => {
    const s: EventState = { kind: 'live', event: stored };
    const moved = planModify(s, { ...next, event_id: stored.event_id });
    expect(moved.feed.map((f) => [f.site, f.event === null])).toEqual(
      next.site === stored.site ? [[next.site, false]] : [[next.site, false], [stored.site, true]],
    );
    const removed = planRemoval(s, stored.event_id);
    expect(removed.feed.map((f) => [f.site, f.event])).toEqual([[stored.site, null]]);
    expect(removed.history.action).toBe('deleted');
    expect(planRemoval(s, stored.event_id, { by: LCO_IMPORT }).history.action).toBe('import-removed');
  }));
});

it('refuses what the state does not allow: an id in use or used before, a missing event, a version not the stored one', () => {
  fc.assert(fc.property(state, event, fc.integer({ min: 1, max: 9 }), (s, e, expected) => {
    const outcome = new Map(requests(s, e, expected).map(([name, make]) => {
      const result = attempt(make);
      return [name, result instanceof Error ? result.constructor.name : 'plan'];
    }));
    const live = s.kind === 'live';
    const versionOk = !live || s.event.version === expected;
    expect(outcome.get('create')).toBe(s.kind === 'unused' ? 'plan' : 'ReservationExistsError');
    expect(outcome.get('restore')).toBe(live ? 'ReservationExistsError' : s.kind === 'unused' ? 'ReservationNotFoundError' : 'plan');
    for (const name of ['modify', 'delete']) {
      expect(outcome.get(name)).toBe(!live ? 'ReservationNotFoundError' : versionOk ? 'plan' : 'VersionMismatchError');
    }
    expect(outcome.get('link')).toBe(live ? 'plan' : 'ReservationNotFoundError');
    // The import never refuses: LCO's schedule is authoritative for its own observations.
    expect(outcome.get('import')).toBe('plan');
  }));
});

it('the conflict rule is a condition of the writes that place an event by a user\'s hand, and of no other', () => {
  fc.assert(fc.property(state, event, (s, e) => {
    for (const [name, make] of requests(s, e)) {
      const plan = attempt(make);
      if (plan instanceof Error) continue;
      const ruled = ['create', 'restore', 'modify'].includes(name);
      expect(plan.conditions.map((c) => c.rule)).toEqual(ruled ? ['no-conflict'] : []);
      if (ruled) expect(plan.conditions[0]).toMatchObject({ site: plan.after!.site, window: { start: plan.after!.start, end: plan.after!.end } });
    }
  }));
});

it('a commit finds the state stale unless it is the one planned on', () => {
  fc.assert(fc.property(state, state, event, (planned, found, e) => {
    const plan = planImport(planned, { ...e, event_id: planned.kind === 'live' ? planned.event.event_id : e.event_id });
    const same = JSON.stringify(expectationOf(planned)) === JSON.stringify(expectationOf(found));
    const outcome = (() => {
      try {
        assertExpected(plan, expectationOf(found));
        return 'ok';
      } catch (error) {
        expect(error).toBeInstanceOf(StaleWriteError);
        return 'stale';
      }
    })();
    expect(outcome).toBe(same ? 'ok' : 'stale');
  }));
});

it('a link or a retitle leaves the booking unchanged; a move, a removal or a new creator does not', () => {
  const stored = aReservation({ event_id: 'x', version: 3 });
  const s: EventState = { kind: 'live', event: stored };
  expect(bookingUnchanged(planProjectLink(s, 'x', 'p#1', AT))).toBe(true);
  expect(bookingUnchanged(planModify(s, { ...stored, title: 'renamed' }))).toBe(true);
  expect(bookingUnchanged(planModify(s, { ...stored, end: '2025-06-20T05:00:00Z' }))).toBe(false);
  expect(bookingUnchanged(planModify(s, { ...stored, site: 'mrc1' }))).toBe(false);
  expect(bookingUnchanged(planImport(s, { ...stored, creator_id: 'lco' }))).toBe(false);
  expect(bookingUnchanged(planRemoval(s, 'x'))).toBe(false);
  expect(bookingUnchanged(planCreate({ kind: 'unused' }, stored))).toBe(false);
});

it('planned writes applied to a map, each checked against the map, never hold two overlapping events of different creators at a site', () => {
  const ops = fc.array(fc.tuple(fc.constantFrom('create', 'modify', 'delete', 'import'), event), { maxLength: 40 });
  fc.assert(fc.property(ops, (steps) => {
    const events = new Map<string, Reservation>();
    const gone = new Map<string, number>();
    for (const [kind, e] of steps) {
      const current = events.get(e.event_id);
      const s: EventState = current ? { kind: 'live', event: current }
        : gone.has(e.event_id) ? { kind: 'gone', lastVersion: gone.get(e.event_id)! } : { kind: 'unused' };
      const plan = attempt(() => (kind === 'create' ? planCreate(s, e) : kind === 'modify' ? planModify(s, e)
        : kind === 'import' ? planImport(s, { ...e, origin: 'LCO', creator_id: LCO_IMPORT }) : planRemoval(s, e.event_id)));
      if (plan instanceof Error) continue;
      const refused = attempt(() => {
        checkConditions(plan, ({ site, window }) => [...events.values()].filter((b) => b.site === site && overlaps(b, window)));
        return plan;
      });
      if (refused instanceof ReservationConflictError) continue;
      expect(refused).toBe(plan);
      applyPlan(events, plan);
      if (plan.after === null) gone.set(plan.eventId, plan.history.version);
    }
    // Only the import may place an event over another creator's; users' events never overlap each other's.
    const users = [...events.values()].filter((e) => e.creator_id !== LCO_IMPORT);
    for (const a of users) {
      for (const b of users) {
        if (a !== b && a.site === b.site && a.creator_id !== b.creator_id) expect(overlaps(a, b)).toBe(false);
      }
    }
  }));
});
