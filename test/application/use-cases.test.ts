import type { ProjectsGateway } from '../../src/application/ports/projects-gateway.port.js';
import { AddProjectToReservations } from '../../src/application/use-cases/add-project-to-reservations.js';
import { CreateReservation } from '../../src/application/use-cases/create-reservation.js';
import { DeleteReservation } from '../../src/application/use-cases/delete-reservation.js';
import { DoesConflictingReservationExist } from '../../src/application/use-cases/does-conflicting-reservation-exist.js';
import { DEFAULT_HISTORY_LIMIT, GetEventHistory, HISTORY_PAGE_CHARS } from '../../src/application/use-cases/get-event-history.js';
import { IsUserScheduled } from '../../src/application/use-cases/is-user-scheduled.js';
import { ListReservationsAtTime } from '../../src/application/use-cases/list-reservations-at-time.js';
import { ListSiteReservations, PROJECT_NOT_FOUND } from '../../src/application/use-cases/list-site-reservations.js';
import { ListUserReservationsEndingAfter } from '../../src/application/use-cases/list-user-reservations.js';
import { ModifyReservation } from '../../src/application/use-cases/modify-reservation.js';
import { RemoveProjectFromReservations } from '../../src/application/use-cases/remove-project-from-reservations.js';
import { RestoreEvent } from '../../src/application/use-cases/restore-event.js';
import { InMemoryProjectsGateway } from '../../src/adapters/memory/in-memory-projects-gateway.js';
import { InMemoryReservationStore } from '../../src/adapters/memory/in-memory-reservation-store.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteReservationStore } from '../../src/adapters/sqlite/sqlite-reservation-store.js';
import type { HistoryRange } from '../../src/application/ports/event-journal.port.js';
import type { ReservationStore } from '../../src/application/ports/reservation-store.port.js';
import type { HistoryEntry } from '../../src/domain/history.js';
import type { ReservationList } from '../../src/application/reservation-list.js';
import type { Reservation } from '../../src/domain/reservation.js';
import type { Actor } from '../../src/domain/actor.js';
import {
  ForbiddenError, InvalidInputError, NotReservationOwnerError, ReservationConflictError, ReservationExistsError,
  ReservationNotFoundError, TooManyResultsError, UpstreamUnavailableError,
} from '../../src/domain/errors.js';
import type { ListCaps } from '../../src/application/settings.js';
import { aNewEventBody } from '../support/builders.js';
import { FixedClock } from '../support/fixed-clock.js';
import { deleteEvent, putImported } from '../support/store-writes.js';

const alice: Actor = { kind: 'user', sub: 'alice', name: 'Alice', isAdmin: false };
const bob: Actor = { kind: 'user', sub: 'bob', name: 'Bob', isAdmin: false };
const admin: Actor = { kind: 'user', sub: 'root', name: 'Root', isAdmin: true };
const service: Actor = { kind: 'service', name: 'projects' };
const rules = { maxDurationSeconds: 24 * 3600 };

const DEFAULT_LIMITS: ListCaps = { maxWindowSeconds: 62 * 86_400, maxEvents: 2000 };

type StoreFactory = () => ReservationStore;
const inMemory: StoreFactory = () => new InMemoryReservationStore();
/** Keeps reservations as JSON text: its lists go out joined, the path the routes take on SQLite. */
const sqlite: StoreFactory = () => new SqliteReservationStore(openSqliteDatabase(':memory:'));
/** The queries run over both kinds of list a store can answer. */
const listStores: Array<[string, StoreFactory]> = [['in-memory', inMemory], ['sqlite (stored JSON)', sqlite]];

/** What the route sends for a list: its JSON, parsed back. */
const sent = async <T extends Reservation>(list: Promise<ReservationList<T>>): Promise<T[]> => JSON.parse((await list).toJson().text) as T[];

function setUp(projects: ProjectsGateway = new InMemoryProjectsGateway(), limits = DEFAULT_LIMITS, makeStore = inMemory) {
  const store = makeStore();
  const clock = new FixedClock();
  return {
    store,
    clock,
    create: new CreateReservation(store, clock, rules),
    modify: new ModifyReservation(store, clock, rules),
    remove: new DeleteReservation(store, clock),
    link: new AddProjectToReservations(store, clock),
    unlink: new RemoveProjectFromReservations(store, clock),
    site: new ListSiteReservations(store, projects, limits),
    user: new ListUserReservationsEndingAfter(store, limits),
    atTime: new ListReservationsAtTime(store, limits),
    scheduled: new IsUserScheduled(store),
    conflicting: new DoesConflictingReservationExist(store),
  };
}

