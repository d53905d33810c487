/**
 * One contract for every ReservationStore: the in-memory fake, SQLite and DynamoDB (on DynamoDB
 * Local). A behaviour that differs between them is a bug in one of them.
 */
import fc from 'fast-check';
import type { ReservationStore } from '../../src/application/ports/reservation-store.port.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { storeAdapters, type StoreUnderTest } from '../support/store-adapters.js';
import {
  ReservationConflictError, ReservationExistsError, ReservationNotFoundError, VersionMismatchError,
} from '../../src/domain/errors.js';
import type { Reservation } from '../../src/domain/reservation.js';
import type { FeedEntry } from '../../src/domain/feed.js';
import type { HistoryEntry } from '../../src/domain/history.js';
import { activeAtWindow } from '../../src/domain/interval.js';
import type { ReservationList } from '../../src/application/reservation-list.js';
import { formatUtcTime } from '../../src/domain/time.js';
import { aReservation } from '../support/builders.js';
import { tempDir } from '../support/temp-dir.js';
import { stopAll } from '../support/teardown.js';
import { createUnlessConflict, deleteEvent, putImported, replaceUnlessConflict, restoreUnlessConflict, setProject } from '../support/store-writes.js';

const dir = tempDir('store-contract-');
let dynamo: DynamoDbLocal;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, 60_000);
afterAll(() => stopAll(() => dir.remove(), dynamo));

const adapters = storeAdapters(dir.path, () => dynamo);

const ids = (list: ReservationList): string[] => list.items.map((e) => e.event_id);
/** What a route sends for the list: its JSON, parsed back. */
const sent = (list: ReservationList): unknown => JSON.parse(list.toJson().text);

