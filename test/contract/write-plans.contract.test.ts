/**
 * The store's one write method, commit(plan), over every store: each commits exactly what the
 * domain planned (checked against the planned writes applied to a map), refuses a plan made on a
 * state it no longer holds, and checks in the same atomic step any condition a plan carries, even
 * one no store has heard of: a new rule needs a domain function and no store code.
 */
import fc from 'fast-check';
import { commitPlanned } from '../../src/application/commit-planned.js';
import type { ReservationStore } from '../../src/application/ports/reservation-store.port.js';
import type { Booking } from '../../src/domain/conflicts.js';
import { ReservationConflictError, StaleWriteError } from '../../src/domain/errors.js';
import { LCO_IMPORT } from '../../src/domain/history.js';
import { overlaps } from '../../src/domain/interval.js';
import type { Reservation } from '../../src/domain/reservation.js';
import { addSeconds, formatUtcTime } from '../../src/domain/time.js';
import {
  applyPlan, checkConditions, planCreate, planImport, planModify, planProjectLink, planRemoval, planRestore, type Condition, type EventState,
  type WritePlan,
} from '../../src/domain/write-plan.js';
import { aReservation } from '../support/builders.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { storeAdapters, type StoreUnderTest } from '../support/store-adapters.js';
import { tempDir } from '../support/temp-dir.js';
import { stopAll } from '../support/teardown.js';

const dir = tempDir('write-plans-');
let dynamo: DynamoDbLocal;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, 60_000);
afterAll(() => stopAll(() => dir.remove(), dynamo));

