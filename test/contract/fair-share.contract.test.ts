/**
 * Fair share over every store, through the write use cases (create, modify, delete, restore, project
 * link) with a FairShare built from BOOKING_RULES: each store gives an allowance condition the
 * owner's own bookings at the site in the write's atomic step, LCO observations left out, so every
 * store accepts and refuses the same writes with the same words. saf keeps Mountain time
 * (America/Denver): nights run from local noon to local noon, weeks from Monday's noon.
 */
import type { ReservationStore } from '../../src/application/ports/reservation-store.port.js';
import { AllowanceExceededError } from '../../src/domain/errors.js';
import type { BookingRules } from '../../src/domain/fair-share.js';
import { utcTimeFromMillis } from '../../src/domain/time.js';
import { aReservation } from '../support/builders.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local.js';
import { admin, fairShareCases, user, type Booked } from '../support/fair-share-cases.js';
import { FixedClock } from '../support/fixed-clock.js';
import { storeAdapters, type StoreUnderTest } from '../support/store-adapters.js';
import { putImported } from '../support/store-writes.js';
import { tempDir } from '../support/temp-dir.js';
import { stopAll } from '../support/teardown.js';

const dir = tempDir('fair-share-');
let dynamo: DynamoDbLocal;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
}, 60_000);
afterAll(() => stopAll(() => dir.remove(), dynamo));

const NOW = '2026-03-01T00:00:00Z';
const alice = user('alice');

/** Half an hour from hour `h` UTC of 21 Mar 2026: every h from 0 to 17 is in saf's night of 20 Mar (18:00Z is noon MDT). */
const slot = (id: string, h: number): Booked => ({ id, start: `2026-03-21T${String(h).padStart(2, '0')}:00:00Z`, end: `2026-03-21T${String(h).padStart(2, '0')}:30:00Z` });

/** The write's refusal: an AllowanceExceededError (409 ALLOWANCE_EXCEEDED at the edge). */
async function refusal(write: Promise<unknown>): Promise<AllowanceExceededError> {
  const error = await write.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AllowanceExceededError);
  expect((error as AllowanceExceededError).code).toBe('ALLOWANCE_EXCEEDED');
  return error as AllowanceExceededError;
}

