/**
 * Availability (issue 17): a month at a busy site (50 bookings and LCO observations a night on
 * SQLite) through the use case the route calls, JSON included. Cold: a fresh ephemeris, so every
 * night is computed (a process's first request for the month); warm: the nights already known, as
 * for every later request. Beside it, the same window's events as the JSON of /siteevents, in
 * interleaved rounds.
 */
import { join } from 'node:path';
import { AstronomyEngineEphemeris } from '../../src/adapters/ephemeris/astronomy-engine-ephemeris.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/database.js';
import { SqliteReservationStore } from '../../src/adapters/sqlite/sqlite-reservation-store.js';
import { Sky, type SkySettings } from '../../src/application/sky.js';
import { GetAvailability } from '../../src/application/use-cases/sky-queries.js';
import { darkParts } from '../../src/domain/night.js';
import type { Reservation } from '../../src/domain/reservation.js';
import { formatUtcTime } from '../../src/domain/time.js';
import { median, timed, type Harness } from '../harness.js';
import { createUnlessConflict, putImported } from '../../test/support/store-writes.js';

const NIGHTS = 31;
const PER_NIGHT = 50;
const SETTINGS: SkySettings = {
  sites: { busy: { name: 'Busy', latitude: 31.96, longitude: -111.6, elevation_m: 2096, timezone: 'America/Phoenix' } },
  requireNight: false, darkness: 'astronomical',
};
const LIMITS = { maxWindowSeconds: 62 * 86_400, maxEvents: 5000 };
/** Availability answers two years ahead at most: the clock stands in 2031, the month measured. */
const CLOCK = { now: () => Date.parse('2031-01-01T00:00:00Z') };

export async function skySection(h: Harness) {
  const db = openSqliteDatabase(join(h.dir, 'sky.db'));
  const store = new SqliteReservationStore(db);
  const window = { start: '2031-06-01T00:00:00Z', end: '2031-07-02T00:00:00Z' };
  // Each night's astronomical darkness, filled with 5-minute bookings and observations 2 minutes apart.
  const nights = new Sky(new AstronomyEngineEphemeris(), SETTINGS).nights('busy', window)!;
  let n = 0;
  for (const dark of darkParts(nights, 'astronomical').slice(0, NIGHTS)) {
    const from = Date.parse(dark.start) / 1000;
    for (let i = 0; i < PER_NIGHT && from + (i + 1) * 420 < Date.parse(dark.end) / 1000; i++) {
      const start = from + i * 420;
      const event: Reservation = {
        event_id: `e${++n}`, start: formatUtcTime(start), end: formatUtcTime(start + 300), site: 'busy', resourceId: 'busy',
        creator: i % 2 ? 'LCO' : 'Ada', creator_id: i % 2 ? 'lco-scheduler' : `google-oauth2|user${i}`, origin: i % 2 ? 'LCO' : 'PTR',
        reservation_type: i % 2 ? 'project' : 'realtime', project_id: 'none', title: `booking ${n}`, reservation_note: '',
        last_modified: '2031-05-01T00:00:00Z', version: 1,
      };
      if (event.origin === 'LCO') await putImported(store, event);
      else await createUnlessConflict(store, event);
    }
  }
  const warm = new GetAvailability(store, new Sky(new AstronomyEngineEphemeris(), SETTINGS), LIMITS, CLOCK);
  const ask = { site: 'busy', ...window };
  const sample = await warm.execute(ask);
  const answer = async (useCase: GetAvailability) => JSON.stringify(await useCase.execute(ask));
  const cold = () => answer(new GetAvailability(store, new Sky(new AstronomyEngineEphemeris(), SETTINGS), LIMITS, CLOCK));
  const siteevents = async () => (await store.findOverlapping('busy', window)).toJson().text;

  const coldMs: number[] = [];
  const warmMs: number[] = [];
  const listMs: number[] = [];
  const iterations = Math.max(21, h.settings.rounds * 21);
  for (let i = 0; i < iterations; i++) {
    // Which goes first alternates, so that warming up favours neither.
    const order = i % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
    for (const which of order) {
      if (which === 0) coldMs.push(await timed(cold));
      else if (which === 1) warmMs.push(await timed(() => answer(warm)));
      else listMs.push(await timed(siteevents));
    }
  }
  const ms = (samples: number[]): number => Math.round(median(samples) * 100) / 100;
  const row = {
    nights: sample.nights.length, events: n, free_pieces: sample.free.length,
    cold_ms: ms(coldMs), warm_ms: ms(warmMs), siteevents_ms: ms(listMs),
    warm_vs_siteevents: Math.round((median(warmMs) / median(listMs)) * 100) / 100,
  };
  h.log(`sky: /availability for a month (${row.nights} nights, ${row.events} events, ${row.free_pieces} free pieces) in ${row.warm_ms} ms ` +
    `(${row.cold_ms} ms with every night computed), /siteevents of the same window ${row.siteevents_ms} ms (median of ${iterations})`);
  db.close();
  return row;
}
