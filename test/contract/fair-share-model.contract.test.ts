/**
 * Fair share against a model, over every store: random sequences of creates, moves and deletes by
 * three users at saf, under small allowances (per night, per week, rolling, held), through the use
 * cases. The model is written here from the rules' words, not from the domain: it keeps each user's
 * bookings and accepts a write when no other user's booking overlaps it and the writer's bookings
 * after it stay within every allowance in every period. The rules never tighten during a run, so
 * "charged only its difference" and "within every limit" accept the same writes; a store must accept
 * exactly those, and what it holds after each run must be within every limit.
 */
import fc from 'fast-check';
import { AllowanceExceededError, ReservationConflictError } from '../../src/domain/errors.js';
import type { BookingRules } from '../../src/domain/fair-share.js';
import type { Reservation } from '../../src/domain/reservation.js';
import { utcTimeFromMillis } from '../../src/domain/time.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { fairShareCases, user } from '../support/fair-share-cases.js';
import { FixedClock } from '../support/fixed-clock.js';
import { storeAdapters } from '../support/store-adapters.js';
import { tempDir } from '../support/temp-dir.js';
import { stopAll } from '../support/teardown.js';

const dir = tempDir('fair-share-model-');
let dynamo: DynamoDbLocal;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, 60_000);
afterAll(() => stopAll(() => dir.remove(), dynamo));

const HOUR = 3_600_000;
const HALF_HOUR = HOUR / 2;
/**
 * In June 2026 saf keeps MDT (UTC-6) throughout: its nights begin at 18:00Z. The bookings fall from
 * the night of Friday 5 Jun to that of Tuesday 9 Jun, across the week that begins on Monday 8 Jun.
 */
const NOON = 18 * HOUR;
const FIRST_START = Date.UTC(2026, 5, 5) + NOON;
const SLOTS = 5 * 48;
const NOW = Date.UTC(2026, 5, 1);

/** Each allowance, or none (null): a run under one rule alone is refused by that rule. */
interface Limits {
  night: { hours: number; bookings: number } | null;
  weekHours: number | null;
  rolling: { nights: number; bookings: number } | null;
  heldHours: number | null;
}

const rulesOf = (l: Limits): BookingRules => ({
  default: {
    per_night: l.night,
    per_week: l.weekHours === null ? null : { hours: l.weekHours },
    rolling: l.rolling,
    held: l.heldHours === null ? null : { hours: l.heldHours },
  },
});

interface Span {
  start: number;
  end: number;
}

/** Night n: from noon (18:00Z) of day n since the epoch to the next noon. */
const nightSpan = (n: number, nights = 1): Span => ({ start: n * 24 * HOUR + NOON, end: (n + nights) * 24 * HOUR + NOON });
const nightOf = (ms: number): number => Math.floor((ms - NOON) / (24 * HOUR));
/** Day 0 of the epoch was a Thursday: a night's Monday is (n + 3) mod 7 nights before it. */
const mondayOf = (night: number): number => night - ((night + 3) % 7);

/** The periods to check: every night, week and rolling window that any booking of the run can touch, and the future. */
function periods(l: Limits): Array<{ span: Span; hours: number | null; bookings: number | null }> {
  const first = nightOf(FIRST_START) - 1;
  const last = nightOf(FIRST_START + (SLOTS + 8) * HALF_HOUR) + 1;
  const all: Array<{ span: Span; hours: number | null; bookings: number | null }> = [];
  for (let n = first - 7; n <= last; n++) {
    if (l.night) all.push({ span: nightSpan(n), hours: l.night.hours, bookings: l.night.bookings });
    if (l.weekHours !== null && n === mondayOf(n)) all.push({ span: nightSpan(n, 7), hours: l.weekHours, bookings: null });
    if (l.rolling) all.push({ span: nightSpan(n, l.rolling.nights), hours: null, bookings: l.rolling.bookings });
  }
  if (l.heldHours !== null) all.push({ span: { start: NOW, end: Number.MAX_SAFE_INTEGER }, hours: l.heldHours, bookings: null });
  return all;
}

function withinLimits(bookings: Span[], l: Limits): boolean {
  return periods(l).every(({ span, hours, bookings: most }) => {
    const inside = bookings.map((b) => Math.max(0, Math.min(b.end, span.end) - Math.max(b.start, span.start))).filter((ms) => ms > 0);
    return (hours === null || inside.reduce((a, b) => a + b, 0) <= hours * HOUR) && (most === null || inside.length <= most);
  });
}