describe('CreateReservation', () => {
  it("stores the event as the caller's, stamped with the clock", async () => {
    const s = setUp();
    s.clock.set('2025-06-10T12:00:00Z');
    const created = await s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'e1', creator: undefined, title: undefined }) });
    expect(created).toMatchObject({ event_id: 'e1', creator_id: 'alice', creator: 'Alice', title: 'Alice', last_modified: '2025-06-10T12:00:00Z' });
    expect(await s.store.get('e1')).toEqual(created);
  });

  it("no longer trusts creator_id: a non-admin cannot create in another's name", async () => {
    const s = setUp();
    await expect(s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'e1', creator_id: 'bob' }) })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await s.store.get('e1')).toBeUndefined();
  });

  it("stores the provider's display name as the creator of the caller's own events, not the body's; the body's only for an admin booking for another, or a caller with no name", async () => {
    const s = setUp();
    // Before: stored as "The Director", a name the body chose.
    const own = await s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'own', creator: 'The Director', title: undefined }) });
    expect([own.creator, own.title]).toEqual(['Alice', 'Alice']);
    const moved = await s.modify.execute({ actor: alice, originalEvent: { event_id: 'own' }, modifiedEvent: { creator: 'Somebody Else' } });
    expect(moved.creator).toBe('Alice');
    const forBob = await s.create.execute({ actor: admin, event: aNewEventBody({ event_id: 'for-bob', creator_id: 'bob', creator: 'Bob B.', start: '2031-01-01T00:00:00Z', end: '2031-01-01T01:00:00Z' }) });
    expect(forBob.creator).toBe('Bob B.');
    const byAdmin = await s.modify.execute({ actor: admin, originalEvent: { event_id: 'for-bob' }, modifiedEvent: { creator: 'Robert B.' } });
    expect(byAdmin.creator).toBe('Robert B.');
    const nameless: Actor = { kind: 'user', sub: 'carol', isAdmin: false };
    const carols = await s.create.execute({ actor: nameless, event: aNewEventBody({ event_id: 'carol', creator: 'Carol', start: '2032-01-01T00:00:00Z', end: '2032-01-01T01:00:00Z' }) });
    expect(carols.creator).toBe('Carol');
    const long: Actor = { kind: 'user', sub: 'dan', name: `Dan ${'d'.repeat(400)}`, isAdmin: false };
    const dans = await s.create.execute({ actor: long, event: aNewEventBody({ event_id: 'dan', start: '2033-01-01T00:00:00Z', end: '2033-01-01T01:00:00Z' }) });
    expect(dans.creator).toBe(`Dan ${'d'.repeat(252)}`);
  });

  it('lets an admin create for another user', async () => {
    const s = setUp();
    const created = await s.create.execute({ actor: admin, event: aNewEventBody({ creator_id: 'bob', creator: 'Bob' }) });
    expect(created.creator_id).toBe('bob');
  });

  it('reports a missing key before anything else', async () => {
    const s = setUp();
    await expect(s.create.execute({ actor: alice, event: aNewEventBody({ event_id: undefined, creator_id: 'bob' }) })).rejects.toThrow(
      'Error: missing required key event_id',
    );
  });

  it("refuses an overlap with another user's event, and an existing event_id", async () => {
    const s = setUp();
    await s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'a' }) });
    await expect(s.create.execute({ actor: bob, event: aNewEventBody({ event_id: 'b' }) })).rejects.toBeInstanceOf(ReservationConflictError);
    await expect(
      s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'a', start: '2030-01-01T00:00:00Z', end: '2030-01-01T01:00:00Z' }) }),
    ).rejects.toBeInstanceOf(ReservationExistsError);
  });

  it('keeps origin LCO for admins only', async () => {
    const s = setUp();
    await expect(s.create.execute({ actor: alice, event: aNewEventBody({ origin: 'LCO' }) })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(s.create.execute({ actor: admin, event: aNewEventBody({ origin: 'LCO' }) })).resolves.toMatchObject({ origin: 'LCO' });
  });
});

