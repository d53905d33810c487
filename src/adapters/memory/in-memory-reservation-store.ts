import type { HistoryRange, ReservationStore, WriteOptions } from '../../application/ports/reservation-store.port.js';
import { ReservationList } from '../../application/reservation-list.js';
import { findConflicts } from '../../domain/conflicts.js';
import { ReservationConflictError, ReservationExistsError, ReservationNotFoundError } from '../../domain/errors.js';
import { overlaps, type Interval } from '../../domain/interval.js';
import { feedEntries, type FeedEntry, type FeedPage } from '../../domain/feed.js';
import {
  arrivalVersion, historyEntry, LCO_IMPORT, projectAction, removalAction, type Arrival, type Change, type HistoryAction, type HistoryEntry,
} from '../../domain/history.js';
import { checkVersion, NO_PROJECT, type Reservation } from '../../domain/reservation.js';

const byStart = (a: Reservation, b: Reservation): number =>
  a.start < b.start ? -1 : a.start > b.start ? 1 : a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;

/**
 * Reservations in a Map: the fake for use-case tests, and `STORAGE=memory`. Each write checks and
 * writes with no await in between, which is what makes it atomic on one event loop.
 */
export class InMemoryReservationStore implements ReservationStore {
  private readonly events = new Map<string, Reservation>();
  private readonly entries = new Map<string, HistoryEntry[]>();
  /** Every feed entry of every site, in the order written (seq is one counter for all sites). */
  private readonly feed: { site: string; entry: FeedEntry }[] = [];
  private readonly purged = new Map<string, number>();
  /** The last version of each event whose history the purge removed: its id stays used. */
  private readonly retired = new Map<string, number>();
  private seq = 0;

  async createUnlessConflict(reservation: Reservation, change: Partial<Change> = {}): Promise<Reservation> {
    return this.create(reservation, 'created', change);
  }

  async restoreUnlessConflict(reservation: Reservation, change: Partial<Change> = {}): Promise<Reservation> {
    return this.create(reservation, 'restored', change);
  }

  private create(reservation: Reservation, action: Arrival, change: Partial<Change>): Reservation {
    if (this.events.has(reservation.event_id)) throw new ReservationExistsError(reservation.event_id);
    const version = this.arrivalVersion(reservation.event_id, action);
    this.assertNoConflict(reservation);
    return this.store({ ...reservation, version }, action, change);
  }

  private arrivalVersion(eventId: string, arrival: Arrival): number {
    const retired = this.retired.get(eventId);
    return arrivalVersion(eventId, this.entries.get(eventId)?.at(-1) ?? (retired === undefined ? undefined : { version: retired }), arrival);
  }

  async replaceUnlessConflict(reservation: Reservation, options: WriteOptions = {}): Promise<Reservation> {
    const current = this.events.get(reservation.event_id);
    if (!current) throw new ReservationNotFoundError(reservation.event_id);
    checkVersion(current, options.expectedVersion);
    this.assertNoConflict(reservation);
    return this.store({ ...reservation, version: current.version + 1 }, 'modified', options, current.site);
  }

  async putImported(reservation: Reservation): Promise<void> {
    const current = this.events.get(reservation.event_id);
    const version = current ? current.version + 1 : this.arrivalVersion(reservation.event_id, 'imported');
    this.store({ ...reservation, version }, current ? 'import-updated' : 'imported', { by: LCO_IMPORT }, current?.site);
  }

  async delete(eventId: string, options: WriteOptions = {}): Promise<Reservation | undefined> {
    const existing = this.events.get(eventId);
    if (!existing) return undefined;
    checkVersion(existing, options.expectedVersion);
    this.events.delete(eventId);
    this.record(existing, removalAction(options.by ?? existing.creator_id), options);
    return existing;
  }

  async history(eventId: string, range?: HistoryRange): Promise<HistoryEntry[]> {
    const all = this.entries.get(eventId) ?? [];
    if (range === undefined) return structuredClone(all);
    const after = all.filter((entry) => entry.version > (range.afterVersion ?? 0));
    const limit = Math.max(0, range.limit);
    return structuredClone(range.newest ? after.slice(after.length - limit).reverse() : after.slice(0, limit));
  }

