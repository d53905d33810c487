import { injectable } from 'inversify';
import { asJsonTexts, type ReservationStore } from '../../application/ports/reservation-store.port.js';
import { findConflicts } from '../../domain/conflicts.js';
import { ReservationConflictError, ReservationExistsError, ReservationNotFoundError } from '../../domain/errors.js';
import { isActiveAt, overlaps, type Interval } from '../../domain/interval.js';
import type { Reservation } from '../../domain/reservation.js';

const byStart = (a: Reservation, b: Reservation): number =>
  a.start < b.start ? -1 : a.start > b.start ? 1 : a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;

/**
 * Reservations in a Map: the fake for use-case tests, and `STORAGE=memory`. Each write checks and
 * writes with no await in between, which is what makes it atomic on one event loop.
 */
@injectable()
export class InMemoryReservationStore implements ReservationStore {
  private readonly events = new Map<string, Reservation>();

  async createUnlessConflict(reservation: Reservation): Promise<void> {
    if (this.events.has(reservation.event_id)) throw new ReservationExistsError(reservation.event_id);
    this.assertNoConflict(reservation);
    this.events.set(reservation.event_id, structuredClone(reservation));
  }

  async replaceUnlessConflict(reservation: Reservation): Promise<void> {
    if (!this.events.has(reservation.event_id)) throw new ReservationNotFoundError(reservation.event_id);
    this.assertNoConflict(reservation);
    this.events.set(reservation.event_id, structuredClone(reservation));
  }

  async putImported(reservation: Reservation): Promise<void> {
    this.events.set(reservation.event_id, structuredClone(reservation));
  }

  async delete(eventId: string): Promise<Reservation | undefined> {
    const existing = this.events.get(eventId);
    this.events.delete(eventId);
    return existing;
  }

  async get(eventId: string): Promise<Reservation | undefined> {
    const existing = this.events.get(eventId);
    return existing && structuredClone(existing);
  }

  async setProject(eventId: string, projectId: string, lastModified: string): Promise<Reservation | undefined> {
    const existing = this.events.get(eventId);
    if (!existing) return undefined;
    existing.project_id = projectId;
    existing.last_modified = lastModified;
    return structuredClone(existing);
  }

  async findOverlapping(site: string, window: Interval): Promise<Reservation[]> {
    return this.select((e) => e.site === site && overlaps(e, window));
  }

  async findActiveAt(site: string, time: string): Promise<Reservation[]> {
    return this.select((e) => e.site === site && isActiveAt(e, time));
  }

  async findByCreatorEndingAfter(creatorId: string, time: string): Promise<Reservation[]> {
    return this.select((e) => e.creator_id === creatorId && e.end > time);
  }

  async findOverlappingJson(site: string, window: Interval): Promise<string[]> {
    return asJsonTexts(await this.findOverlapping(site, window));
  }

  async findByCreatorEndingAfterJson(creatorId: string, time: string): Promise<string[]> {
    return asJsonTexts(await this.findByCreatorEndingAfter(creatorId, time));
  }

  private select(predicate: (event: Reservation) => boolean): Reservation[] {
    return [...this.events.values()].filter(predicate).sort(byStart).map((e) => structuredClone(e));
  }

  private assertNoConflict(candidate: Reservation): void {
    const conflicts = findConflicts(candidate, this.events.values());
    if (conflicts.length > 0) throw new ReservationConflictError(conflicts.map((e) => e.event_id));
  }
}