describe('ModifyReservation', () => {
  it('stores the modified event with event_id and creator_id forced to the original and a new last_modified', async () => {
    const s = setUp();
    await s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'e1', rendering: 'x' }) });
    s.clock.set('2025-06-11T00:00:00Z');
    const modified = await s.modify.execute({
      actor: alice,
      originalEvent: { event_id: 'e1', start: '2025-06-20T03:00Z' },
      modifiedEvent: { event_id: 'other', creator_id: 'bob', start: '2025-06-20T05:00:00Z', end: '2025-06-20T06:00:00Z', title: 'moved' },
    });
    expect(modified).toMatchObject({
      event_id: 'e1', creator_id: 'alice', start: '2025-06-20T05:00:00Z', title: 'moved', rendering: 'x', last_modified: '2025-06-11T00:00:00Z',
    });
    expect(await s.store.get('e1')).toEqual(modified);
    expect(await s.store.get('other')).toBeUndefined();
  });

  it('finds the event by id whatever start hint is given', async () => {
    const s = setUp();
    await s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'e1' }) });
    await expect(
      s.modify.execute({ actor: alice, originalEvent: { event_id: 'e1', start: 'garbage' }, modifiedEvent: { title: 't' } }),
    ).resolves.toMatchObject({ title: 't' });
  });

  it('a site change without a resourceId moves the calendar resource too', async () => {
    const s = setUp();
    await s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'e1' }) });
    const moved = await s.modify.execute({ actor: alice, originalEvent: { event_id: 'e1' }, modifiedEvent: { site: 'mrc1' } });
    expect(moved).toMatchObject({ site: 'mrc1', resourceId: 'mrc1' });
  });

  it('is owner-or-admin, 404 for an unknown event', async () => {
    const s = setUp();
    await s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'e1' }) });
    await expect(s.modify.execute({ actor: bob, originalEvent: { event_id: 'e1' }, modifiedEvent: { title: 'x' } })).rejects.toBeInstanceOf(NotReservationOwnerError);
    await expect(s.modify.execute({ actor: admin, originalEvent: { event_id: 'e1' }, modifiedEvent: { title: 'x' } })).resolves.toMatchObject({ creator_id: 'alice' });
    await expect(s.modify.execute({ actor: alice, originalEvent: { event_id: 'nope' }, modifiedEvent: {} })).rejects.toBeInstanceOf(ReservationNotFoundError);
  });

  it('a refused modify (conflict or invalid) leaves the event exactly as it was', async () => {
    const s = setUp();
    const original = await s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'a' }) });
    await s.create.execute({ actor: bob, event: aNewEventBody({ event_id: 'b', start: '2025-06-20T05:00:00Z', end: '2025-06-20T06:00:00Z' }) });
    await expect(s.modify.execute({ actor: alice, originalEvent: { event_id: 'a' }, modifiedEvent: { end: '2025-06-20T05:30:00Z' } })).rejects.toBeInstanceOf(ReservationConflictError);
    await expect(s.modify.execute({ actor: alice, originalEvent: { event_id: 'a' }, modifiedEvent: { end: 'soon' } })).rejects.toBeInstanceOf(InvalidInputError);
    expect(await s.store.get('a')).toEqual(original);
  });
});

describe('DeleteReservation', () => {
  it('returns the deleted event; owner-or-admin; 404 when gone', async () => {
    const s = setUp();
    const event = await s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'e1' }) });
    await expect(s.remove.execute({ actor: bob, eventId: 'e1' })).rejects.toBeInstanceOf(NotReservationOwnerError);
    await expect(s.remove.execute({ actor: alice, eventId: 'e1' })).resolves.toEqual(event);
    await expect(s.remove.execute({ actor: alice, eventId: 'e1' })).rejects.toBeInstanceOf(ReservationNotFoundError);
  });
});

describe('an LCO observation in a user\'s name', () => {
  it('is moved, changed, made a PTR booking or deleted by an admin only, never by the user it names', async () => {
    const s = setUp();
    const observation = await s.create.execute({ actor: admin, event: aNewEventBody({ event_id: 'obs', origin: 'LCO', creator_id: 'alice', reservation_type: 'observation' }) });
    for (const modifiedEvent of [{ start: '2025-06-20T07:00:00Z', end: '2025-06-20T08:00:00Z' }, { title: 'mine now' }, { origin: 'PTR' }]) {
      await expect(s.modify.execute({ actor: alice, originalEvent: { event_id: 'obs' }, modifiedEvent })).rejects.toThrow(/Only an admin may modify or delete an LCO observation/);
    }
    await expect(s.remove.execute({ actor: alice, eventId: 'obs' })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await s.store.get('obs')).toEqual(observation);
    await expect(s.modify.execute({ actor: admin, originalEvent: { event_id: 'obs' }, modifiedEvent: { title: 'rescheduled' } })).resolves.toMatchObject({ origin: 'LCO', title: 'rescheduled' });
    await expect(s.remove.execute({ actor: admin, eventId: 'obs' })).resolves.toMatchObject({ event_id: 'obs' });
  });
});

