/**
 * The sky's use cases over a real ephemeris and the in-memory store: availability (nights, darkness,
 * min_minutes, sites without coordinates, the window limits) and the inside-the-night rule on create
 * and modify (REQUIRE_NIGHT, a site's own flag and darkness, who is exempt).
 */
import { AstronomyEngineEphemeris, computeNight } from '../../src/adapters/ephemeris/astronomy-engine-ephemeris.js';
import { InMemoryReservationStore } from '../../src/adapters/memory/in-memory-reservation-store.js';
import { Sky, type SkySettings } from '../../src/application/sky.js';
import { CreateReservation } from '../../src/application/use-cases/create-reservation.js';
import { ModifyReservation } from '../../src/application/use-cases/modify-reservation.js';
import { GetAvailability, ListSites } from '../../src/application/use-cases/sky-queries.js';
import type { Actor } from '../../src/domain/actor.js';
import { InvalidInputError, TooManyResultsError } from '../../src/domain/errors.js';
import type { SiteLocation } from '../../src/domain/night.js';
import { addSeconds } from '../../src/domain/time.js';
import { aNewEventBody, aReservation } from '../support/builders.js';
import { FixedClock } from '../support/fixed-clock.js';
import { createUnlessConflict, putImported } from '../support/store-writes.js';

const alice: Actor = { kind: 'user', sub: 'alice', name: 'Alice', isAdmin: false };
const admin: Actor = { kind: 'user', sub: 'root', name: 'Root', isAdmin: true };

const KITT_PEAK: SiteLocation = { name: 'Kitt Peak', latitude: 31.96, longitude: -111.6, elevation_m: 2096, timezone: 'America/Phoenix' };
const SIDING_SPRING: SiteLocation = { name: 'Siding Spring', latitude: -31.27, longitude: 149.06, elevation_m: 1165, timezone: 'Australia/Sydney' };
/** The night beginning at Kitt Peak's solar noon on 2031-06-20 (its dusk falls on the 21st, UTC). */
const NIGHT = computeNight(KITT_PEAK, '2031-06-20');
const NEXT = computeNight(KITT_PEAK, '2031-06-21');

function setUp(settings: Partial<SkySettings> = {}, maxEvents = 2000) {
  const store = new InMemoryReservationStore();
  // Availability answers a year back and two years ahead of the clock: 2031 is inside.
  const clock = new FixedClock(Date.parse('2031-01-01T00:00:00Z'));
  const sky = new Sky(new AstronomyEngineEphemeris(), {
    sites: { kpk: KITT_PEAK, ssp: { ...SIDING_SPRING, require_night: false } }, requireNight: false, darkness: 'astronomical', ...settings,
  });
  const rules = { maxDurationSeconds: 24 * 3600 };
  return {
    store, sky,
    create: new CreateReservation(store, clock, rules, sky),
    modify: new ModifyReservation(store, clock, rules, sky),
    availability: new GetAvailability(store, sky, { maxWindowSeconds: 62 * 86_400, maxEvents }, clock),
    sites: new ListSites(store, sky),
  };
}