describe.each(adapters)('ReservationStore contract: %s', (_name, makeStore) => {
  let subject: StoreUnderTest;
  let store: ReservationStore;

  beforeEach(async () => {
    subject = await makeStore();
    store = subject.store;
  });
  // "Active at t", as the use cases ask it.
  const activeAt = (site: string, t: string, limit?: number) => store.findOverlapping(site, activeAtWindow(t), limit);
  afterEach(async () => {
    await subject.close();
  });

  describe('createUnlessConflict', () => {
    it('stores the whole record, unknown keys included', async () => {
      const event = aReservation({ rendering: 'background', project_priority: 'standard' });
      await createUnlessConflict(store, event);
      expect(await store.get(event.event_id)).toEqual(event);
    });

    it('refuses an existing event_id and keeps the original', async () => {
      const original = aReservation({ title: 'original' });
      await createUnlessConflict(store, original);
      const again = { ...original, title: 'overwrite', start: '2030-01-01T00:00:00Z', end: '2030-01-01T01:00:00Z' };
      await expect(createUnlessConflict(store, again)).rejects.toBeInstanceOf(ReservationExistsError);
      expect(await store.get(original.event_id)).toEqual(original);
    });

    it("refuses an overlap with another creator's event at the site, naming it, and stores nothing", async () => {
      const alice = aReservation({ start: '2025-06-20T03:00:00Z', end: '2025-06-20T04:00:00Z' });
      await createUnlessConflict(store, alice);
      const bob = aReservation({ creator_id: 'bob', start: '2025-06-20T03:59:59Z', end: '2025-06-20T05:00:00Z' });
      const refusal = await createUnlessConflict(store, bob).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(ReservationConflictError);
      expect((refusal as ReservationConflictError).conflictingEventIds).toEqual([alice.event_id]);
      expect(await store.get(bob.event_id)).toBeUndefined();
    });

    it('accepts back-to-back events, overlaps of the same creator, and overlaps at other sites', async () => {
      await createUnlessConflict(store, aReservation({ start: '2025-06-20T03:00:00Z', end: '2025-06-20T04:00:00Z' }));
      await createUnlessConflict(store, 
        aReservation({ creator_id: 'bob', start: '2025-06-20T04:00:00Z', end: '2025-06-20T05:00:00Z' }),
      );
      await createUnlessConflict(store, 
        aReservation({ creator_id: 'bob', start: '2025-06-20T01:00:00Z', end: '2025-06-20T03:00:00Z' }),
      );
      await createUnlessConflict(store, aReservation({ start: '2025-06-20T03:30:00Z', end: '2025-06-20T03:45:00Z' }));
      await createUnlessConflict(store, 
        aReservation({ creator_id: 'carol', site: 'mrc1', resourceId: 'mrc1', start: '2025-06-20T03:00:00Z', end: '2025-06-20T06:00:00Z' }),
      );
      const all = await store.findOverlapping('saf', { start: '2025-06-20T00:00:00Z', end: '2025-06-21T00:00:00Z' });
      expect(all.length).toBe(4);
    });

    it("refuses a user's booking over an imported LCO observation of another creator", async () => {
      const lco = aReservation({ origin: 'LCO', creator_id: 'tbeccue#LCO', start: '2025-06-20T03:00:00Z', end: '2025-06-20T03:05:00Z' });
      await createUnlessConflict(store, lco);
      await expect(
        createUnlessConflict(store, aReservation({ start: '2025-06-20T02:00:00Z', end: '2025-06-20T03:01:00Z' })),
      ).rejects.toBeInstanceOf(ReservationConflictError);
    });

    it('finds a conflict with a long event that began long before', async () => {
      const long = aReservation({ start: '2025-06-18T00:00:00Z', end: '2025-06-21T00:00:00Z' });
      await createUnlessConflict(store, long);
      await createUnlessConflict(store, aReservation({ start: '2025-06-01T00:00:00Z', end: '2025-06-01T01:00:00Z' }));
      await expect(
        createUnlessConflict(store, aReservation({ creator_id: 'bob', start: '2025-06-20T12:00:00Z', end: '2025-06-20T13:00:00Z' })),
      ).rejects.toBeInstanceOf(ReservationConflictError);
    });
  });

  describe('versions and preconditions', () => {
    it('a create is version 1 whatever the argument says, and every change adds exactly one, in the stored event and its answer', async () => {
      const event = aReservation({ version: 7 });
      expect(await createUnlessConflict(store, event)).toEqual({ ...event, version: 1 });
      expect((await replaceUnlessConflict(store, { ...event, title: 'a', version: 99 })).version).toBe(2);
      expect((await setProject(store, event.event_id, 'M31#2025-01-01T00:00:00Z', '2025-06-02T00:00:00Z'))?.version).toBe(3);
      await putImported(store, { ...event, title: 'b', version: 1 });
      expect((await store.get(event.event_id))?.version).toBe(4);
      expect((await replaceUnlessConflict(store, { ...event, title: 'c' }, { expectedVersion: 4 })).version).toBe(5);
      const day = { start: '2025-06-20T00:00:00Z', end: '2025-06-21T00:00:00Z' };
      expect((await store.findOverlapping('saf', day)).items.map((e) => e.version)).toEqual([5]);
      expect((sent(await store.findOverlapping('saf', day)) as Reservation[]).map((e) => e.version)).toEqual([5]);
      expect((await deleteEvent(store, event.event_id, { expectedVersion: 5 }))?.version).toBe(5);
      await putImported(store, aReservation({ event_id: 'lco-9', origin: 'LCO' }));
      expect((await store.get('lco-9'))?.version).toBe(1);
    });

    it('every change appends one history entry, in order: its version, when, who, what, and the event after it (before it, for a delete)', async () => {
      const event = aReservation({ event_id: 'storied', last_modified: '2025-06-01T00:00:00Z' });
      await createUnlessConflict(store, event, { by: 'google-oauth2|alice', at: '2025-06-01T00:00:00Z' });
      await replaceUnlessConflict(store, { ...event, title: 'moved', last_modified: '2025-06-02T00:00:00Z' }, { by: 'google-oauth2|root', at: '2025-06-02T00:00:00Z' });
      await setProject(store, 'storied', 'M31#2025-01-01T00:00:00Z', '2025-06-03T00:00:00Z', 'service');
      await setProject(store, 'storied', 'none', '2025-06-04T00:00:00Z', 'google-oauth2|alice');
      await deleteEvent(store, 'storied', { by: 'google-oauth2|alice', at: '2025-06-05T00:00:00Z' });
      const history = await store.history('storied');
      expect(history.map((h) => [h.version, h.at, h.by, h.action])).toEqual([
        [1, '2025-06-01T00:00:00Z', 'google-oauth2|alice', 'created'],
        [2, '2025-06-02T00:00:00Z', 'google-oauth2|root', 'modified'],
        [3, '2025-06-03T00:00:00Z', 'service', 'project-linked'],
        [4, '2025-06-04T00:00:00Z', 'google-oauth2|alice', 'project-unlinked'],
        [5, '2025-06-05T00:00:00Z', 'google-oauth2|alice', 'deleted'],
      ]);
      expect(history.map((h) => h.event.title)).toEqual(['Alice Example', 'moved', 'moved', 'moved', 'moved']);
      expect(history[2]!.event).toMatchObject({ project_id: 'M31#2025-01-01T00:00:00Z', version: 3 });
      expect(history[4]!.event).toEqual(history[3]!.event);
      expect(await store.history('never-booked')).toEqual([]);

      await putImported(store, aReservation({ event_id: 'lco-h', origin: 'LCO', last_modified: '2025-06-06T00:00:00Z' }));
      await putImported(store, aReservation({ event_id: 'lco-h', origin: 'LCO', title: 'rescheduled', last_modified: '2025-06-07T00:00:00Z' }));
      await deleteEvent(store, 'lco-h', { by: 'lco-import', at: '2025-06-08T00:00:00Z' });
      expect((await store.history('lco-h')).map((h) => [h.version, h.by, h.action])).toEqual([
        [1, 'lco-import', 'imported'], [2, 'lco-import', 'import-updated'], [3, 'lco-import', 'import-removed'],
      ]);
    });

    it('a restore recreates a deleted event one past its last version, under the conflict rule, and records it as restored', async () => {
      const event = aReservation({ event_id: 'phoenix' });
      await createUnlessConflict(store, event);
      await replaceUnlessConflict(store, { ...event, title: 'second' });
      await deleteEvent(store, 'phoenix');
      const blocker = aReservation({ event_id: 'in-the-way', creator_id: 'bob' });
      await createUnlessConflict(store, blocker);
      await expect(restoreUnlessConflict(store, { ...event, title: 'second' })).rejects.toBeInstanceOf(ReservationConflictError);
      await deleteEvent(store, 'in-the-way');
      expect(await restoreUnlessConflict(store, { ...event, title: 'second', version: 9 }, { by: 'google-oauth2|alice', at: '2025-06-09T00:00:00Z' }))
        .toEqual({ ...event, title: 'second', version: 4 });
      expect(await store.get('phoenix')).toEqual({ ...event, title: 'second', version: 4 });
      await expect(restoreUnlessConflict(store, event)).rejects.toBeInstanceOf(ReservationExistsError);
      await expect(restoreUnlessConflict(store, aReservation({ event_id: 'never-stored' }))).rejects.toBeInstanceOf(ReservationNotFoundError);
      expect((await store.history('phoenix')).map((h) => [h.version, h.action])).toEqual([[1, 'created'], [2, 'modified'], [3, 'deleted'], [4, 'restored']]);
      expect((await replaceUnlessConflict(store, { ...event, title: 'after' })).version).toBe(5);
    });

    it("an event id belongs to one event for ever: a create with a deleted event's id is refused at once, saying so, and takes nothing of it", async () => {
      const alice = aReservation({ event_id: 'taken', reservation_note: 'door code 4711' });
      await createUnlessConflict(store, alice, { by: 'google-oauth2|alice', at: '2025-06-01T00:00:00Z' });
      await replaceUnlessConflict(store, { ...alice, reservation_note: '' }, { by: 'google-oauth2|alice', at: '2025-06-02T00:00:00Z' });
      await deleteEvent(store, 'taken', { by: 'google-oauth2|alice', at: '2025-06-03T00:00:00Z' });
      const before = { history: await store.history('taken'), feed: (await store.changes('saf', 0, 100)).entries };
      const mallory = aReservation({ event_id: 'taken', creator_id: 'google-oauth2|mallory', start: '2025-07-01T03:00:00Z', end: '2025-07-01T04:00:00Z' });
      const refusal = await createUnlessConflict(store, mallory, { by: 'google-oauth2|mallory', at: '2025-06-04T00:00:00Z' }).catch((e: unknown) => e);
      // A refusal of its own, not the DynamoDB store's 503 after its retries ran out.
      expect(refusal).toBeInstanceOf(ReservationExistsError);
      expect((refusal as Error).message).toMatch(/deleted.*restore.*new event_id/s);
      expect(await store.get('taken')).toBeUndefined();
      expect(await store.history('taken')).toEqual(before.history);
      expect((await store.changes('saf', 0, 100)).entries).toEqual(before.feed);
      expect(ids(await store.findOverlapping('saf', { start: '2025-07-01T00:00:00Z', end: '2025-07-02T00:00:00Z' }))).toEqual([]);
      // The owner may still restore it, and then it is live: a create is refused as for any live id.
      expect(await restoreUnlessConflict(store, { ...alice, reservation_note: '' })).toMatchObject({ version: 4, creator_id: 'google-oauth2|alice' });
      await expect(createUnlessConflict(store, mallory)).rejects.toBeInstanceOf(ReservationExistsError);
    });

    it('the import may bring back an observation it removed (LCO scheduled it again): its history goes on, never starting again at 1', async () => {
      const lco = aReservation({ event_id: 'lco-again', origin: 'LCO', creator_id: 'tbeccue#LCO', last_modified: '2025-06-01T00:00:00Z' });
      await putImported(store, lco);
      await deleteEvent(store, 'lco-again', { by: 'lco-import', at: '2025-06-02T00:00:00Z' });
      await expect(createUnlessConflict(store, { ...lco, creator_id: 'google-oauth2|mallory', origin: 'PTR' })).rejects.toBeInstanceOf(ReservationExistsError);
      await putImported(store, { ...lco, title: 'scheduled again', last_modified: '2025-06-03T00:00:00Z' });
      expect(await store.get('lco-again')).toEqual({ ...lco, title: 'scheduled again', last_modified: '2025-06-03T00:00:00Z', version: 3 });
      expect((await store.history('lco-again')).map((h) => [h.version, h.action])).toEqual([[1, 'imported'], [2, 'import-removed'], [3, 'imported']]);
      expect((await store.changes('saf', 0, 100)).entries.map((f) => [f.version, f.action])).toEqual([[1, 'imported'], [2, 'import-removed'], [3, 'imported']]);
    });

    it('a deletion is a version of its own, one past the one it deleted, in the history and the feed', async () => {
      const event = aReservation({ event_id: 'counted' });
      await createUnlessConflict(store, event);
      await replaceUnlessConflict(store, { ...event, title: 'second' });
      expect(await deleteEvent(store, 'counted')).toEqual({ ...event, title: 'second', version: 2 });
      expect((await store.history('counted')).map((h) => [h.version, h.action])).toEqual([[1, 'created'], [2, 'modified'], [3, 'deleted']]);
      expect((await store.changes('saf', 0, 100)).entries.map((f) => [f.version, f.action, f.event])).toEqual([[1, 'created', expect.anything()], [2, 'modified', expect.anything()], [3, 'deleted', null]]);
      await restoreUnlessConflict(store, { ...event, title: 'second' });
      await deleteEvent(store, 'counted');
      const versions = [[1, 'created'], [2, 'modified'], [3, 'deleted'], [4, 'restored'], [5, 'deleted']];
      expect((await store.history('counted')).map((h) => [h.version, h.action])).toEqual(versions);
      expect((await store.changes('saf', 0, 100)).entries.map((f) => [f.version, f.action])).toEqual(versions);
      // The deletion's entry holds the event as it was: the version it deleted.
      expect((await store.history('counted'))[2]!.event).toEqual({ ...event, title: 'second', version: 2 });
    });

    it('reads a bounded part of a history: after a version, at most n, oldest or newest first, without the rest', async () => {
      const event = aReservation({ event_id: 'paged' });
      await createUnlessConflict(store, event);
      for (let i = 2; i <= 6; i++) await replaceUnlessConflict(store, { ...event, title: `v${i}` });
      await deleteEvent(store, 'paged');
      await restoreUnlessConflict(store, event);
      // An event whose own id names that history's partition on DynamoDB is no entry of it.
      await createUnlessConflict(store, aReservation({ event_id: 'history#paged', start: '2025-06-21T03:00:00Z', end: '2025-06-21T04:00:00Z' }));
      const part = async (range: Parameters<typeof store.history>[1]) => (await store.history('paged', range)).map((h) => [h.version, h.action]);
      expect(await part({ limit: 1 })).toEqual([[1, 'created']]);
      expect(await part({ afterVersion: 4, limit: 2 })).toEqual([[5, 'modified'], [6, 'modified']]);
      expect(await part({ afterVersion: 6, limit: 10 })).toEqual([[7, 'deleted'], [8, 'restored']]);
      expect(await part({ afterVersion: 8, limit: 10 })).toEqual([]);
      expect(await part({ newest: true, limit: 1 })).toEqual([[8, 'restored']]);
      expect(await part({ newest: true, limit: 3 })).toEqual([[8, 'restored'], [7, 'deleted'], [6, 'modified']]);
      expect((await store.history('paged', { afterVersion: 1, limit: 1 }))[0]!.event).toEqual({ ...event, title: 'v2', version: 2 });
      expect(await store.history('never-booked', { limit: 5 })).toEqual([]);
      expect(await store.history('never-booked', { newest: true, limit: 5 })).toEqual([]);
      // Paged through two at a time, it is the whole history, each entry once.
      const paged: HistoryEntry[] = [];
      for (let after = 0; ;) {
        const page = await store.history('paged', { afterVersion: after, limit: 2 });
        if (page.length === 0) break;
        paged.push(...page);
        after = page.at(-1)!.version;
      }
      expect(paged).toEqual(await store.history('paged'));
    });

    it('a refused write (a conflict, a failed precondition, a taken id) appends nothing', async () => {
      const event = aReservation({ event_id: 'quiet' });
      await createUnlessConflict(store, event);
      await expect(createUnlessConflict(store, event)).rejects.toBeInstanceOf(ReservationExistsError);
      await expect(replaceUnlessConflict(store, { ...event, title: 'x' }, { expectedVersion: 2 })).rejects.toBeInstanceOf(VersionMismatchError);
      await expect(deleteEvent(store, 'quiet', { expectedVersion: 9 })).rejects.toBeInstanceOf(VersionMismatchError);
      const other = aReservation({ creator_id: 'bob', start: '2025-06-20T05:00:00Z', end: '2025-06-20T06:00:00Z' });
      await createUnlessConflict(store, other);
      await expect(replaceUnlessConflict(store, { ...event, end: '2025-06-20T05:30:00Z' })).rejects.toBeInstanceOf(ReservationConflictError);
      expect((await store.history('quiet')).map((h) => h.action)).toEqual(['created']);
    });

    it('a change or delete expecting another version changes nothing and names the current version', async () => {
      const event = aReservation();
      await createUnlessConflict(store, event);
      await replaceUnlessConflict(store, { ...event, title: 'second' });
      const stale = replaceUnlessConflict(store, { ...event, title: 'lost update', start: '2025-06-20T05:00:00Z', end: '2025-06-20T06:00:00Z' }, { expectedVersion: 1 });
      await expect(stale).rejects.toBeInstanceOf(VersionMismatchError);
      await expect(stale).rejects.toMatchObject({ expected: 1, current: 2 });
      await expect(deleteEvent(store, event.event_id, { expectedVersion: 3 })).rejects.toMatchObject({ code: 'VERSION_MISMATCH', current: 2 });
      expect(await store.get(event.event_id)).toEqual({ ...event, title: 'second', version: 2 });
      // The failed move left the guards (and so the calendar) as they were.
      expect(ids(await activeAt('saf', '2025-06-20T03:30:00Z'))).toEqual([event.event_id]);
      expect(ids(await activeAt('saf', '2025-06-20T05:30:00Z'))).toEqual([]);
      await expect(createUnlessConflict(store, aReservation({ creator_id: 'bob', start: '2025-06-20T05:00:00Z', end: '2025-06-20T06:00:00Z' })))
        .resolves.toMatchObject({ version: 1 });
    });
  });

  describe('change feed and retention', () => {
    /** Every entry of the site's feed after `after`, read `pageSize` at a time as a reader would. */
    const readAll = async (site: string, pageSize = 2, after = 0): Promise<FeedEntry[]> => {
      const all: FeedEntry[] = [];
      for (let seq = after; ;) {
        const { entries } = await store.changes(site, seq, pageSize);
        all.push(...entries);
        if (entries.length < pageSize) return all;
        seq = entries.at(-1)!.seq;
      }
    };
    const summary = (entries: FeedEntry[]) => entries.map((f) => [f.event_id, f.version, f.action, f.event === null ? null : f.event.title]);

    it("lists every change at the site once, in commit order, with the event after it; a delete, or a move away, with no event", async () => {
      const event = aReservation({ event_id: 'fed', last_modified: '2025-06-01T00:00:00Z' });
      await createUnlessConflict(store, event, { by: 'google-oauth2|alice', at: '2025-06-01T00:00:00Z' });
      await createUnlessConflict(store, aReservation({ event_id: 'elsewhere', site: 'mrc1' }));
      await replaceUnlessConflict(store, { ...event, title: 'renamed' }, { at: '2025-06-02T00:00:00Z' });
      await setProject(store, 'fed', 'M31#2025-01-01T00:00:00Z', '2025-06-03T00:00:00Z');
      await putImported(store, aReservation({ event_id: 'lco-f', origin: 'LCO', start: '2025-06-21T03:00:00Z', end: '2025-06-21T04:00:00Z' }));
      await replaceUnlessConflict(store, { ...event, title: 'moved', site: 'mrc1', resourceId: 'mrc1', project_id: 'M31#2025-01-01T00:00:00Z' });
      await deleteEvent(store, 'lco-f', { by: 'lco-import' });
      await createUnlessConflict(store, aReservation({ event_id: 'bob-later', creator_id: 'bob', start: '2025-06-21T03:30:00Z', end: '2025-06-21T05:00:00Z', site: 'mrc1' }));
      await expect(replaceUnlessConflict(store, { ...event, title: 'x' }, { expectedVersion: 1 })).rejects.toBeInstanceOf(VersionMismatchError);

      const saf = await readAll('saf');
      expect(summary(saf)).toEqual([
        ['fed', 1, 'created', 'Alice Example'],
        ['fed', 2, 'modified', 'renamed'],
        ['fed', 3, 'project-linked', 'renamed'],
        ['lco-f', 1, 'imported', 'Alice Example'],
        ['fed', 4, 'modified', null],
        ['lco-f', 2, 'import-removed', null],
      ]);
      expect(saf[0]).toMatchObject({ at: '2025-06-01T00:00:00Z', event: { ...event, version: 1 } });
      expect(saf.map((f) => f.seq)).toEqual([...saf.map((f) => f.seq)].sort((a, b) => a - b));
      expect(new Set(saf.map((f) => f.seq)).size).toBe(saf.length);
      expect(summary(await readAll('mrc1', 1))).toEqual([
        ['elsewhere', 1, 'created', 'Alice Example'],
        ['fed', 4, 'modified', 'moved'],
        ['bob-later', 1, 'created', 'Alice Example'],
      ]);
      // Any page size, and going on from any entry, gives the same sequence.
      expect(await readAll('saf', 100)).toEqual(saf);
      expect(await readAll('saf', 3, saf[2]!.seq)).toEqual(saf.slice(3));
      expect((await store.changes('saf', saf.at(-1)!.seq, 10)).entries).toEqual([]);
      expect(await store.changes('nowhere', 0, 10)).toEqual({ entries: [], purgedThrough: 0 });
    });

    it('an event whose id names another kind of stored record (history, feed, tombstones, keys, guards) is only an event', async () => {
      const x = aReservation({ event_id: 'x' });
      await createUnlessConflict(store, x, { at: '2025-01-01T00:00:00Z' });
      await deleteEvent(store, 'x', { at: '2025-01-02T00:00:00Z' });
      const hostile = ['history#x', 'feed#saf', 'removals', 'feedkey#abc', 'feeduser#google-oauth2|alice', '#guard#saf#2025-06-20', '#head'];
      for (const [i, id] of hostile.entries()) {
        const event = aReservation({ event_id: id, start: `2025-06-2${i}T10:00:00Z`, end: `2025-06-2${i}T11:00:00Z` });
        expect(await createUnlessConflict(store, event, { at: '2025-06-01T00:00:00Z' })).toEqual({ ...event, version: 1 });
        expect(await store.get(id)).toEqual({ ...event, version: 1 });
        expect((await store.history(id)).map((h) => h.action)).toEqual(['created']);
      }
      expect((await store.history('x')).map((h) => h.action)).toEqual(['created', 'deleted']);
      expect(summary(await readAll('saf')).map(([id, , action]) => `${String(id)}:${String(action)}`))
        .toEqual(['x:created', 'x:deleted', ...hostile.map((id) => `${id}:created`)]);
      expect(await store.purgeHistory('2025-03-01T00:00:00Z')).toBe(1);
      for (const id of hostile) expect((await store.get(id))?.event_id).toBe(id);
      expect(await store.lastChangeAt('saf')).toBe('2025-06-01T00:00:00Z');
    });

    it('the purge forgets events deleted before the horizon (history and feed), raising the purged seq first; live, restored and recent ones stay', async () => {
      const at = (day: string) => ({ at: `2025-${day}T00:00:00Z` });
      const old = aReservation({ event_id: 'old' });
      await createUnlessConflict(store, old, at('01-01'));
      await deleteEvent(store, 'old', at('01-02'));
      const wanderer = aReservation({ event_id: 'wanderer', start: '2025-06-20T05:00:00Z', end: '2025-06-20T06:00:00Z' });
      await createUnlessConflict(store, wanderer, at('01-03'));
      await replaceUnlessConflict(store, { ...wanderer, site: 'mrc1', resourceId: 'mrc1' }, at('01-04'));
      await deleteEvent(store, 'wanderer', at('01-05'));
      const phoenix = aReservation({ event_id: 'phoenix', start: '2025-06-20T07:00:00Z', end: '2025-06-20T08:00:00Z' });
      await createUnlessConflict(store, phoenix, at('01-06'));
      await deleteEvent(store, 'phoenix', at('01-07'));
      await restoreUnlessConflict(store, phoenix, at('01-08'));
      const recent = aReservation({ event_id: 'recent', start: '2025-06-20T09:00:00Z', end: '2025-06-20T10:00:00Z' });
      await createUnlessConflict(store, recent, at('01-09'));
      await deleteEvent(store, 'recent', at('05-01'));
      const live = aReservation({ event_id: 'live', start: '2025-06-20T11:00:00Z', end: '2025-06-20T12:00:00Z' });
      await createUnlessConflict(store, live, at('01-10'));
      const before = { saf: await readAll('saf'), mrc1: await readAll('mrc1') };
      const seqOf = (site: 'saf' | 'mrc1', id: string) => Math.max(...before[site].filter((f) => f.event_id === id).map((f) => f.seq));

      expect(await store.purgeHistory('2025-03-01T00:00:00Z')).toBe(2);
      expect(await store.history('old')).toEqual([]);
      expect(await store.history('wanderer')).toEqual([]);
      expect((await store.history('phoenix')).map((h) => h.action)).toEqual(['created', 'deleted', 'restored']);
      expect((await store.history('recent')).map((h) => h.action)).toEqual(['created', 'deleted']);
      expect((await store.history('live')).map((h) => h.action)).toEqual(['created']);
      const gone = new Set(['old', 'wanderer']);
      expect(await readAll('saf')).toEqual(before.saf.filter((f) => !gone.has(f.event_id)));
      expect(await readAll('mrc1')).toEqual(before.mrc1.filter((f) => !gone.has(f.event_id)));
      expect((await store.changes('saf', 0, 1)).purgedThrough).toBe(Math.max(seqOf('saf', 'old'), seqOf('saf', 'wanderer')));
      expect((await store.changes('mrc1', 0, 1)).purgedThrough).toBe(seqOf('mrc1', 'wanderer'));
      // Idempotent, and a later horizon takes the recent one too.
      expect(await store.purgeHistory('2025-03-01T00:00:00Z')).toBe(0);
      expect(await store.purgeHistory('2025-06-01T00:00:00Z')).toBe(1);
      expect(await store.history('recent')).toEqual([]);
      expect((await store.changes('saf', 0, 1)).purgedThrough).toBe(seqOf('saf', 'recent'));
    });

    it('the purge forgets what a deleted event was, never that its id was used: a create is still refused, the import goes on from its last version', async () => {
      const at = (day: string) => ({ at: `2025-${day}T00:00:00Z` });
      await createUnlessConflict(store, aReservation({ event_id: 'gone', reservation_note: 'door code 4711' }), at('01-01'));
      await deleteEvent(store, 'gone', at('01-02'));
      const lco = aReservation({ event_id: 'lco-gone', origin: 'LCO', creator_id: 'tbeccue#LCO', start: '2025-06-21T03:00:00Z', end: '2025-06-21T04:00:00Z' });
      await putImported(store, { ...lco, last_modified: '2025-01-03T00:00:00Z' });
      await deleteEvent(store, 'lco-gone', { by: 'lco-import', ...at('01-04') });
      expect(await store.purgeHistory('2025-03-01T00:00:00Z')).toBe(2);
      expect(await store.history('gone')).toEqual([]);
      const refusal = await createUnlessConflict(store, aReservation({ event_id: 'gone', creator_id: 'google-oauth2|mallory' })).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(ReservationExistsError);
      expect(await store.get('gone')).toBeUndefined();
      expect(await store.history('gone')).toEqual([]);
      await putImported(store, { ...lco, title: 'scheduled again', last_modified: '2025-06-01T00:00:00Z' });
      expect((await store.history('lco-gone')).map((h) => [h.version, h.action])).toEqual([[3, 'imported']]);
      expect(await store.purgeHistory('2025-12-01T00:00:00Z')).toBe(0);
    });
  });

  describe('replaceUnlessConflict', () => {
    it('replaces the stored version, moving its times', async () => {
      const event = aReservation();
      await createUnlessConflict(store, event);
      const moved = { ...event, start: '2025-06-20T03:30:00Z', end: '2025-06-20T05:00:00Z', title: 'moved' };
      expect(await replaceUnlessConflict(store, moved)).toEqual({ ...moved, version: 2 });
      expect(await store.get(event.event_id)).toEqual({ ...moved, version: 2 });
      expect(ids(await activeAt('saf', '2025-06-20T03:15:00Z'))).toEqual([]);
      expect(ids(await activeAt('saf', '2025-06-20T04:30:00Z'))).toEqual([event.event_id]);
    });

    it('ignores the event itself when checking conflicts', async () => {
      const event = aReservation();
      await createUnlessConflict(store, event);
      await expect(replaceUnlessConflict(store, { ...event, end: '2025-06-20T04:30:00Z' })).resolves.toMatchObject({ version: 2 });
    });

    it('refuses a conflicting move and keeps the original intact', async () => {
      const alice = aReservation({ start: '2025-06-20T03:00:00Z', end: '2025-06-20T04:00:00Z' });
      const bob = aReservation({ creator_id: 'bob', start: '2025-06-20T05:00:00Z', end: '2025-06-20T06:00:00Z' });
      await createUnlessConflict(store, alice);
      await createUnlessConflict(store, bob);
      const refusal = await replaceUnlessConflict(store, { ...bob, start: '2025-06-20T03:30:00Z' })
        .catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(ReservationConflictError);
      expect((refusal as ReservationConflictError).conflictingEventIds).toEqual([alice.event_id]);
      expect(await store.get(bob.event_id)).toEqual(bob);
    });

    it('refuses to replace an event that does not exist, and does not create it', async () => {
      const ghost = aReservation();
      await expect(replaceUnlessConflict(store, ghost)).rejects.toBeInstanceOf(ReservationNotFoundError);
      expect(await store.get(ghost.event_id)).toBeUndefined();
    });
  });

  describe('putImported (LCO schedule)', () => {
    const lco = (overrides: Partial<Reservation> = {}) =>
      aReservation({ event_id: 'lco-1', origin: 'LCO', creator_id: 'tbeccue#LCO', reservation_type: 'project', ...overrides });

    it('creates and then replaces in place, even over a user booking, which it then blocks for others', async () => {
      const user = aReservation({ start: '2025-06-20T03:00:00Z', end: '2025-06-20T04:00:00Z' });
      await createUnlessConflict(store, user);
      await putImported(store, lco({ start: '2025-06-20T03:30:00Z', end: '2025-06-20T03:35:00Z' }));
      const moved = lco({ start: '2025-06-20T05:00:00Z', end: '2025-06-20T05:10:00Z', title: 'moved' });
      await putImported(store, moved);
      expect(await store.get('lco-1')).toEqual({ ...moved, version: 2 });
      expect(ids(await activeAt('saf', '2025-06-20T03:31:00Z'))).toEqual([user.event_id]);
      await expect(createUnlessConflict(store, aReservation({ creator_id: 'bob', start: '2025-06-20T05:05:00Z', end: '2025-06-20T06:00:00Z' })))
        .rejects.toBeInstanceOf(ReservationConflictError);
      await deleteEvent(store, 'lco-1');
      await expect(createUnlessConflict(store, aReservation({ creator_id: 'bob', start: '2025-06-20T05:05:00Z', end: '2025-06-20T06:00:00Z' })))
        .resolves.toMatchObject({ version: 1 });
    });

    it('can move an imported event to another site', async () => {
      await putImported(store, lco({ site: 'mrc1', resourceId: 'mrc1' }));
      await putImported(store, lco({ site: 'mrc2', resourceId: 'mrc2' }));
      expect(ids(await store.findOverlapping('mrc1', { start: '2025-06-20T00:00:00Z', end: '2025-06-21T00:00:00Z' }))).toEqual([]);
      expect(ids(await store.findOverlapping('mrc2', { start: '2025-06-20T00:00:00Z', end: '2025-06-21T00:00:00Z' }))).toEqual(['lco-1']);
      await expect(createUnlessConflict(store, aReservation({ site: 'mrc1', resourceId: 'mrc1', creator_id: 'bob' }))).resolves.toMatchObject({ version: 1 });
    });
  });

  describe('delete, get and setProject', () => {
    it('deletes and returns the event; a second delete finds nothing', async () => {
      const event = aReservation();
      await createUnlessConflict(store, event);
      expect(await deleteEvent(store, event.event_id)).toEqual(event);
      expect(await deleteEvent(store, event.event_id)).toBeUndefined();
      expect(await store.get(event.event_id)).toBeUndefined();
    });

    it('a deleted slot can be booked by someone else', async () => {
      const event = aReservation();
      await createUnlessConflict(store, event);
      await deleteEvent(store, event.event_id);
      await expect(createUnlessConflict(store, aReservation({ creator_id: 'bob' }))).resolves.toMatchObject({ version: 1 });
    });

    it('sets the project and last_modified, and reports a missing event', async () => {
      const event = aReservation();
      await createUnlessConflict(store, event);
      const updated = await setProject(store, event.event_id, 'M31#2025-01-01T00:00:00Z', '2025-06-02T00:00:00Z');
      expect(updated).toEqual({ ...event, project_id: 'M31#2025-01-01T00:00:00Z', last_modified: '2025-06-02T00:00:00Z', version: 2 });
      expect(await store.get(event.event_id)).toEqual(updated);
      expect(await setProject(store, 'nope', 'x', '2025-06-02T00:00:00Z')).toBeUndefined();
      expect(await store.get('nope')).toBeUndefined();
    });
  });

  describe('queries', () => {
    const window = { start: '2025-06-20T00:00:00Z', end: '2025-06-21T00:00:00Z' };

    it('findOverlapping returns events crossing either edge or covering the window, ordered by start', async () => {
      const before = aReservation({ event_id: 'before', start: '2025-06-19T23:00:00Z', end: '2025-06-20T00:30:00Z' });
      const inside = aReservation({ event_id: 'inside', start: '2025-06-20T10:00:00Z', end: '2025-06-20T11:00:00Z' });
      const after = aReservation({ event_id: 'after', start: '2025-06-20T23:30:00Z', end: '2025-06-21T02:00:00Z' });
      const touchingStart = aReservation({ event_id: 'touch-a', start: '2025-06-19T22:00:00Z', end: '2025-06-19T23:00:00Z' });
      const touchingEnd = aReservation({ event_id: 'touch-b', start: '2025-06-21T00:00:00Z', end: '2025-06-21T01:00:00Z' });
      const otherSite = aReservation({ event_id: 'other', site: 'mrc1', resourceId: 'mrc1', start: '2025-06-20T10:00:00Z', end: '2025-06-20T11:00:00Z' });
      for (const e of [after, touchingEnd, inside, otherSite, before, touchingStart]) await createUnlessConflict(store, e);
      expect(ids(await store.findOverlapping('saf', window))).toEqual(['before', 'inside', 'after']);
      expect(ids(await store.findOverlapping('saf', { start: '2025-06-20T00:00:00Z', end: '2025-06-20T00:00:01Z' }))).toEqual(['before']);
      expect(ids(await store.findOverlapping('zzz', window))).toEqual([]);
    });

    it('sitesWithEvents lists each site that has had events once, in order: created, imported, moved to, and ones whose events are gone', async () => {
      expect(await store.sitesWithEvents()).toEqual([]);
      await createUnlessConflict(store, aReservation({ event_id: 'a', site: 'saf' }));
      await createUnlessConflict(store, aReservation({ event_id: 'b', site: 'saf', start: '2025-06-21T03:00:00Z', end: '2025-06-21T04:00:00Z' }));
      await createUnlessConflict(store, aReservation({ event_id: 'c', site: 'tst' }));
      await putImported(store, aReservation({ event_id: 'lco-9', site: 'mrc2', origin: 'LCO', creator_id: 'tbeccue#LCO' }));
      const moving = await createUnlessConflict(store, aReservation({ event_id: 'd', site: 'saf', start: '2025-06-22T03:00:00Z', end: '2025-06-22T04:00:00Z' }));
      await replaceUnlessConflict(store, { ...moving, site: 'aaa', resourceId: 'aaa' });
      await deleteEvent(store, 'c');
      expect(await store.sitesWithEvents()).toEqual(['aaa', 'mrc2', 'saf', 'tst']);
    });

    it("busyOverlapping gives the times of findOverlapping's events, in order, with its limit", async () => {
      const times = [['2025-06-20T05:00:00Z', '2025-06-20T06:00:00Z'], ['2025-06-19T23:00:00Z', '2025-06-20T01:00:00Z'], ['2025-06-20T05:00:00Z', '2025-06-20T05:30:00Z'],
        ['2025-06-21T00:00:00Z', '2025-06-21T01:00:00Z'], ['2025-06-19T20:00:00Z', '2025-06-20T00:00:00Z']] as const;
      let i = 0;
      for (const [start, end] of times) await createUnlessConflict(store, aReservation({ event_id: `t${++i}`, creator_id: 'alice', start, end }));
      await createUnlessConflict(store, aReservation({ event_id: 'elsewhere', site: 'mrc1', start: '2025-06-20T02:00:00Z', end: '2025-06-20T03:00:00Z' }));
      const expected = (await store.findOverlapping('saf', window)).items.map(({ start, end }) => ({ start, end }));
      expect(expected).toHaveLength(3);
      expect(await store.busyOverlapping('saf', window)).toEqual(expected);
      expect(await store.busyOverlapping('saf', window, 2)).toEqual(expected.slice(0, 2));
      expect(await store.busyOverlapping('zzz', window)).toEqual([]);
    });

    it('findOverlapping finds an event covering the whole window', async () => {
      const covering = aReservation({ start: '2025-06-19T00:00:00Z', end: '2025-06-22T00:00:00Z' });
      await createUnlessConflict(store, covering);
      expect(ids(await store.findOverlapping('saf', window))).toEqual([covering.event_id]);
    });

    it('active at t (the window activeAtWindow(t)) includes the start instant and excludes the end instant', async () => {
      const event = aReservation({ start: '2025-06-20T03:00:00Z', end: '2025-06-20T04:00:00Z' });
      await createUnlessConflict(store, event);
      expect(ids(await activeAt('saf', '2025-06-20T02:59:59Z'))).toEqual([]);
      expect(ids(await activeAt('saf', '2025-06-20T03:00:00Z'))).toEqual([event.event_id]);
      expect(ids(await activeAt('saf', '2025-06-20T03:59:59Z'))).toEqual([event.event_id]);
      expect(ids(await activeAt('saf', '2025-06-20T04:00:00Z'))).toEqual([]);
      expect(ids(await activeAt('mrc1', '2025-06-20T03:30:00Z'))).toEqual([]);
    });

    it('creatorsOverlapping names the creator of each event in the window, with findOverlapping\'s edges', async () => {
      await createUnlessConflict(store, aReservation({ event_id: 'a1', start: '2025-06-20T03:00:00Z', end: '2025-06-20T04:00:00Z' }));
      await createUnlessConflict(store, aReservation({ event_id: 'a2', start: '2025-06-20T03:30:00Z', end: '2025-06-20T05:00:00Z' }));
      await putImported(store, aReservation({ event_id: 'lco-9', creator_id: 'sub#LCO', origin: 'LCO', start: '2025-06-20T03:45:00Z', end: '2025-06-20T06:00:00Z' }));
      const at = async (t: string) => (await store.creatorsOverlapping('saf', activeAtWindow(t))).sort();
      expect(await at('2025-06-20T02:59:59Z')).toEqual([]);
      expect(await at('2025-06-20T03:00:00Z')).toEqual(['google-oauth2|alice']);
      expect(await at('2025-06-20T03:50:00Z')).toEqual(['google-oauth2|alice', 'google-oauth2|alice', 'sub#LCO']);
      expect(await at('2025-06-20T04:00:00Z')).toEqual(['google-oauth2|alice', 'sub#LCO']);
      expect(await store.creatorsOverlapping('mrc1', activeAtWindow('2025-06-20T03:50:00Z'))).toEqual([]);
    });

    it('a limit answers the first events in order, and all of them when it is larger', async () => {
      for (let i = 0; i < 5; i++) {
        await createUnlessConflict(store, aReservation({ event_id: `l${i}`, start: `2025-06-20T0${i}:00:00Z`, end: '2025-06-20T06:00:00Z' }));
      }
      expect(ids(await store.findOverlapping('saf', window, 2))).toEqual(['l0', 'l1']);
      expect((sent(await store.findOverlapping('saf', window, 3)) as Reservation[]).map((e) => e.event_id)).toEqual(['l0', 'l1', 'l2']);
      expect(ids(await activeAt('saf', '2025-06-20T05:00:00Z', 4))).toEqual(['l0', 'l1', 'l2', 'l3']);
      expect(ids(await store.findByCreatorEndingAfter('google-oauth2|alice', '2025-06-20T00:00:00Z', 1))).toEqual(['l0']);
      expect(sent(await store.findByCreatorEndingAfter('google-oauth2|alice', '2025-06-20T00:00:00Z', 2))).toHaveLength(2);
      expect(ids(await store.findOverlapping('saf', window, 50))).toEqual(['l0', 'l1', 'l2', 'l3', 'l4']);
    });

    it("findByCreatorEndingAfter returns the creator's events with end > time, ordered by start", async () => {
      const late = aReservation({ event_id: 'late', start: '2025-06-22T00:00:00Z', end: '2025-06-22T01:00:00Z' });
      const early = aReservation({ event_id: 'early', site: 'mrc1', resourceId: 'mrc1', start: '2025-06-21T00:00:00Z', end: '2025-06-21T01:00:00Z' });
      const endsAtT = aReservation({ event_id: 'ends-at-t', start: '2025-06-20T00:00:00Z', end: '2025-06-20T12:00:00Z' });
      const bobs = aReservation({ event_id: 'bobs', creator_id: 'bob', site: 'eco1', resourceId: 'eco1', start: '2025-06-22T00:00:00Z', end: '2025-06-22T01:00:00Z' });
      for (const e of [late, early, endsAtT, bobs]) await createUnlessConflict(store, e);
      expect(ids(await store.findByCreatorEndingAfter('google-oauth2|alice', '2025-06-20T12:00:00Z'))).toEqual(['early', 'late']);
      expect(ids(await store.findByCreatorEndingAfter('google-oauth2|alice', '2025-06-20T11:59:59Z'))).toEqual(['ends-at-t', 'early', 'late']);
    });

    it('a list sent as JSON equals its items, whatever the store keeps, through in-place rewrites', async () => {
      const first = aReservation({ event_id: 'first', start: '2025-06-20T01:00:00Z', end: '2025-06-20T02:00:00Z', reservation_note: 'ünïcode "quoted" \\ ☄' });
      const second = aReservation({ event_id: 'second', start: '2025-06-20T05:00:00Z', end: '2025-06-20T06:00:00Z' });
      const imported = aReservation({ event_id: 'lco-1', creator_id: 'x#LCO', origin: 'LCO', start: '2025-06-20T08:00:00Z', end: '2025-06-20T09:00:00Z' });
      await createUnlessConflict(store, second);
      await createUnlessConflict(store, first);
      await putImported(store, imported);
      await setProject(store, 'second', 'Moon#2025-06-01T00:00:00Z', '2025-06-19T00:00:00Z'); // body rewritten in place
      await replaceUnlessConflict(store, { ...first, title: 'moved' });
      const expected = [
        { ...first, title: 'moved', version: 2 }, { ...second, project_id: 'Moon#2025-06-01T00:00:00Z', last_modified: '2025-06-19T00:00:00Z', version: 2 }, imported,
      ];
      expect(sent(await store.findOverlapping('saf', window))).toEqual(expected);
      expect((await store.findOverlapping('saf', window)).items).toEqual(expected);
      expect(sent(await store.findByCreatorEndingAfter('google-oauth2|alice', '2025-06-20T00:00:00Z'))).toEqual(expected.slice(0, 2));
      expect(sent(await store.findOverlapping('zzz', window))).toEqual([]);
      expect(sent(await store.findByCreatorEndingAfter('nobody', '2025-06-20T00:00:00Z'))).toEqual([]);
    });
  });

  it('agrees with a brute-force model over random create/modify/delete/restore/reuse sequences, conditional ones, versions, history and feeds included', async () => {
    const base = Date.parse('2025-06-20T00:00:00Z') / 1000;
    const slot = fc.record({
      creator: fc.constantFrom('alice', 'bob', 'carol'),
      site: fc.constantFrom('saf', 'mrc1'),
      startMin: fc.integer({ min: 0, max: 240 }),
      lengthMin: fc.integer({ min: 1, max: 90 }),
    });
    // A precondition off by `offset` from the model's version (0: the right one), or none.
    const precondition = fc.option(fc.constantFrom(0, 0, -1, 1), { nil: undefined });
    const op = fc.oneof(
      fc.record({ kind: fc.constant('create' as const), slot }),
      fc.record({ kind: fc.constant('modify' as const), pick: fc.nat(), slot, offset: precondition }),
      fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(), offset: precondition }),
      fc.record({ kind: fc.constant('restore' as const), pick: fc.nat() }),
      // A create with an id already used, live or deleted, by anyone.
      fc.record({ kind: fc.constant('reuse' as const), pick: fc.nat(), slot }),
    );
    const mismatch = (err: unknown): false => {
      if (err instanceof VersionMismatchError) return false;
      throw err;
    };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const subjectForRun = await makeStore();
        try {
          const model = new Map<string, { creator: string; site: string; s: number; e: number; version: number }>();
          const expectedOf = (id: string, offset: number | undefined): number | undefined =>
            offset === undefined ? undefined : Math.max(1, model.get(id)!.version + offset);
          const modelAccepts = (id: string, c: { creator: string; site: string; s: number; e: number }): boolean =>
            [...model.entries()].every(
              ([otherId, o]) => otherId === id || o.site !== c.site || o.creator === c.creator || !(c.s < o.e && o.s < c.e),
            );
          type Slot = { creator: string; site: string; s: number; e: number; version: number };
          const eventOf = (id: string, c: Slot) => aReservation({
            event_id: id, creator_id: c.creator, site: c.site, resourceId: c.site, start: formatUtcTime(c.s), end: formatUtcTime(c.e),
          });
          // What the history of each event, and the feed of each site, must hold: [id, version, action, site?].
          const history = new Map<string, [number, string][]>();
          const feeds: Record<string, [string, number, string, string | null][]> = { saf: [], mrc1: [] };
          const deleted = new Map<string, Slot>();
          const record = (id: string, c: Slot, action: string, previousSite?: string): void => {
            history.set(id, [...(history.get(id) ?? []), [c.version, action]]);
            const removal = action === 'deleted';
            feeds[c.site]!.push([id, c.version, action, removal ? null : eventOf(id, c).start]);
            if (previousSite !== undefined && previousSite !== c.site) feeds[previousSite]!.push([id, c.version, action, null]);
          };
          let n = 0;
          for (const step of ops) {
            const live = [...model.keys()];
            if (step.kind === 'delete') {
              if (live.length === 0) continue;
              const id = live[step.pick % live.length] as string;
              const expectedVersion = expectedOf(id, step.offset);
              const done = await deleteEvent(subjectForRun.store, id, { expectedVersion }).then(() => true, mismatch);
              expect(done).toBe(expectedVersion === undefined || expectedVersion === model.get(id)!.version);
              if (done) {
                // A deletion is a version of its own, one past the one it deleted.
                const removal = { ...model.get(id)!, version: model.get(id)!.version + 1 };
                record(id, removal, 'deleted');
                deleted.set(id, removal);
                model.delete(id);
              }
              continue;
            }
            if (step.kind === 'restore') {
              const gone = [...deleted.keys()];
              if (gone.length === 0) continue;
              const id = gone[step.pick % gone.length] as string;
              const candidate = { ...deleted.get(id)!, version: deleted.get(id)!.version + 1 };
              const outcome = await restoreUnlessConflict(subjectForRun.store, eventOf(id, candidate))
                .then((stored) => {
                  expect(stored.version).toBe(candidate.version);
                  return 'written';
                }, (err: unknown) => {
                  if (err instanceof ReservationConflictError) return 'conflict';
                  throw err;
                });
              expect(outcome).toBe(modelAccepts(id, candidate) ? 'written' : 'conflict');
              if (outcome === 'written') {
                record(id, candidate, 'restored');
                deleted.delete(id);
                model.set(id, candidate);
              }
              continue;
            }
            if (step.kind === 'reuse') {
              const used = [...live, ...deleted.keys()];
              if (used.length === 0) continue;
              const id = used[step.pick % used.length] as string;
              const { creator, site, startMin } = step.slot;
              const taker = eventOf(id, { creator, site, s: base + startMin * 60, e: base + startMin * 60 + 60, version: 1 });
              await expect(createUnlessConflict(subjectForRun.store, taker)).rejects.toBeInstanceOf(ReservationExistsError);
              continue;
            }
            const { creator, site, startMin, lengthMin } = step.slot;
            const s = base + startMin * 60;
            const e = s + lengthMin * 60;
            let id: string;
            let creatorId: string = creator;
            if (step.kind === 'modify') {
              if (live.length === 0) continue;
              id = live[step.pick % live.length] as string;
              creatorId = model.get(id)!.creator;
            } else {
              id = `p-${++n}`;
            }
            const version = step.kind === 'modify' ? model.get(id)!.version + 1 : 1;
            const candidate = { creator: creatorId, site, s, e, version };
            const event = aReservation({
              event_id: id, creator_id: creatorId, site, resourceId: site, start: formatUtcTime(s), end: formatUtcTime(e),
            });
            const expectedVersion = step.kind === 'modify' ? expectedOf(id, step.offset) : undefined;
            // A failed precondition is checked before the conflict rule: it refuses whatever the times.
            const versionOk = expectedVersion === undefined || expectedVersion === model.get(id)!.version;
            const write = step.kind === 'create'
              ? createUnlessConflict(subjectForRun.store, event)
              : replaceUnlessConflict(subjectForRun.store, event, { expectedVersion });
            const outcome = await write.then((stored) => {
              expect(stored.version).toBe(version);
              return 'written';
            }, (err: unknown) => {
              if (err instanceof ReservationConflictError) return 'conflict';
              return mismatch(err) === false ? 'stale' : 'written';
            });
            expect(outcome).toBe(!versionOk ? 'stale' : modelAccepts(id, candidate) ? 'written' : 'conflict');
            if (outcome === 'written') {
              record(id, candidate, step.kind === 'create' ? 'created' : 'modified', model.get(id)?.site);
              model.set(id, candidate);
            }
          }
          // Each event's history, and each site's feed read a few entries at a time, match the model.
          for (const [id, entries] of history) {
            expect((await subjectForRun.store.history(id)).map((h) => [h.version, h.action])).toEqual(entries);
            expect((await subjectForRun.store.history(id, { afterVersion: 1, limit: 2 })).map((h) => [h.version, h.action])).toEqual(entries.slice(1, 3));
            expect((await subjectForRun.store.history(id, { newest: true, limit: 1 })).map((h) => [h.version, h.action])).toEqual(entries.slice(-1));
          }
          for (const [site, expected] of Object.entries(feeds)) {
            const read: [string, number, string, string | null][] = [];
            for (let seq = 0; ;) {
              const { entries } = await subjectForRun.store.changes(site, seq, 3);
              read.push(...entries.map((f): [string, number, string, string | null] => [f.event_id, f.version, f.action, f.event?.start ?? null]));
              if (entries.length < 3) break;
              seq = entries.at(-1)!.seq;
            }
            expect(read).toEqual(expected);
          }
          // The stored calendar equals the model, and holds no overlapping pair of different creators.
          const stored = [
            ...(await subjectForRun.store.findOverlapping('saf', { start: '2025-06-19T00:00:00Z', end: '2025-06-22T00:00:00Z' })).items,
            ...(await subjectForRun.store.findOverlapping('mrc1', { start: '2025-06-19T00:00:00Z', end: '2025-06-22T00:00:00Z' })).items,
          ];
          expect(stored.map((x) => x.event_id).sort()).toEqual([...model.keys()].sort());
          for (const x of stored) expect([x.event_id, x.version]).toEqual([x.event_id, model.get(x.event_id)!.version]);
          for (const a of stored) {
            for (const b of stored) {
              if (a.event_id !== b.event_id && a.site === b.site && a.creator_id !== b.creator_id) {
                expect(a.start < b.end && b.start < a.end).toBe(false);
              }
            }
          }
        } finally {
          await subjectForRun.close();
        }
      }),
      { numRuns: _name.startsWith('dynamodb') ? 15 : 60 },
    );
  });
});
