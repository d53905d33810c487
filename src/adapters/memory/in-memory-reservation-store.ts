import type { HistoryRange } from '../../application/ports/event-journal.port.js';
import type { ReservationStore } from '../../application/ports/reservation-store.port.js';
import { ReservationList } from '../../application/reservation-list.js';
import { overlaps, type Interval } from '../../domain/interval.js';
import type { FeedEntry, FeedPage } from '../../domain/feed.js';
import type { HistoryEntry } from '../../domain/history.js';
import type { Reservation } from '../../domain/reservation.js';
import { absentState, assertExpected, checkConditions, conditionBookings, expectationOf, type EventState, type WritePlan } from '../../domain/write-plan.js';

const byStart = (a: Reservation, b: Reservation): number =>
  a.start < b.start ? -1 : a.start > b.start ? 1 : a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;

/**
 * Reservations in a Map: the fake for use-case tests, and `STORAGE=memory`. A commit checks and
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

  async state(eventId: string): Promise<EventState> {
    return structuredClone(this.stateOf(eventId));
  }

  private stateOf(eventId: string): EventState {
    const event = this.events.get(eventId);
    if (event) return { kind: 'live', event };
    return absentState(this.entries.get(eventId)?.at(-1)?.version ?? this.retired.get(eventId));
  }

  /** The whole plan with no await in between: atomic on one event loop. */
  async commit(plan: WritePlan): Promise<void> {
    assertExpected(plan, expectationOf(this.stateOf(plan.eventId)));
    checkConditions(plan, (condition) => conditionBookings(condition, this.events.values()));
    if (plan.after === null) this.events.delete(plan.eventId);
    else this.events.set(plan.eventId, structuredClone(plan.after));
    const list = this.entries.get(plan.eventId) ?? [];
    list.push(structuredClone(plan.history));
    this.entries.set(plan.eventId, list);
    for (const { site, ...unnumbered } of plan.feed) {
      this.seq += 1;
      this.feed.push({ site, entry: structuredClone({ seq: this.seq, ...unnumbered }) });
    }
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

  async get(eventId: string): Promise<Reservation | undefined> {
    const existing = this.events.get(eventId);
    return existing && structuredClone(existing);
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
}

