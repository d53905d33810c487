/**
 * The one write loop: a plan refused as stale is made again on a fresh read, a bounded number of
 * times, so a write racing others on one event costs at most PLAN_ATTEMPTS reads and commits,
 * never an unbounded loop; and an assumed first state is used once, unread.
 */
import { commitPlanned, PLAN_ATTEMPTS } from '../../src/application/commit-planned.js';
import { StaleWriteError } from '../../src/domain/errors.js';
import { planCreate, type EventState, type WritePlan } from '../../src/domain/write-plan.js';
import { aReservation } from '../support/builders.js';

const event = aReservation({ event_id: 'loop' });

function storeThatIsAlwaysStale() {
  const calls = { state: 0, commit: 0 };
  return {
    calls,
    store: {
      state: async (): Promise<EventState> => {
        calls.state += 1;
        return { kind: 'unused' };
      },
      commit: async (plan: WritePlan): Promise<void> => {
        calls.commit += 1;
        throw new StaleWriteError(plan.eventId);
      },
    },
  };
}

it('gives up with StaleWriteError after PLAN_ATTEMPTS plans, each on a fresh read', async () => {
  const { store, calls } = storeThatIsAlwaysStale();
  await expect(commitPlanned(store, 'loop', (state) => planCreate(state, event))).rejects.toBeInstanceOf(StaleWriteError);
  expect(PLAN_ATTEMPTS).toBe(8);
  expect(calls).toEqual({ state: PLAN_ATTEMPTS, commit: PLAN_ATTEMPTS });
});

it('plans the first attempt on an assumed state without reading it, and reads for every later one', async () => {
  const { store, calls } = storeThatIsAlwaysStale();
  await expect(commitPlanned(store, 'loop', (state) => planCreate(state, event), { assume: { kind: 'unused' } })).rejects.toBeInstanceOf(StaleWriteError);
  expect(calls).toEqual({ state: PLAN_ATTEMPTS - 1, commit: PLAN_ATTEMPTS });
});

it('does not retry a refusal that is not staleness', async () => {
  const { store, calls } = storeThatIsAlwaysStale();
  store.commit = async () => {
    calls.commit += 1;
    throw new Error('disk full');
  };
  await expect(commitPlanned(store, 'loop', (state) => planCreate(state, event))).rejects.toThrow('disk full');
  expect(calls).toEqual({ state: 1, commit: 1 });
});