  async changes(site: string, afterSeq: number, limit: number): Promise<FeedPage> {
    const entries = this.feed.filter((f) => f.site === site && f.entry.seq > afterSeq).slice(0, limit);
    return { entries: entries.map((f) => structuredClone(f.entry)), purgedThrough: this.purged.get(site) ?? 0 };
  }

  async sitesWithEvents(): Promise<string[]> {
    return [...new Set([...[...this.events.values()].map((e) => e.site), ...this.feed.map((f) => f.site)])].sort();
  }

  async lastChangeAt(site: string): Promise<string | undefined> {
    return this.feed.findLast((f) => f.site === site)?.entry.at;
  }

  async purgeHistory(before: string): Promise<number> {
    let purged = 0;
    for (const [eventId, list] of this.entries) {
      if (this.events.has(eventId) || list.at(-1)!.at >= before) continue;
      for (const { site, entry } of this.feed.filter((f) => f.entry.event_id === eventId)) {
        this.purged.set(site, Math.max(this.purged.get(site) ?? 0, entry.seq));
      }
      this.feed.splice(0, this.feed.length, ...this.feed.filter((f) => f.entry.event_id !== eventId));
      this.retired.set(eventId, list.at(-1)!.version);
      this.entries.delete(eventId);
      purged += 1;
    }
    return purged;
  }

  private store(reservation: Reservation, action: HistoryAction, change: Partial<Change>, previousSite?: string): Reservation {
    this.events.set(reservation.event_id, structuredClone(reservation));
    this.record(reservation, action, change, previousSite);
    return structuredClone(reservation);
  }

  private record(event: Reservation, action: HistoryAction, change: Partial<Change>, previousSite?: string): void {
    const entry = structuredClone(historyEntry(event, action, change));
    const list = this.entries.get(event.event_id) ?? [];
    list.push(entry);
    this.entries.set(event.event_id, list);
    for (const { site, ...unnumbered } of feedEntries(entry.event, action, entry.at, previousSite)) {
      this.seq += 1;
      this.feed.push({ site, entry: { seq: this.seq, ...unnumbered } });
    }
  }

  async get(eventId: string): Promise<Reservation | undefined> {
    const existing = this.events.get(eventId);
    return existing && structuredClone(existing);
  }

  async setProject(eventId: string, projectId: string, lastModified: string, by?: string): Promise<Reservation | undefined> {
    const existing = this.events.get(eventId);
    if (!existing) return undefined;
    existing.project_id = projectId;
    existing.last_modified = lastModified;
    existing.version += 1;
    this.record(existing, projectAction(projectId, NO_PROJECT), { at: lastModified, ...(by ? { by } : {}) });
    return structuredClone(existing);
  }

  async findOverlapping(site: string, window: Interval, limit?: number): Promise<ReservationList> {
    return ReservationList.of(this.select((e) => e.site === site && overlaps(e, window), limit));
  }

  async creatorsOverlapping(site: string, window: Interval): Promise<string[]> {
    return (await this.findOverlapping(site, window)).items.map((e) => e.creator_id);
  }

  async busyOverlapping(site: string, window: Interval, limit?: number): Promise<Interval[]> {
    return (await this.findOverlapping(site, window, limit)).items.map(({ start, end }) => ({ start, end }));
  }

  async findByCreatorEndingAfter(creatorId: string, time: string, limit?: number): Promise<ReservationList> {
    return ReservationList.of(this.select((e) => e.creator_id === creatorId && e.end > time, limit));
  }

  private select(predicate: (event: Reservation) => boolean, limit?: number): Reservation[] {
    const found = [...this.events.values()].filter(predicate).sort(byStart);
    return (limit === undefined ? found : found.slice(0, limit)).map((e) => structuredClone(e));
  }

  private assertNoConflict(candidate: Reservation): void {
    const conflicts = findConflicts(candidate, this.events.values());
    if (conflicts.length > 0) throw new ReservationConflictError(conflicts.map((e) => e.event_id));
  }
}

