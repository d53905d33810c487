/**
 * An allowance under a race on SQLite: three server processes (src/bootstrap/main.ts, BOOKING_RULES
 * in their environment, as a deployment configures them) share one SQLite file, and one user sends
 * 20 creates at once, spread over the three. Each create's allowance is checked in its own BEGIN
 * IMMEDIATE transaction, so however the writes interleave across processes (and within one process's
 * group commit) exactly the allowance is accepted and the rest are refused with a 409 that names it.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { addonOption } from '../../src/adapters/sqlite/database.js';
import { utcTimeFromMillis } from '../../src/domain/time.js';
import { killSpawnedServers, spawnServer, type ChildServer } from '../support/child-server.js';
import { IdentityProvider, ISSUER } from '../support/identity-provider.js';
import { tempDir } from '../support/temp-dir.js';

let idp: IdentityProvider;
beforeAll(async () => {
  idp = await new IdentityProvider().start();
});
afterAll(() => idp.stop());
afterEach(killSpawnedServers);

const SITE = 'race';
const CREATES = 20;
const PROCESSES = 3;
const USER = 'google-oauth2|racer';

/** Hour i of the night of 10 Mar 2031 (race has no place in SITES: its nights run from 12:00Z). */
const booking = (i: number) => ({
  event_id: `race-${i}`, site: SITE,
  start: utcTimeFromMillis(Date.UTC(2031, 2, 10, 12 + i)), end: utcTimeFromMillis(Date.UTC(2031, 2, 10, 13 + i)),
});

async function race(rules: object): Promise<{ statuses: Record<number, number>; refusals: string[]; stored: number }> {
  const dir = tempDir('allowance-race-');
  try {
    const dbPath = join(dir.path, 'c.db');
    const servers: ChildServer[] = [];
    // One after the other: the first migrates the new file.
    for (let i = 0; i < PROCESSES; i++) {
      servers.push(await spawnServer({
        SQLITE_PATH: dbPath, AUTH_JWKS_URI: idp.jwksUri, AUTH_ISSUER: ISSUER, IMPORT_ENABLED: 'false', MAX_CONNECTIONS_PER_CLIENT: '0',
        BOOKING_RULES: JSON.stringify(rules),
      }));
    }
    const authorization = `Bearer ${idp.token({ sub: USER })}`;
    const answers = await Promise.all(Array.from({ length: CREATES }, async (_, i) => {
      const response = await fetch(`${servers[i % PROCESSES]!.url}/newevent`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(booking(i)),
      });
      return { status: response.status, text: await response.text() };
    }));
    await killSpawnedServers();
    const statuses: Record<number, number> = {};
    for (const { status } of answers) statuses[status] = (statuses[status] ?? 0) + 1;
    const db = new Database(dbPath, { ...addonOption(), readonly: true });
    const stored = db.prepare('SELECT count(*) FROM events WHERE site = ? AND creator_id = ?').pluck().get(SITE, USER) as number;
    db.close();
    return { statuses, refusals: [...new Set(answers.filter((a) => a.status === 409).map((a) => a.text))], stored };
  } finally {
    dir.remove();
  }
}

it(`${CREATES} concurrent creates by one user through ${PROCESSES} processes on one SQLite file, 3 bookings a night: exactly 3 accepted`, async () => {
  expect(await race({ default: { per_night: { bookings: 3 } } })).toEqual({
    statuses: { 200: 3, 409: CREATES - 3 },
    refusals: ['At race you may make 3 bookings per night; you already have 3 on the night of 10 Mar 2031.'],
    stored: 3,
  });
}, 120_000);

it(`${CREATES} concurrent 1 h creates by one user through ${PROCESSES} processes on one SQLite file, 4 h a night: exactly 4 accepted`, async () => {
  expect(await race({ default: { per_night: { hours: 4 } } })).toEqual({
    statuses: { 200: 4, 409: CREATES - 4 },
    refusals: ['At race you may book 4 h per night; you hold 4 h on the night of 10 Mar 2031, and this booking needs 1 h.'],
    stored: 4,
  });
}, 120_000);
