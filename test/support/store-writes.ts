/**
 * The writes tests make on a store, each planned by the domain and committed the way the use cases
 * do it (commitPlanned), so a test drives a store exactly as production does: the store has one
 * write method, commit(plan), and no test calls it with a plan the domain would not make.
 */
import { commitPlanned } from '../../src/application/commit-planned.js';
import type { ReservationStore } from '../../src/application/ports/reservation-store.port.js';
import { ReservationNotFoundError } from '../../src/domain/errors.js';
import type { Change } from '../../src/domain/history.js';
import type { Reservation } from '../../src/domain/reservation.js';
import {
  planCreate, planImport, planModify, planProjectLink, planRemoval, planRestore,
} from '../../src/domain/write-plan.js';

type Writer = Pick<ReservationStore, 'state' | 'commit'>;

/** Who and when (by default the event's creator at its last_modified), and the version expected, if any. */
export interface WriteOptions extends Partial<Change> {
  readonly expectedVersion?: number;
}

/** undefined where the event is not there to change (ReservationNotFoundError). */
async function unlessMissing<T>(attempt: Promise<T>): Promise<T | undefined> {
  try {
    return await attempt;
  } catch (error) {
    if (error instanceof ReservationNotFoundError) return undefined;
    throw error;
  }
}

export async function createUnlessConflict(store: Writer, event: Reservation, change: Partial<Change> = {}): Promise<Reservation> {
  return (await commitPlanned(store, event.event_id, (state) => planCreate(state, event, change))).after!;
}

export async function restoreUnlessConflict(store: Writer, event: Reservation, change: Partial<Change> = {}): Promise<Reservation> {
  return (await commitPlanned(store, event.event_id, (state) => planRestore(state, event, change))).after!;
}

export async function replaceUnlessConflict(store: Writer, event: Reservation, options: WriteOptions = {}): Promise<Reservation> {
  const { expectedVersion, ...change } = options;
  return (await commitPlanned(store, event.event_id, (state) => planModify(state, event, change, expectedVersion))).after!;
}

export async function putImported(store: Writer, event: Reservation): Promise<void> {
  await commitPlanned(store, event.event_id, (state) => planImport(state, event));
}

export async function deleteEvent(store: Writer, eventId: string, options: WriteOptions = {}): Promise<Reservation | undefined> {
  const { expectedVersion, ...change } = options;
  return (await unlessMissing(commitPlanned(store, eventId, (state) => planRemoval(state, eventId, change, expectedVersion))))?.before;
}

export async function setProject(store: Writer, eventId: string, projectId: string, at: string, by?: string): Promise<Reservation | undefined> {
  return (await unlessMissing(commitPlanned(store, eventId, (state) => planProjectLink(state, eventId, projectId, at, by))))?.after ?? undefined;
}