type Model = Map<string, Span & { owner: string }>;

/** What the model makes of a write of `id` by `owner` over `span` (a create, or a move of its own booking). */
function judge(model: Model, id: string, owner: string, span: Span, l: Limits): 'ok' | 'conflict' | 'allowance' {
  const others = [...model.entries()].filter(([other]) => other !== id);
  if (others.some(([, b]) => b.owner !== owner && b.start < span.end && span.start < b.end)) return 'conflict';
  const mine = [...others.filter(([, b]) => b.owner === owner).map(([, b]) => b), span];
  return withinLimits(mine, l) ? 'ok' : 'allowance';
}

const USERS = ['u0', 'u1', 'u2'];
async function outcome(write: Promise<unknown>): Promise<'ok' | 'conflict' | 'allowance'> {
  try {
    await write;
    return 'ok';
  } catch (error) {
    if (error instanceof ReservationConflictError) return 'conflict';
    if (error instanceof AllowanceExceededError) return 'allowance';
    throw error;
  }
}

const limits = fc.record({
  night: fc.option(fc.record({ hours: fc.constantFrom(2, 3, 4), bookings: fc.integer({ min: 1, max: 3 }) }), { nil: null }),
  weekHours: fc.option(fc.constantFrom(2, 3, 4), { nil: null }),
  rolling: fc.option(fc.record({ nights: fc.integer({ min: 2, max: 3 }), bookings: fc.integer({ min: 1, max: 3 }) }), { nil: null }),
  heldHours: fc.option(fc.constantFrom(3, 4, 5), { nil: null }),
});
const slot = fc.record({ at: fc.integer({ min: 0, max: SLOTS - 1 }), halves: fc.integer({ min: 1, max: 4 }) });
const op = fc.record({
  kind: fc.constantFrom('create', 'create', 'move', 'delete'),
  user: fc.integer({ min: 0, max: USERS.length - 1 }),
  pick: fc.nat(),
  slot,
});

describe.each(storeAdapters(dir.path, () => dynamo))('fair share against a model: %s', (name, makeStore) => {
  it('accepts exactly the writes the model accepts, and never holds a user over a limit', async () => {
    await fc.assert(
      fc.asyncProperty(limits, fc.array(op, { minLength: 4, maxLength: 16 }), async (l, ops) => {
        const subject = await makeStore();
        try {
          const cases = fairShareCases(subject.store, new FixedClock(NOW), rulesOf(l));
          const model: Model = new Map();
          for (const [i, { kind, user: u, pick, slot: { at, halves } }] of ops.entries()) {
            const owner = USERS[u]!;
            const actor = user(owner);
            const span = { start: FIRST_START + at * HALF_HOUR, end: FIRST_START + (at + halves) * HALF_HOUR };
            const own = [...model.entries()].filter(([, b]) => b.owner === owner).map(([id]) => id);
            if (kind !== 'create' && own.length === 0) continue;
            const id = kind === 'create' ? `${owner}-${i}` : own[pick % own.length]!;
            if (kind === 'delete') {
              await cases.remove(actor, id);
              model.delete(id);
              continue;
            }
            const expected = judge(model, id, owner, span, l);
            const times = { start: utcTimeFromMillis(span.start), end: utcTimeFromMillis(span.end) };
            const got = await outcome(kind === 'create' ? cases.create(actor, { id, ...times }) : cases.modify(actor, id, times));
            expect([i, kind, got]).toEqual([i, kind, expected]);
            if (got === 'ok') model.set(id, { ...span, owner });
          }
          const stored: readonly Reservation[] = (await subject.store.findOverlapping('saf', { start: '2026-06-01T00:00:00Z', end: '2026-07-01T00:00:00Z' })).items;
          expect(stored.map((e) => [e.event_id, e.start, e.end]).sort()).toEqual(
            [...model.entries()].map(([id, b]) => [id, utcTimeFromMillis(b.start), utcTimeFromMillis(b.end)]).sort(),
          );
          for (const owner of USERS) {
            const held = stored.filter((e) => e.creator_id === owner).map((e) => ({ start: Date.parse(e.start), end: Date.parse(e.end) }));
            expect([owner, withinLimits(held, l)]).toEqual([owner, true]);
          }
        } finally {
          await subject.close();
        }
      }),
      { numRuns: name.startsWith('dynamodb') ? 25 : 40 },
    );
  }, 240_000);
});