describe('event history and restore: an id belongs to one event for ever', () => {
  it("a create with a deleted event's id is refused, saying so, while the owner's retry of a lost answer still works for a live event", async () => {
    const s = setUp();
    const body = aNewEventBody({ event_id: 'kept', reservation_note: 'door code 4711' });
    const created = await s.create.execute({ actor: alice, event: body });
    await expect(s.create.execute({ actor: alice, event: body })).resolves.toEqual(created);
    await s.remove.execute({ actor: alice, eventId: 'kept' });
    for (const [actor, event] of [[bob, aNewEventBody({ event_id: 'kept' })], [alice, body]] as const) {
      await expect(s.create.execute({ actor, event })).rejects.toThrow(/belongs to a deleted event.*restore.*new event_id/);
    }
    expect(await s.store.get('kept')).toBeUndefined();
  });

  it('history and restore are the first creator\'s, whatever later writes did; an LCO observation is restored only by an admin', async () => {
    const s = setUp();
    const history = new GetEventHistory(s.store);
    const restore = new RestoreEvent(s.store, s.clock);
    // Alice booked an id that LCO later gives an observation: the import takes it over, then removes it.
    await s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'obs-7', title: "Alice's" }) });
    const stored = (await s.store.get('obs-7'))!;
    await putImported(s.store, { ...stored, origin: 'LCO', creator_id: 'tbeccue#LCO', title: 'M31 (via LCO)' });
    await deleteEvent(s.store, 'obs-7', { by: 'lco-import' });
    const lcoUser: Actor = { kind: 'user', sub: 'tbeccue#LCO', isAdmin: false };
    await expect(history.execute({ actor: lcoUser, eventId: 'obs-7' })).rejects.toBeInstanceOf(NotReservationOwnerError);
    await expect(restore.execute({ actor: lcoUser, eventId: 'obs-7', version: 1 })).rejects.toBeInstanceOf(NotReservationOwnerError);
    expect((await history.execute({ actor: alice, eventId: 'obs-7' })).map((h) => [h.version, h.by, h.action])).toEqual([
      [1, 'alice', 'created'], [2, 'lco-import', 'import-updated'], [3, 'lco-import', 'import-removed'],
    ]);
    // Alice may not bring back the observation (an LCO event), only her own booking.
    await expect(restore.execute({ actor: alice, eventId: 'obs-7' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(restore.execute({ actor: alice, eventId: 'obs-7', version: 3 })).rejects.toBeInstanceOf(ReservationNotFoundError);
    await expect(restore.execute({ actor: admin, eventId: 'obs-7' })).resolves.toMatchObject({ origin: 'LCO', version: 4 });
    await deleteEvent(s.store, 'obs-7');
    await expect(restore.execute({ actor: alice, eventId: 'obs-7', version: 1 })).resolves.toMatchObject({ title: "Alice's", creator_id: 'alice', version: 6 });
  });
});

