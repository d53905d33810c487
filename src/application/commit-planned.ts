import { StaleWriteError } from '../domain/errors.js';
import type { EventState, WritePlan } from '../domain/write-plan.js';
import type { ReservationStore } from './ports/reservation-store.port.js';

/**
 * Plans tried on a fresh read before a write that keeps finding its event changed gives up
 * (StaleWriteError, a 503 to retry). Each retry follows another write of the same event that did
 * commit, so eight are only used up by eight such writes racing this one.
 */
export const PLAN_ATTEMPTS = 8;

/**
 * Every write: reads what the store holds under the id, plans the write on it (a pure function of
 * that state: domain/write-plan.ts) and commits the plan. When another write changed the event in
 * between, the store refuses the plan (StaleWriteError) and the write is planned again on what is
 * stored now, so a change is never made on a state it did not see. Returns the committed plan.
 *
 * `assume`: the state to plan the first attempt on, unread, where one is all but certain (a create:
 * an id never used). The commit checks it like any read state, so a wrong guess costs a retry on a
 * real read, never a wrong write; a right one saves the read (on DynamoDB, a round trip).
 */
export async function commitPlanned(
  store: Pick<ReservationStore, 'state' | 'commit'>,
  eventId: string,
  plan: (state: EventState) => WritePlan,
  options: { readonly assume?: EventState } = {},
): Promise<WritePlan> {
  for (let attempt = 1; ; attempt += 1) {
    const planned = plan(attempt === 1 && options.assume ? options.assume : await store.state(eventId));
    try {
      await store.commit(planned);
      return planned;
    } catch (error) {
      if (!(error instanceof StaleWriteError) || attempt >= PLAN_ATTEMPTS) throw error;
    }
  }
}