describe('availability', () => {
  const window = { site: 'kpk', start: '2031-06-20T12:00:00Z', end: '2031-06-22T12:00:00Z' };

  it("gives each night overlapping the window, the ephemeris's times in canonical UTC", async () => {
    const { availability } = setUp();
    const answer = await availability.execute(window);
    expect(answer.night_times).toBe('known');
    const { span: _s, noonAltitude: _n, midnightAltitude: _m, ...events } = NIGHT;
    expect(answer.nights).toContainEqual(events);
    for (const night of answer.nights) {
      for (const t of [night.sunset, night.astronomical_dusk, night.sunrise]) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  it('the free time is the dark part of each night minus the bookings; nautical and civil nights are longer; any is the window', async () => {
    const { availability, store } = setUp();
    const booked = { start: addSeconds(NIGHT.astronomical_dusk!, 3600), end: addSeconds(NIGHT.astronomical_dusk!, 7200) };
    await createUnlessConflict(store, aReservation({ site: 'kpk', ...booked }));
    await putImported(store, aReservation({ event_id: 'lco-1', site: 'kpk', origin: 'LCO', creator_id: 'tbeccue#LCO', start: NEXT.astronomical_dusk!, end: addSeconds(NEXT.astronomical_dusk!, 600) }));
    const free = async (darkness?: string) => (await availability.execute({ ...window, ...(darkness ? { darkness } : {}) })).free;
    expect(await free()).toEqual([
      { start: NIGHT.astronomical_dusk, end: booked.start }, { start: booked.end, end: NIGHT.astronomical_dawn },
      { start: addSeconds(NEXT.astronomical_dusk!, 600), end: NEXT.astronomical_dawn },
    ]);
    expect((await free('nautical'))[0]).toEqual({ start: NIGHT.nautical_dusk, end: booked.start });
    expect((await free('civil')).at(-1)).toEqual({ start: addSeconds(NEXT.astronomical_dusk!, 600), end: NEXT.civil_dawn });
    expect(await free('any')).toEqual([
      { start: window.start, end: booked.start }, { start: booked.end, end: NEXT.astronomical_dusk }, { start: addSeconds(NEXT.astronomical_dusk!, 600), end: window.end },
    ]);
  });

  it('min_minutes drops the shorter pieces', async () => {
    const { availability, store } = setUp();
    const gapStart = addSeconds(NIGHT.astronomical_dusk!, 3600);
    await createUnlessConflict(store, aReservation({ event_id: 'a', site: 'kpk', start: NIGHT.astronomical_dusk!, end: gapStart }));
    await createUnlessConflict(store, aReservation({ event_id: 'b', site: 'kpk', start: addSeconds(gapStart, 20 * 60), end: addSeconds(gapStart, 3600) }));
    const pieces = async (min: number) => (await availability.execute({ ...window, minMinutes: min })).free;
    expect(await pieces(20)).toContainEqual({ start: gapStart, end: addSeconds(gapStart, 20 * 60) });
    expect(await pieces(21)).not.toContainEqual({ start: gapStart, end: addSeconds(gapStart, 20 * 60) });
    expect((await pieces(21)).length).toBe((await pieces(20)).length - 1);
  });

  it('a site without coordinates says night times are unknown, and its free time is the window but for bookings', async () => {
    const { availability, store } = setUp();
    await createUnlessConflict(store, aReservation({ site: 'tst', start: '2031-06-21T00:00:00Z', end: '2031-06-21T01:00:00Z' }));
    expect(await availability.execute({ ...window, site: 'tst' })).toEqual({
      site: 'tst', night_times: 'unknown', nights: [],
      free: [{ start: window.start, end: '2031-06-21T00:00:00Z' }, { start: '2031-06-21T01:00:00Z', end: window.end }],
    });
  });

  it('refuses a darkness it does not know, a window past the /siteevents limit, and more events than the list limit', async () => {
    const { availability, store } = setUp({}, 1);
    await expect(availability.execute({ ...window, darkness: 'dusk' })).rejects.toThrow(new InvalidInputError('Invalid darkness: expected one of astronomical, nautical, civil, any'));
    await expect(availability.execute({ ...window, end: '2031-09-20T12:00:00Z' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(availability.execute({ ...window, end: window.start })).rejects.toBeInstanceOf(InvalidInputError);
    for (const hour of [1, 3]) await createUnlessConflict(store, aReservation({ event_id: `e${hour}`, site: 'kpk', start: `2031-06-21T0${hour}:00:00Z`, end: `2031-06-21T0${hour + 1}:00:00Z` }));
    await expect(availability.execute(window)).rejects.toBeInstanceOf(TooManyResultsError);
  });

  it('southern winter at Siding Spring: a long night, dusk before dawn, all inside the window asked', async () => {
    const { availability } = setUp();
    const answer = await availability.execute({ site: 'ssp', start: '2031-06-20T00:00:00Z', end: '2031-06-21T00:00:00Z' });
    expect(answer.free.length).toBeGreaterThan(0);
    const hours = answer.free.reduce((sum, p) => sum + (Date.parse(p.end) - Date.parse(p.start)) / 3.6e6, 0);
    expect(hours).toBeGreaterThan(9);
    for (const p of answer.free) expect(p.start >= '2031-06-20T00:00:00Z' && p.end <= '2031-06-21T00:00:00Z').toBe(true);
  });
});

describe('the sites listing', () => {
  it('lists the configured sites in order with their places and rule, and the sites with events', async () => {
    const { sites, store } = setUp({ requireNight: true });
    await createUnlessConflict(store, aReservation({ site: 'tst' }));
    expect(await sites.execute()).toEqual({
      sites: [
        { site: 'kpk', name: 'Kitt Peak', latitude: 31.96, longitude: -111.6, elevation_m: 2096, timezone: 'America/Phoenix', require_night: true },
        { site: 'ssp', name: 'Siding Spring', latitude: -31.27, longitude: 149.06, elevation_m: 1165, timezone: 'Australia/Sydney', require_night: false },
      ],
      with_events: ['tst'],
    });
  });
});

describe('booking inside the night', () => {
  const inNight = { start: addSeconds(NIGHT.astronomical_dusk!, 600), end: addSeconds(NIGHT.astronomical_dusk!, 4200) };
  const inTwilight = { start: addSeconds(NIGHT.nautical_dusk!, 60), end: addSeconds(NIGHT.astronomical_dusk!, 1200) };
  const inDay = { start: addSeconds(NIGHT.sunrise!, 3600), end: addSeconds(NIGHT.sunrise!, 7200) };
  const body = (site: string, times: { start: string; end: string }) => aNewEventBody({ site, ...times });

  it('off by default: a daytime booking is taken, as before', async () => {
    const { create } = setUp();
    await expect(create.execute({ actor: alice, event: body('kpk', inDay) })).resolves.toMatchObject(inDay);
  });

  it("REQUIRE_NIGHT: a booking outside the night is a 400 naming the night's bounds; one inside is taken", async () => {
    const { create } = setUp({ requireNight: true });
    const refusal = `Bookings at kpk must lie inside the night (astronomical darkness): the nearest night there runs from ${NIGHT.astronomical_dusk} to ${NIGHT.astronomical_dawn}.`;
    await expect(create.execute({ actor: alice, event: body('kpk', inDay) })).rejects.toThrow(new InvalidInputError(
      `Bookings at kpk must lie inside the night (astronomical darkness): the nearest night there runs from ${NEXT.astronomical_dusk} to ${NEXT.astronomical_dawn}.`));
    await expect(create.execute({ actor: alice, event: body('kpk', inTwilight) })).rejects.toThrow(new InvalidInputError(refusal));
    await expect(create.execute({ actor: alice, event: body('kpk', inNight) })).resolves.toMatchObject(inNight);
  });

  it('refuses a booking outside the years whose nights it computes (1900 to 2199), instead of failing', async () => {
    const { create } = setUp({ requireNight: true });
    await expect(create.execute({ actor: alice, event: body('kpk', { start: '9999-12-30T03:00:00Z', end: '9999-12-30T04:00:00Z' }) }))
      .rejects.toThrow(new InvalidInputError('Bookings at kpk must lie inside the night, and its nights are known from 1900-01-01T00:00:00Z to 2200-01-01T00:00:00Z only.'));
    await expect(create.execute({ actor: alice, event: body('kpk', { start: '1899-12-31T03:00:00Z', end: '1899-12-31T04:00:00Z' }) })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('NIGHT_DARKNESS nautical takes the nautical twilight too', async () => {
    const { create } = setUp({ requireNight: true, darkness: 'nautical' });
    await expect(create.execute({ actor: alice, event: body('kpk', inTwilight) })).resolves.toMatchObject(inTwilight);
  });

  it("a site's own flag wins over REQUIRE_NIGHT either way; a site without coordinates is never refused", async () => {
    const { create } = setUp({ requireNight: true, sites: { kpk: { ...KITT_PEAK, require_night: false }, ssp: { ...SIDING_SPRING, require_night: true, darkness: 'civil' } } });
    await expect(create.execute({ actor: alice, event: body('kpk', inDay) })).resolves.toMatchObject(inDay);
    await expect(create.execute({ actor: alice, event: body('ssp', { start: '2031-06-20T03:00:00Z', end: '2031-06-20T04:00:00Z' }) }))
      .rejects.toThrow(/^Bookings at ssp must lie inside the night \(civil darkness\)/);
    await expect(create.execute({ actor: alice, event: body('tst', inDay) })).resolves.toMatchObject(inDay);
  });

  it('admins are exempt, LCO events they write by hand included', async () => {
    const { create } = setUp({ requireNight: true });
    await expect(create.execute({ actor: admin, event: body('kpk', inDay) })).resolves.toMatchObject(inDay);
    const lco = { start: addSeconds(inDay.end, 60), end: addSeconds(inDay.end, 600) };
    await expect(create.execute({ actor: admin, event: { ...body('kpk', lco), origin: 'LCO' } })).resolves.toMatchObject(lco);
  });

  it('a modify that moves a booking out of the night is refused and changes nothing; one that stays inside is taken', async () => {
    const { create, modify, store } = setUp({ requireNight: true });
    const event = await create.execute({ actor: alice, event: body('kpk', inNight) });
    await expect(modify.execute({ actor: alice, originalEvent: { event_id: event.event_id }, modifiedEvent: inDay })).rejects.toBeInstanceOf(InvalidInputError);
    expect(await store.get(event.event_id)).toMatchObject({ ...inNight, version: 1 });
    const later = { start: addSeconds(inNight.start, 1800), end: addSeconds(inNight.end, 1800) };
    await expect(modify.execute({ actor: alice, originalEvent: { event_id: event.event_id }, modifiedEvent: later })).resolves.toMatchObject({ ...later, version: 2 });
    // An admin may move it anywhere.
    await expect(modify.execute({ actor: admin, originalEvent: { event_id: event.event_id }, modifiedEvent: inDay })).resolves.toMatchObject(inDay);
  });
});