/** The store, noting how many entries each history read returned. */
function watchingHistory(store: ReservationStore): { store: ReservationStore; reads: number[] } {
  const reads: number[] = [];
  const watched = new Proxy(store, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (key === 'history') {
        return async (...args: Parameters<ReservationStore['history']>) => {
          const entries = await target.history(...args);
          reads.push(entries.length);
          return entries;
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: watched, reads };
}

describe.each(listStores)('a long history of a large event (issue 28, F1), over %s', (_name, makeStore) => {
  // An event near the 16 KB cap (a 15 000-character extra key), changed 150 times: 2.3 MB of history.
  const VERSIONS = 150;
  const bigHistory = async () => {
    const s = setUp(undefined, DEFAULT_LIMITS, makeStore);
    await s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'big', padding: 'x'.repeat(15_000) }) });
    for (let i = 2; i <= VERSIONS - 1; i++) {
      await s.modify.execute({ actor: alice, originalEvent: { event_id: 'big' }, modifiedEvent: { title: `v${i}` } });
    }
    await s.remove.execute({ actor: alice, eventId: 'big' });
    return s;
  };

  it('is answered in bounded pages (at most limit entries and about 1 MiB), each entry once, the store reading only each page', async () => {
    const s = await bigHistory();
    const watched = watchingHistory(s.store);
    const history = new GetEventHistory(watched.store);
    for (const limit of [undefined, 1000, 7]) {
      const versions: number[] = [];
      const sizes: number[] = [];
      for (let after = 0; ;) {
        watched.reads.length = 0;
        const page = await history.execute({ actor: alice, eventId: 'big', afterVersion: after, ...(limit === undefined ? {} : { limit }) });
        if (page.length === 0) break;
        const chars = JSON.stringify(page).length;
        sizes.push(chars);
        expect(sizes.length).toBeLessThanOrEqual(VERSIONS);
        expect(page.length).toBeLessThanOrEqual(limit ?? DEFAULT_HISTORY_LIMIT);
        // About 1 MiB: the page stops before the entry that would pass it.
        expect(chars).toBeLessThanOrEqual(HISTORY_PAGE_CHARS + page.length + 1);
        // The store read the first entry (the owner) and the page in steps, never the whole history.
        expect(Math.max(...watched.reads)).toBeLessThanOrEqual(33);
        expect(watched.reads.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + page.length + 33);
        versions.push(...page.map((h) => h.version));
        after = page.at(-1)!.version;
      }
      console.log(`F1: ${VERSIONS} versions of a 15 KB event, limit ${limit ?? 'default'}: ${sizes.length} pages, the largest ${(Math.max(...sizes) / 1024).toFixed(0)} KiB`);
      expect(versions).toEqual(Array.from({ length: VERSIONS }, (_, i) => i + 1));
    }
  });

  it('keeps the owner check and restore, with bounded reads', async () => {
    const s = await bigHistory();
    const watched = watchingHistory(s.store);
    await expect(new GetEventHistory(watched.store).execute({ actor: bob, eventId: 'big' })).rejects.toBeInstanceOf(NotReservationOwnerError);
    expect(watched.reads).toEqual([1]);
    expect(await new GetEventHistory(watched.store).execute({ actor: admin, eventId: 'big', afterVersion: VERSIONS - 1 }))
      .toMatchObject([{ version: VERSIONS, action: 'deleted' }]);
    watched.reads.length = 0;
    const restore = new RestoreEvent(watched.store, s.clock);
    await expect(restore.execute({ actor: bob, eventId: 'big' })).rejects.toBeInstanceOf(NotReservationOwnerError);
    await expect(restore.execute({ actor: alice, eventId: 'big', version: 77 })).resolves.toMatchObject({ title: 'v77', version: VERSIONS + 1 });
    expect(Math.max(...watched.reads)).toBeLessThanOrEqual(2);
  });
});

it('a history page never ends between two entries of one version (removals written before they had their own), so paging skips none', async () => {
  const event = { ...aNewEventBody({ event_id: 'old' }), creator_id: 'alice', version: 1 } as unknown as Reservation;
  const entries: HistoryEntry[] = ([[1, 'created'], [2, 'modified'], [2, 'deleted'], [3, 'restored'], [4, 'deleted']] as const)
    .map(([version, action]) => ({ event_id: 'old', version, at: '2025-06-01T00:00:00Z', by: 'alice', action, event: { ...event, version } }));
  // A store holding such a history, answering ranges as every store does.
  const legacy = { history: async (_id: string, range?: HistoryRange) => {
    const after = entries.filter((e) => e.version > (range?.afterVersion ?? 0));
    return range === undefined ? entries : range.newest ? after.slice(-range.limit).reverse() : after.slice(0, range.limit);
  } } as unknown as ReservationStore;
  const history = new GetEventHistory(legacy);
  const pages: Array<Array<[number, string]>> = [];
  for (let after = 0; ;) {
    const page = await history.execute({ actor: alice, eventId: 'old', afterVersion: after, limit: 2 });
    if (page.length === 0) break;
    pages.push(page.map((h) => [h.version, h.action]));
    after = page.at(-1)!.version;
  }
  expect(pages).toEqual([[[1, 'created'], [2, 'modified'], [2, 'deleted']], [[3, 'restored'], [4, 'deleted']]]);
});