const AT = '2030-02-01T00:00:00Z';
const day = (n: number, hour = 1): string => `2030-01-${String(n).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;

/**
 * A rule no store knows, written as the next issues will write theirs: a creator may hold at most
 * one booking at a site within a day either side of each of their bookings. Its window reaches days
 * the event does not touch, so a store must check bookings it does not rewrite.
 */
function oneEveryOtherDay(event: Reservation): Condition {
  return {
    rule: 'one-every-other-day',
    site: event.site,
    window: { start: addSeconds(event.start, -86_400), end: addSeconds(event.end, 86_400) },
    check: (bookings: readonly Booking[]) => {
      const mine = bookings.filter((b) => b.creator_id === event.creator_id && b.event_id !== event.event_id);
      if (mine.length > 0) throw new ReservationConflictError(mine.map((b) => b.event_id));
    },
  };
}

const comparable = ({ conditions, ...plan }: WritePlan) => ({ ...plan, rules: conditions.map((c) => [c.rule, c.site, c.window]) });

const withRule = (plan: WritePlan): WritePlan => ({ ...plan, conditions: [...plan.conditions, oneEveryOtherDay(plan.after!)] });
const createUnderRule = (store: ReservationStore, event: Reservation) =>
  commitPlanned(store, event.event_id, (state) => withRule(planCreate(state, event))).then(() => 'written', (error: unknown) => {
    if (error instanceof ReservationConflictError) return 'refused';
    throw error;
  });

describe.each(storeAdapters(dir.path, () => dynamo))('commit(plan): %s', (name, makeStore) => {
  let subject: StoreUnderTest;
  let store: ReservationStore;
  beforeEach(async () => {
    subject = await makeStore();
    store = subject.store;
  });
  afterEach(async () => {
    await subject.close();
  });

  it('checks a condition no store knows, over bookings it does not rewrite, atomically with the write', async () => {
    const mine = (id: string, n: number) => aReservation({ event_id: id, creator_id: 'alice', site: 'rule', start: day(n), end: day(n, 2) });
    expect(await createUnderRule(store, mine('r1', 10))).toBe('written');
    // The next day, by the same creator: in the rule's window, though it overlaps nothing.
    expect(await createUnderRule(store, mine('r2', 11))).toBe('refused');
    expect(await createUnderRule(store, aReservation({ event_id: 'r3', creator_id: 'bob', site: 'rule', start: day(11), end: day(11, 2) }))).toBe('written');
    expect(await createUnderRule(store, mine('r4', 13))).toBe('written');
    expect((await store.findOverlapping('rule', { start: day(1), end: day(28) })).items.map((e) => e.event_id)).toEqual(['r1', 'r3', 'r4']);
    expect(await store.history('r2')).toEqual([]);

    // Two at once, each planned on an empty calendar, each in the other's window: one commits.
    const outcomes = await Promise.all([createUnderRule(store, mine('c1', 20)), createUnderRule(store, mine('c2', 21))]);
    expect(outcomes.sort()).toEqual(['refused', 'written']);
    const held = (await store.findOverlapping('rule', { start: day(19), end: day(23) })).items.map((e) => e.event_id);
    expect(held).toHaveLength(1);
  });

  it('refuses a plan made on a state it no longer holds, and writes nothing of it', async () => {
    const event = aReservation({ event_id: 's1', site: 'stale' });
    const fresh: EventState = { kind: 'unused' };
    await store.commit(planCreate(fresh, event));
    // Planned on the id unused, on version 1, and on the event deleted: each is stale once it moved on.
    await expect(store.commit(planCreate(fresh, { ...event, start: day(5) }))).rejects.toBeInstanceOf(StaleWriteError);
    const v1 = await store.state('s1');
    await store.commit(planModify(v1, { ...event, title: 'second' }));
    await expect(store.commit(planModify(v1, { ...event, title: 'lost update' }))).rejects.toBeInstanceOf(StaleWriteError);
    await expect(store.commit(planRemoval(v1, 's1'))).rejects.toBeInstanceOf(StaleWriteError);
    await expect(store.commit(planProjectLink(v1, 's1', 'p#1', AT))).rejects.toBeInstanceOf(StaleWriteError);
    const v2 = await store.state('s1');
    await store.commit(planRemoval(v2, 's1'));
    const gone = await store.state('s1');
    expect(gone).toEqual({ kind: 'gone', lastVersion: 3 });
    await store.commit(planRestore(gone, event));
    await expect(store.commit(planRestore(gone, event))).rejects.toBeInstanceOf(StaleWriteError);
    expect((await store.history('s1')).map((h) => [h.version, h.action, h.event.title])).toEqual([
      [1, 'created', event.title], [2, 'modified', 'second'], [3, 'deleted', 'second'], [4, 'restored', event.title],
    ]);
    expect(await store.get('s1')).toMatchObject({ version: 4, title: event.title });
  });

  it('refuses a plan that takes an id for unused once the purge removed its history: the id was used', async () => {
    const event = aReservation({ event_id: 'p1', site: 'purged', last_modified: '2030-01-01T00:00:00Z' });
    await store.commit(planCreate({ kind: 'unused' }, event));
    await store.commit(planRemoval(await store.state('p1'), 'p1', { at: '2030-01-02T00:00:00Z' }));
    expect(await store.purgeHistory('2031-01-01T00:00:00Z')).toBe(1);
    expect(await store.history('p1')).toEqual([]);
    // The create use case plans first on the id unused, unread (commitPlanned's `assume`).
    await expect(store.commit(planCreate({ kind: 'unused' }, { ...event, creator_id: 'someone-else' }))).rejects.toBeInstanceOf(StaleWriteError);
    expect(await store.state('p1')).toEqual({ kind: 'gone', lastVersion: 2 });
    expect(await store.get('p1')).toBeUndefined();
  });

  it('holds what the planned writes applied to a map hold: events, histories and feeds, over random sequences', async () => {
    const slot = fc.record({
      creator: fc.constantFrom('alice', 'bob'), site: fc.constantFrom('saf', 'mrc1'),
      startMin: fc.integer({ min: 0, max: 300 }), lengthMin: fc.integer({ min: 1, max: 120 }),
    });
    const op = fc.record({
      // Deletes and restores twice as often: a restore needs an event deleted first.
      kind: fc.constantFrom('create', 'modify', 'delete', 'delete', 'restore', 'restore', 'import', 'link', 'reuse'),
      pick: fc.nat(), slot, offset: fc.option(fc.constantFrom(0, 0, 1), { nil: undefined }),
    });
    const base = Date.parse('2030-03-01T00:00:00Z') / 1000;
    const committed = new Set<string>();
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 30 }), async (ops) => {
      const run = await makeStore();
      try {
        const model = new Map<string, Reservation>();
        const last = new Map<string, Reservation>();
        const histories = new Map<string, unknown[]>();
        const feeds = new Map<string, unknown[]>();
        const stateOf = (id: string): EventState => (model.has(id) ? { kind: 'live', event: model.get(id)! }
          : last.has(id) ? { kind: 'gone', lastVersion: histories.get(id)!.length } : { kind: 'unused' });
        let n = 0;
        for (const step of ops) {
          const ids = [...new Set([...model.keys(), ...last.keys()])];
          const id = step.kind === 'create' || (step.kind === 'import' && step.pick % 3 === 0) || ids.length === 0 ? `x${++n}` : ids[step.pick % ids.length]!;
          const { creator, site, startMin, lengthMin } = step.slot;
          const start = formatUtcTime(base + startMin * 60);
          const event = aReservation({
            event_id: id, creator_id: step.kind === 'import' ? LCO_IMPORT : model.get(id)?.creator_id ?? creator, site,
            origin: step.kind === 'import' ? 'LCO' : 'PTR', start, end: formatUtcTime(base + (startMin + lengthMin) * 60), last_modified: AT,
          });
          const expected = step.offset === undefined || !model.has(id) ? undefined : model.get(id)!.version + step.offset;
          const plan = (state: EventState): WritePlan => {
            switch (step.kind) {
              case 'create': case 'reuse': return planCreate(state, event, { by: creator, at: AT });
              case 'modify': return planModify(state, event, { by: creator, at: AT }, expected);
              case 'delete': return planRemoval(state, id, { by: creator, at: AT }, expected);
              case 'restore': return planRestore(state, last.get(id) ?? event, { by: creator, at: AT });
              case 'import': return planImport(state, event);
              default: return planProjectLink(state, id, `p#${step.pick % 3}`, AT, creator);
            }
          };
          // The model: the plan made on the map's state, its conditions checked over the map, applied to it.
          const modelOutcome = (() => {
            try {
              const planned = plan(stateOf(id));
              checkConditions(planned, ({ site: at, window }) => [...model.values()].filter((e) => e.site === at && overlaps(e, window)));
              return planned;
            } catch (error) {
              return (error as Error).constructor.name;
            }
          })();
          const storeOutcome = await commitPlanned(run.store, id, plan).then((p) => p, (error: unknown) => (error as Error).constructor.name);
          expect(typeof storeOutcome === 'string' ? storeOutcome : 'committed').toBe(typeof modelOutcome === 'string' ? modelOutcome : 'committed');
          if (typeof modelOutcome === 'string') continue;
          committed.add(step.kind);
          // The same plan (its conditions' checks are closures, told apart by their rules).
          expect(comparable(storeOutcome as WritePlan)).toEqual(comparable(modelOutcome));
          if (modelOutcome.before) last.set(id, modelOutcome.before);
          applyPlan(model, modelOutcome);
          const { version, action, by, at } = modelOutcome.history;
          histories.set(id, [...(histories.get(id) ?? []), [version, action, by, at]]);
          for (const f of modelOutcome.feed) feeds.set(f.site, [...(feeds.get(f.site) ?? []), [f.event_id, f.version, f.action, f.event]]);
        }
        for (const [id, entries] of histories) {
          expect((await run.store.history(id)).map((h) => [h.version, h.action, h.by, h.at])).toEqual(entries);
          expect(await run.store.get(id)).toEqual(model.get(id));
        }
        for (const [site, entries] of feeds) {
          expect((await run.store.changes(site, 0, 1000)).entries.map((f) => [f.event_id, f.version, f.action, f.event])).toEqual(entries);
        }
      } finally {
        await run.close();
      }
    }), { numRuns: name.startsWith('dynamodb') ? 12 : 50 });
    // The sequences reached every kind of write, not only refusals.
    expect([...committed]).toEqual(expect.arrayContaining(['create', 'delete', 'import', 'link', 'modify', ...(name.startsWith('dynamodb') ? [] : ['restore'])]));
  });
});