describe.each(storeAdapters(dir.path, () => dynamo))('fair share: %s', (_name, makeStore) => {
  let subject: StoreUnderTest;
  let store: ReservationStore;
  let clock: FixedClock;
  beforeEach(async () => {
    subject = await makeStore();
    store = subject.store;
    clock = new FixedClock(Date.parse(NOW));
  });
  afterEach(async () => {
    await subject.close();
  });

  const under = (rules: BookingRules) => fairShareCases(store, clock, rules);
  const stored = async (site = 'saf'): Promise<string[]> =>
    (await store.findOverlapping(site, { start: '2026-01-01T00:00:00Z', end: '2027-06-01T00:00:00Z' })).items.map((e) => e.event_id).sort();

  it('per night: hours and bookings of the night, refused with the site, rule, period and numbers', async () => {
    const { create } = under({ default: { per_night: { hours: 4, bookings: 3 } } });
    await create(alice, { id: 'a', start: '2026-03-21T02:00:00Z', end: '2026-03-21T04:00:00Z' });
    await create(alice, { id: 'b', start: '2026-03-21T04:00:00Z', end: '2026-03-21T05:00:00Z' });
    const hours = await refusal(create(alice, { id: 'c', start: '2026-03-21T05:00:00Z', end: '2026-03-21T06:30:00Z' }));
    expect([hours.rule, hours.measure]).toEqual(['per_night', 'hours']);
    expect(hours.message).toBe('At saf you may book 4 h per night; you hold 3 h on the night of 20 Mar 2026, and this booking needs 1.5 h.');
    await create(alice, { id: 'd', start: '2026-03-21T05:00:00Z', end: '2026-03-21T05:30:00Z' });
    const bookings = await refusal(create(alice, { id: 'e', start: '2026-03-21T06:00:00Z', end: '2026-03-21T06:15:00Z' }));
    expect([bookings.rule, bookings.measure]).toEqual(['per_night', 'bookings']);
    expect(bookings.message).toBe('At saf you may make 3 bookings per night; you already have 3 on the night of 20 Mar 2026.');
    // The next night is another period; another user has their own allowance.
    await create(alice, { id: 'f', start: '2026-03-22T02:00:00Z', end: '2026-03-22T06:00:00Z' });
    await create(user('bob'), { id: 'g', start: '2026-03-21T08:00:00Z', end: '2026-03-21T12:00:00Z' });
    expect(await stored()).toEqual(['a', 'b', 'd', 'f', 'g']);
  });

  it('a booking across local midnight counts once, in the night it belongs to', async () => {
    const { create } = under({ default: { per_night: { bookings: 1 } } });
    // 23:00 to 01:00 MDT: the night of 20 Mar only, though it spans two dates.
    await create(alice, { id: 'a', start: '2026-03-21T05:00:00Z', end: '2026-03-21T07:00:00Z' });
    expect((await refusal(create(alice, { id: 'b', start: '2026-03-21T10:00:00Z', end: '2026-03-21T10:30:00Z' }))).message)
      .toBe('At saf you may make 1 booking per night; you already have 1 on the night of 20 Mar 2026.');
    await create(alice, { id: 'c', start: '2026-03-22T03:00:00Z', end: '2026-03-22T04:00:00Z' });
    expect(await stored()).toEqual(['a', 'c']);
  });

  it('a booking across the noon boundary counts in both nights, its hours split between them', async () => {
    const { create } = under({ default: { per_night: { hours: 4 } } });
    // 11:00 to 13:00 MDT on 21 Mar: 1 h of the night of 20 Mar and 1 h of the night of 21 Mar.
    await create(alice, { id: 'noon', start: '2026-03-21T17:00:00Z', end: '2026-03-21T19:00:00Z' });
    await create(alice, { id: 'a', start: '2026-03-21T02:00:00Z', end: '2026-03-21T05:00:00Z' });
    expect((await refusal(create(alice, { id: 'b', start: '2026-03-22T02:00:00Z', end: '2026-03-22T05:30:00Z' }))).message)
      .toBe('At saf you may book 4 h per night; you hold 1 h on the night of 21 Mar 2026, and this booking needs 3.5 h.');
    await create(alice, { id: 'c', start: '2026-03-22T02:00:00Z', end: '2026-03-22T05:00:00Z' });
    expect((await refusal(create(alice, { id: 'd', start: '2026-03-21T05:00:00Z', end: '2026-03-21T05:30:00Z' }))).message)
      .toBe('At saf you may book 4 h per night; you hold 4 h on the night of 20 Mar 2026, and this booking needs 0.5 h.');
    // The first half hour after noon is the new night's, and judged in it.
    expect((await refusal(create(alice, { id: 'e', start: '2026-03-21T18:00:00Z', end: '2026-03-21T18:30:00Z' }))).message)
      .toBe('At saf you may book 4 h per night; you hold 4 h on the night of 21 Mar 2026, and this booking needs 0.5 h.');
    // The last half hour before noon is the old night's.
    expect((await refusal(create(alice, { id: 'f', start: '2026-03-21T17:30:00Z', end: '2026-03-21T18:00:00Z' }))).message)
      .toBe('At saf you may book 4 h per night; you hold 4 h on the night of 20 Mar 2026, and this booking needs 0.5 h.');
    expect(await stored()).toEqual(['a', 'c', 'noon']);
  });

  it('a week is the nights dated Monday to Sunday: it turns at Monday noon on the site\'s clock', async () => {
    const { create } = under({ default: { per_week: { hours: 3 } } });
    // Monday 16 Mar before noon MDT (18:00Z) is still Sunday's night, in the week of 9 Mar.
    await create(alice, { id: 'sun', start: '2026-03-16T03:00:00Z', end: '2026-03-16T05:00:00Z' });
    await create(alice, { id: 'mon-am', start: '2026-03-16T17:00:00Z', end: '2026-03-16T18:00:00Z' });
    await create(alice, { id: 'mon-pm', start: '2026-03-16T18:00:00Z', end: '2026-03-16T19:00:00Z' });
    const last = await refusal(create(alice, { id: 'late', start: '2026-03-16T16:30:00Z', end: '2026-03-16T17:00:00Z' }));
    expect([last.rule, last.message]).toEqual(['per_week', 'At saf you may book 3 h per week; you hold 3 h in the week of 9 Mar 2026, and this booking needs 0.5 h.']);
    await create(alice, { id: 'mon-pm2', start: '2026-03-16T19:00:00Z', end: '2026-03-16T21:00:00Z' });
    expect((await refusal(create(alice, { id: 'tue', start: '2026-03-17T03:00:00Z', end: '2026-03-17T03:30:00Z' }))).message)
      .toBe('At saf you may book 3 h per week; you hold 3 h in the week of 16 Mar 2026, and this booking needs 0.5 h.');
    expect(await stored()).toEqual(['mon-am', 'mon-pm', 'mon-pm2', 'sun']);
  });

  it('across a clock change a night lasts as the clock says: 7 Mar 2026 is 23 h (to 18:00Z), 31 Oct 2026 is 25 h (to 19:00Z)', async () => {
    const spring = under({ default: { per_night: { hours: 23 } } });
    // Noon MST on 7 Mar to noon MDT on 8 Mar: the whole night, 23 h, fits a 23 h allowance.
    await spring.create(alice, { id: 'spring', start: '2026-03-07T19:00:00Z', end: '2026-03-08T18:00:00Z' });
    // 12:00 to 13:00 MDT on 8 Mar is the next night's (with a 24 h night it would be the full one's).
    await spring.create(alice, { id: 'after', start: '2026-03-08T18:00:00Z', end: '2026-03-08T19:00:00Z' });
    // 11:00 to 12:00 MST on 7 Mar is the night before's.
    await spring.create(alice, { id: 'before', start: '2026-03-07T18:00:00Z', end: '2026-03-07T19:00:00Z' });
    expect((await refusal(spring.create(alice, { id: 'inside', start: '2026-03-08T17:30:00Z', end: '2026-03-08T18:00:00Z' }))).message)
      .toBe('At saf you may book 23 h per night; you hold 23 h on the night of 7 Mar 2026, and this booking needs 0.5 h.');

    const autumn = under({ default: { per_night: { hours: 24 } } });
    await autumn.create(alice, { id: 'autumn', start: '2026-10-31T18:00:00Z', end: '2026-11-01T18:00:00Z' });
    // 11:00 to 12:00 MST on 1 Nov: still the night of 31 Oct, its 25th hour.
    expect((await refusal(autumn.create(alice, { id: 'hour25', start: '2026-11-01T18:00:00Z', end: '2026-11-01T19:00:00Z' }))).message)
      .toBe('At saf you may book 24 h per night; you hold 24 h on the night of 31 Oct 2026, and this booking needs 1 h.');
    await autumn.create(alice, { id: 'next', start: '2026-11-01T19:00:00Z', end: '2026-11-01T20:00:00Z' });
    expect(await stored()).toEqual(['after', 'autumn', 'before', 'next', 'spring']);
  });

  it('a modify inside a period is charged only its difference', async () => {
    const { create, modify } = under({ default: { per_night: { hours: 3, bookings: 2 } } });
    await create(alice, { id: 'a', start: '2026-03-21T02:00:00Z', end: '2026-03-21T04:00:00Z' });
    await create(alice, { id: 'b', start: '2026-03-21T04:00:00Z', end: '2026-03-21T05:00:00Z' });
    // The night is full (3 h, 2 bookings): moving a within it, or renaming it, changes nothing charged.
    await modify(alice, 'a', { start: '2026-03-21T08:00:00Z', end: '2026-03-21T10:00:00Z' });
    await modify(alice, 'a', { title: 'renamed' });
    expect((await refusal(modify(alice, 'a', { end: '2026-03-21T10:30:00Z' }))).message)
      .toBe('At saf you may book 3 h per night; you hold 1 h on the night of 20 Mar 2026, and this booking needs 2.5 h.');
    await modify(alice, 'a', { end: '2026-03-21T09:00:00Z' });
    await modify(alice, 'b', { end: '2026-03-21T06:00:00Z' });
    expect((await store.get('a'))).toMatchObject({ start: '2026-03-21T08:00:00Z', end: '2026-03-21T09:00:00Z', title: 'renamed' });
    expect((await store.get('b'))).toMatchObject({ end: '2026-03-21T06:00:00Z' });
  });

  it('a modify across periods is judged in the period it enters and refunds the one it leaves', async () => {
    const { create, modify } = under({ default: { per_night: { bookings: 1 } } });
    await create(alice, { id: 'a', start: '2026-03-21T03:00:00Z', end: '2026-03-21T04:00:00Z' });
    await create(alice, { id: 'b', start: '2026-03-22T03:00:00Z', end: '2026-03-22T04:00:00Z' });
    expect((await refusal(modify(alice, 'a', { start: '2026-03-22T05:00:00Z', end: '2026-03-22T06:00:00Z' }))).message)
      .toBe('At saf you may make 1 booking per night; you already have 1 on the night of 21 Mar 2026.');
    await modify(alice, 'a', { start: '2026-03-23T05:00:00Z', end: '2026-03-23T06:00:00Z' });
    await create(alice, { id: 'c', start: '2026-03-21T03:00:00Z', end: '2026-03-21T04:00:00Z' });
    expect(await stored()).toEqual(['a', 'b', 'c']);
  });

  it('each site counts apart, and a move to another site is judged there and refunds the site it leaves', async () => {
    const { create, modify } = under({ default: { per_night: { hours: 2 } } });
    await create(alice, { id: 'a', start: '2026-03-21T03:00:00Z', end: '2026-03-21T05:00:00Z' });
    // mrc has no place in SITES: its nights are counted in UTC (the night of 20 Mar runs to 12:00Z on 21 Mar).
    await create(alice, { id: 'b', site: 'mrc', start: '2026-03-21T03:00:00Z', end: '2026-03-21T05:00:00Z' });
    expect((await refusal(modify(alice, 'a', { site: 'mrc' }))).message)
      .toBe('At mrc you may book 2 h per night; you hold 2 h on the night of 20 Mar 2026, and this booking needs 2 h.');
    await modify(alice, 'a', { site: 'sqa' });
    await create(alice, { id: 'c', start: '2026-03-21T03:00:00Z', end: '2026-03-21T05:00:00Z' });
    expect([await stored('saf'), await stored('mrc'), await stored('sqa')]).toEqual([['c'], ['b'], ['a']]);
  });

  it('a delete refunds, and a restore is judged like a create', async () => {
    const { create, remove, restore } = under({ default: { per_night: { bookings: 1 } } });
    await create(alice, slot('a', 3));
    await refusal(create(alice, slot('b', 5)));
    await remove(alice, 'a');
    await create(alice, slot('b', 5));
    expect((await refusal(restore(alice, 'a'))).message).toBe('At saf you may make 1 booking per night; you already have 1 on the night of 20 Mar 2026.');
    await remove(alice, 'b');
    expect(await restore(alice, 'a')).toMatchObject({ event_id: 'a', version: 3 });
    expect(await stored()).toEqual(['a']);
  });

  it('rules tightened later touch no booking already made: links, renames, moves that charge nothing and shrinks pass', async () => {
    const loose = under({ default: { per_night: { bookings: 5 } } });
    for (const [id, h] of [['a', 1], ['b', 3], ['c', 5]] as const) await loose.create(alice, slot(id, h));
    const { create, modify, link, remove } = under({ default: { per_night: { bookings: 1, hours: 2 } } });
    // Three bookings against a limit of one now, yet a project link charges nothing.
    expect(await link(alice, 'p1', ['a', 'b'])).toEqual({ updated: ['a', 'b'], missing: [] });
    await modify(alice, 'a', { title: 'still here' });
    await modify(alice, 'c', { start: '2026-03-21T08:00:00Z', end: '2026-03-21T08:30:00Z' });
    await modify(alice, 'b', { end: '2026-03-21T03:15:00Z' });
    // 1.25 h held: lengthening c past 2 h is refused, and so is a new booking, for its count.
    expect((await refusal(modify(alice, 'c', { end: '2026-03-21T09:30:00Z' }))).message)
      .toBe('At saf you may book 2 h per night; you hold 0.75 h on the night of 20 Mar 2026, and this booking needs 1.5 h.');
    expect((await refusal(create(alice, slot('d', 10)))).message)
      .toBe('At saf you may make 1 booking per night; you already have 3 on the night of 20 Mar 2026.');
    await remove(alice, 'a');
    expect(await stored()).toEqual(['b', 'c']);
    expect(await store.get('b')).toMatchObject({ project_id: 'p1', end: '2026-03-21T03:15:00Z' });
  });

  it('roles and groups book under their own rules; an admin is exempt unless BOOKING_RULES names admin', async () => {
    const { create } = under({
      default: { per_night: { bookings: 2 } },
      roles: { students: { per_night: { bookings: 1 } }, staff: 'exempt' },
    });
    const student = user('sam', ['students']);
    await create(student, slot('s1', 0));
    expect((await refusal(create(student, slot('s2', 1)))).message).toBe('At saf you may make 1 booking per night; you already have 1 on the night of 20 Mar 2026.');
    for (const h of [2, 3]) await create(alice, slot(`a${h}`, h));
    await refusal(create(alice, slot('a4', 4)));
    for (const h of [5, 6, 7]) await create(user('sid', ['staff']), slot(`t${h}`, h));
    for (const h of [8, 9, 10]) await create(admin('ada'), slot(`d${h}`, h));
    expect(await stored()).toEqual(['a2', 'a3', 'd10', 'd8', 'd9', 's1', 't5', 't6', 't7']);

    const named = under({ default: { per_night: { bookings: 2 } }, roles: { admin: { per_night: { bookings: 1 } } } });
    await named.create(admin('ed'), slot('e11', 11));
    expect((await refusal(named.create(admin('ed'), slot('e12', 12)))).message)
      .toBe('At saf you may make 1 booking per night; you already have 1 on the night of 20 Mar 2026.');
  });

  it('LCO observations never count, whether an admin books them (in their own name or a user\'s) or the import brings them', async () => {
    const { create } = under({ default: { per_night: { bookings: 1 } }, roles: { admin: { per_night: { bookings: 1 } } } });
    const ada = admin('ada');
    await create(ada, { ...slot('lco-alice', 1), origin: 'LCO', creator_id: 'alice' });
    await create(ada, { ...slot('lco-ada', 2), origin: 'LCO' });
    await create(ada, { ...slot('lco-ada2', 3), origin: 'LCO' });
    await putImported(store, aReservation({
      event_id: 'imported', site: 'saf', creator_id: 'alice', origin: 'LCO', start: '2026-03-21T04:00:00Z', end: '2026-03-21T04:30:00Z', reservation_type: 'observation',
    }));
    await create(alice, slot('mine', 5));
    expect((await refusal(create(alice, slot('mine2', 6)))).message).toBe('At saf you may make 1 booking per night; you already have 1 on the night of 20 Mar 2026.');
    await create(ada, slot('ada-ptr', 7));
    expect((await refusal(create(ada, slot('ada-ptr2', 8)))).message).toBe('At saf you may make 1 booking per night; you already have 1 on the night of 20 Mar 2026.');
    expect(await stored()).toEqual(['ada-ptr', 'imported', 'lco-ada', 'lco-ada2', 'lco-alice', 'mine']);
  });

  it.each([
    ['3 bookings a night', 3, { bookings: 3 }, 'At saf you may make 3 bookings per night; you already have 3 on the night of 20 Mar 2026.'],
    ['4 h a night', 4, { hours: 4 }, 'At saf you may book 4 h per night; you hold 4 h on the night of 20 Mar 2026, and this booking needs 1 h.'],
  ])('20 concurrent 1 h creates by one user in one night, %s: exactly %d accepted', async (_rule, allowed, quota, refused) => {
    const { create } = under({ default: { per_night: quota } });
    // From 18:00Z on 20 Mar (noon MDT) on: every hour is in the night of 20 Mar.
    const hour = (i: number): Booked => ({ id: `c${i}`, start: utcTimeFromMillis(Date.UTC(2026, 2, 20, 18 + i)), end: utcTimeFromMillis(Date.UTC(2026, 2, 20, 19 + i)) });
    const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => create(alice, hour(i))));
    const accepted = settled.filter((r) => r.status === 'fulfilled').length;
    const reasons = new Set(settled.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : [])));
    expect({ accepted, reasons: [...reasons] }).toEqual({ accepted: allowed, reasons: [refused] });
    expect(await stored()).toHaveLength(allowed);
  });

  it('held counts what is booked from now on, to the end of time', async () => {
    const { create } = under({ default: { held: { hours: 3 } } });
    await create(alice, { id: 'a', start: '2026-03-21T03:00:00Z', end: '2026-03-21T05:00:00Z' });
    await create(alice, { id: 'b', start: '2026-06-10T03:00:00Z', end: '2026-06-10T04:00:00Z' });
    const held = await refusal(create(alice, { id: 'c', start: '2027-01-10T03:00:00Z', end: '2027-01-10T03:30:00Z' }));
    expect([held.rule, held.message]).toEqual(['held', 'At saf you may hold 3 h of future bookings at once; you hold 3 h, and this booking needs 0.5 h.']);
    // Once a has passed, it no longer counts.
    clock.set('2026-03-22T00:00:00Z');
    await create(alice, { id: 'c', start: '2027-01-10T03:00:00Z', end: '2027-01-10T03:30:00Z' });
    expect(await stored()).toEqual(['a', 'b', 'c']);
  });
});