describe('project links', () => {
  it('sets and clears project_id, listing events that do not exist without creating them', async () => {
    const s = setUp();
    await s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'e1' }) });
    expect(await s.link.execute({ actor: alice, projectId: 'M31#2025-01-01T00:00:00Z', eventIds: ['e1', 'ghost', 'e1'] })).toEqual({
      updated: ['e1'], missing: ['ghost'],
    });
    expect((await s.store.get('e1'))?.project_id).toBe('M31#2025-01-01T00:00:00Z');
    expect(await s.store.get('ghost')).toBeUndefined();
    expect(await s.unlink.execute({ actor: service, eventIds: ['e1', 'ghost'] })).toEqual({ updated: ['e1'], missing: ['ghost'] });
    expect((await s.store.get('e1'))?.project_id).toBe('none');
  });

  it("a user cannot re-project another user's event, and then nothing changes", async () => {
    const s = setUp();
    await s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'mine' }) });
    await s.create.execute({ actor: bob, event: aNewEventBody({ event_id: 'bobs', site: 'mrc1' }) });
    await expect(s.link.execute({ actor: alice, projectId: 'p#1', eventIds: ['mine', 'bobs'] })).rejects.toBeInstanceOf(NotReservationOwnerError);
    expect((await s.store.get('mine'))?.project_id).toBe('none');
  });

  it('"none#" and "" mean no project', async () => {
    const s = setUp();
    await s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'e1', project_id: 'p#1' }) });
    await s.link.execute({ actor: alice, projectId: 'none#', eventIds: ['e1'] });
    expect((await s.store.get('e1'))?.project_id).toBe('none');
  });
});

describe.each(listStores)('queries (%s)', (_name, makeStore) => {
  async function seeded() {
    const projects = new InMemoryProjectsGateway();
    await projects.saveProject('M31#2025-01-01T00:00:00Z', { project_name: 'M31', targets: [] });
    const s = setUp(projects, DEFAULT_LIMITS, makeStore);
    await s.create.execute({ actor: alice, event: aNewEventBody({ event_id: 'early', start: '2025-06-19T22:00:00Z', end: '2025-06-20T01:00:00Z', project_id: 'M31#2025-01-01T00:00:00Z' }) });
    await s.create.execute({ actor: bob, event: aNewEventBody({ event_id: 'late', start: '2025-06-20T23:00:00Z', end: '2025-06-21T02:00:00Z', project_id: 'Gone#2024-01-01T00:00:00Z' }) });
    await s.create.execute({ actor: bob, event: aNewEventBody({ event_id: 'mid', start: '2025-06-20T10:00:00Z', end: '2025-06-20T11:00:00Z' }) });
    return s;
  }

  it('siteevents includes events crossing the window edges (the old query missed those running past the end)', async () => {
    const s = await seeded();
    const events = await sent(s.site.execute({ site: 'saf', start: '2025-06-20T00:00:00Z', end: '2025-06-21T00:00:00Z' }));
    expect(events.map((e) => e.event_id)).toEqual(['early', 'mid', 'late']);
    expect(events[0]).not.toHaveProperty('project');
  });

  it('full_project_details attaches each project, or "Project not found."', async () => {
    const s = await seeded();
    const events = await sent(s.site.execute({ site: 'saf', start: '2025-06-20T00:00:00Z', end: '2025-06-21T00:00:00Z', fullProjectDetails: true }));
    expect(events.map((e) => e.project)).toEqual([{ project_name: 'M31', targets: [] }, undefined, PROJECT_NOT_FOUND]);
  });

  it('full_project_details fails clearly when the projects service is down', async () => {
    const fail = async (): Promise<never> => { throw new UpstreamUnavailableError('projects service down'); };
    const down: ProjectsGateway = { getProject: fail, createProject: fail, deleteProjects: fail };
    const s = setUp(down);
    await s.create.execute({ actor: alice, event: aNewEventBody({ project_id: 'p#1' }) });
    await expect(s.site.execute({ site: 'saf', start: '2025-06-20T00:00:00Z', end: '2025-06-21T00:00:00Z', fullProjectDetails: true })).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });

  it('refuses a window that is empty or inverted, and bad sites', async () => {
    const s = setUp();
    await expect(s.site.execute({ site: 'saf', start: '2025-06-21T00:00:00Z', end: '2025-06-20T00:00:00Z' })).rejects.toThrow('Invalid end');
    await expect(s.site.execute({ site: 'SAF!', start: '2025-06-20T00:00:00Z', end: '2025-06-21T00:00:00Z' })).rejects.toThrow('Invalid site');
  });

  it('user events ending after a time, events at a time, is-user-scheduled and does-conflicting-event-exist', async () => {
    const s = await seeded();
    expect((await sent(s.user.execute({ userId: 'bob', time: '2025-06-20T10:30:00Z' }))).map((e) => e.event_id)).toEqual(['mid', 'late']);
    expect((await sent(s.atTime.execute({ site: 'saf', time: '2025-06-20T10:00:00Z' }))).map((e) => e.event_id)).toEqual(['mid']);
    expect(await s.scheduled.execute({ userId: 'bob', site: 'saf', time: '2025-06-20T10:00:00Z' })).toBe(true);
    expect(await s.scheduled.execute({ userId: 'alice', site: 'saf', time: '2025-06-20T10:00:00Z' })).toBe(false);
    expect(await s.scheduled.execute({ userId: 'bob', site: 'saf', time: '2025-06-20T11:00:00Z' })).toBe(false);
    expect(await s.conflicting.execute({ userId: 'alice', site: 'saf', time: '2025-06-20T10:00:00Z' })).toBe(true);
    expect(await s.conflicting.execute({ userId: 'bob', site: 'saf', time: '2025-06-20T10:00:00Z' })).toBe(false);
    expect(await s.conflicting.execute({ userId: 'alice', site: 'mrc1', time: '2025-06-20T10:00:00Z' })).toBe(false);
  });
});

describe.each(listStores)('list limits (window and answer size) (%s)', (_name, makeStore) => {
  const stack = async (s: ReturnType<typeof setUp>, n: number) => {
    // One user's own bookings may overlap: n of them in the same hour.
    for (let i = 0; i < n; i++) {
      await s.create.execute({ actor: alice, event: aNewEventBody({ site: 'saf', start: '2025-06-20T03:00:00Z', end: '2025-06-20T04:00:00Z' }) });
    }
  };
  const week = { site: 'saf', start: '2025-06-17T00:00:00Z', end: '2025-06-24T00:00:00Z' };

  it('a window longer than the limit is refused naming the limit; one exactly as long is answered', async () => {
    const s = setUp(undefined, DEFAULT_LIMITS, makeStore);
    const tooLong = { site: 'saf', start: '2025-01-01T00:00:00Z', end: '2025-03-04T00:00:01Z' };
    await expect(s.site.execute(tooLong)).rejects.toThrow(new InvalidInputError('Invalid end: a window may span at most 62 days; ask for a shorter one'));
    await expect(sent(s.site.execute({ ...tooLong, end: '2025-03-04T00:00:00Z' }))).resolves.toEqual([]);
  });

  it('more events than an answer may hold are refused on every list route; as many as the limit are answered', async () => {
    const s = setUp(undefined, { maxWindowSeconds: 62 * 86_400, maxEvents: 3 }, makeStore);
    await stack(s, 3);
    expect(await sent(s.site.execute(week))).toHaveLength(3);
    expect(await sent(s.site.execute({ ...week, fullProjectDetails: true }))).toHaveLength(3);
    expect(await sent(s.atTime.execute({ site: 'saf', time: '2025-06-20T03:30:00Z' }))).toHaveLength(3);
    expect(await sent(s.user.execute({ userId: 'alice', time: '2025-06-01T00:00:00Z' }))).toHaveLength(3);
    await stack(s, 4);
    const refusals = [
      s.site.execute(week), s.site.execute({ ...week, fullProjectDetails: true }),
      s.atTime.execute({ site: 'saf', time: '2025-06-20T03:30:00Z' }),
      s.user.execute({ userId: 'alice', time: '2025-06-01T00:00:00Z' }),
    ];
    for (const refused of refusals) await expect(refused).rejects.toBeInstanceOf(TooManyResultsError);
    await expect(s.site.execute(week)).rejects.toThrow('More than 3 events match; ask for a shorter window.');
    // The boolean routes need no list: they still answer.
    expect(await s.scheduled.execute({ userId: 'alice', site: 'saf', time: '2025-06-20T03:30:00Z' })).toBe(true);
    expect(await s.conflicting.execute({ userId: 'alice', site: 'saf', time: '2025-06-20T03:30:00Z' })).toBe(false);
    expect(await s.conflicting.execute({ userId: 'bob', site: 'saf', time: '2025-06-20T03:30:00Z' })).toBe(true);
  });
});
