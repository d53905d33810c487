/**
 * Races over HTTP: 60 users book, then move their bookings, into contested intervals at three sites,
 * all at once, through three server processes sharing one store (a SQLite file, or DynamoDB Local
 * tables: three processes stand for three Lambda instances). Each contested interval must end with
 * exactly one winning creator, every loser gets 409, nobody gets a 5xx, and the store holds no
 * overlapping pair of different creators.
 */
import { formatUtcTime } from '../../src/domain/time.js';
import { killSpawnedServers, onSqliteFile, spawnServer } from '../support/child-server.js';
import { freshTablesEnv } from '../support/dynamodb-local.js';
import { ISSUER } from '../support/identity-provider.js';
import { suiteServices } from '../support/suite-services.js';

const USERS = 60;
const SITES = ['saf', 'mrc1', 'eco1'];
const SLOTS = 5;
const BASE = Date.parse('2032-05-01T00:00:00Z') / 1000;
const HOUR = 3600;

const services = suiteServices();
afterEach(killSpawnedServers);

interface Stored { event_id: string; start: string; end: string; creator_id: string; title: string }
interface Attempt { user: number; site: string; slot: string; eventId: string; start: number; end: number }

/** Round-robin over the servers; returns status and body text. */
function client(urls: string[]) {
  let next = 0;
  return async (path: string, body: unknown, user?: number): Promise<{ status: number; text: string }> => {
    const url = urls[next++ % urls.length] as string;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (user !== undefined) headers.authorization = `Bearer ${services.idp.token({ sub: `google-oauth2|racer${user}` })}`;
    const response = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body), headers });
    return { status: response.status, text: await response.text() };
  };
}

const event = (a: Attempt) => ({
  event_id: a.eventId, site: a.site, start: formatUtcTime(a.start), end: formatUtcTime(a.end), title: `race ${a.eventId}`, reservation_type: 'realtime',
});

async function race(storageEnv: () => Promise<Record<string, string>>): Promise<string> {
  const env = await storageEnv();
  const servers = await Promise.all([0, 1, 2].map(() => spawnServer({
    AUTH_JWKS_URI: services.idp.jwksUri, AUTH_ISSUER: ISSUER, IMPORT_ENABLED: 'false', LOG_LEVEL: 'info', ...env,
    // Every user comes from 127.0.0.1 here, as through a reverse proxy: no per-address connection cap.
    MAX_CONNECTIONS_PER_CLIENT: '0',
  })));
  const post = client(servers.map((s) => s.url));
  let random = 7;
  const jitter = (): number => ((random = (random * 48_271) % 2_147_483_647) % 1200) - 600; // ±10 min

  // Phase 1: every user tries three slots; each slot's contenders all cover its midpoint.
  const creates: Attempt[] = [];
  for (let u = 0; u < USERS; u++) {
    for (let k = 0; k < 3; k++) {
      const site = SITES[(u + k) % SITES.length] as string;
      const slot = (u * 3 + k) % SLOTS;
      const mid = BASE + slot * 4 * HOUR + HOUR;
      creates.push({ user: u, site, slot: `${site}#${slot}`, eventId: `race-${u}-${k}`, start: mid - HOUR / 2 + jitter(), end: mid + HOUR / 2 + jitter() });
    }
  }
  const createResults = await Promise.all(creates.map((a) => post('/newevent', event(a), a.user)));

  // Phase 2: every winner tries to move its booking into its site's contested evening, where other
  // users are creating new bookings at the same moment.
  const winners = creates.filter((_, i) => createResults[i]?.status === 200);
  const moves = winners.map((w) => {
    const mid = BASE + 2 * 86_400 + SITES.indexOf(w.site) * 3 * HOUR;
    return { ...w, slot: `${w.site}#evening`, start: mid - HOUR + jitter(), end: mid + HOUR + jitter() };
  });
  const intruders: Attempt[] = SITES.flatMap((site, s) => [0, 1, 2, 3].map((i) => {
    const mid = BASE + 2 * 86_400 + s * 3 * HOUR;
    return { user: 40 + s * 4 + i, site, slot: `${site}#evening`, eventId: `intruder-${site}-${i}`, start: mid - HOUR / 2 + jitter(), end: mid + HOUR / 2 + jitter() };
  }));
  const [moveResults, intruderResults] = await Promise.all([
    Promise.all(moves.map((m) => {
      const original = creates.find((c) => c.eventId === m.eventId) as Attempt;
      return post('/modifyevent', { originalEvent: event(original), modifiedEvent: event(m) }, m.user);
    })),
    Promise.all(intruders.map((a) => post('/newevent', event(a), a.user))),
  ]);

  // Every answer is 200 or 409 (a conflict) — never a 5xx, never anything else.
  const all = [...createResults, ...moveResults, ...intruderResults];
  const statuses = new Map<number, number>();
  for (const r of all) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  expect({ statuses: [...statuses.keys()].sort(), others: all.filter((r) => r.status !== 200 && r.status !== 409).map((r) => `${r.status} ${r.text}`) })
    .toEqual({ statuses: [200, 409], others: [] });
  for (const r of all.filter((x) => x.status === 409)) expect(r.text).toMatch(/conflict|overlap/i);

  // Exactly one winning creator per contested interval.
  const winnersBySlot = new Map<string, Set<number>>();
  const record = (a: Attempt, ok: boolean): void => {
    if (!ok) return;
    winnersBySlot.set(a.slot, (winnersBySlot.get(a.slot) ?? new Set()).add(a.user));
  };
  creates.forEach((a, i) => record(a, createResults[i]?.status === 200));
  const contested = new Set(creates.map((a) => a.slot));
  for (const slot of contested) expect(winnersBySlot.get(slot)?.size).toBe(1);
  const evening = new Map<string, Set<number>>();
  moves.forEach((m, i) => moveResults[i]?.status === 200 && evening.set(m.slot, (evening.get(m.slot) ?? new Set()).add(m.user)));
  intruders.forEach((a, i) => intruderResults[i]?.status === 200 && evening.set(a.slot, (evening.get(a.slot) ?? new Set()).add(a.user)));
  for (const site of SITES) expect(evening.get(`${site}#evening`)?.size).toBe(1);

  // The store: no overlapping pair of different creators; a move that lost left its event whole.
  const stored: Stored[] = [];
  for (const site of SITES) {
    const r = await post('/siteevents', { site, start: formatUtcTime(BASE - 86_400), end: formatUtcTime(BASE + 5 * 86_400) });
    stored.push(...(JSON.parse(r.text) as Stored[]).map((e) => ({ ...e, site } as Stored & { site: string })));
  }
  let overlaps = 0;
  for (const a of stored) {
    for (const b of stored) {
      const sa = (a as Stored & { site: string }).site;
      const sb = (b as Stored & { site: string }).site;
      if (a.event_id < b.event_id && sa === sb && a.creator_id !== b.creator_id && a.start < b.end && b.start < a.end) overlaps += 1;
    }
  }
  expect(overlaps).toBe(0);
  moves.forEach((m, i) => {
    const kept = stored.find((e) => e.event_id === m.eventId);
    const original = creates.find((c) => c.eventId === m.eventId) as Attempt;
    const expected = moveResults[i]?.status === 200 ? m : original;
    expect(kept).toMatchObject({ start: formatUtcTime(expected.start), end: formatUtcTime(expected.end), title: `race ${m.eventId}` });
  });
  expect(stored).toHaveLength(winners.length + intruderResults.filter((r) => r.status === 200).length);
  return `${all.length} requests (${statuses.get(200)} × 200, ${statuses.get(409)} × 409) through 3 processes; ` +
    `${contested.size + SITES.length} contested intervals, one winner each; ${stored.length} events stored, 0 overlapping pairs`;
}

it('SQLite: three server processes on one file', async () => {
  const summary = await onSqliteFile('races-', (env) => race(async () => env));
  process.stderr.write(`races (SQLite): ${summary}\n`);
}, 120_000);

it('DynamoDB Local: three server processes on one table', async () => {
  const summary = await race(() => freshTablesEnv(services.dynamo.endpoint));
  process.stderr.write(`races (DynamoDB Local): ${summary}\n`);
}, 180_000);

/**
 * Concurrent conditional modifies of one event through three processes: in each round every client
 * sends If-Match with the version it read, so exactly one wins per version and the rest get 412.
 */
async function conditionalRace(env: Record<string, string>): Promise<string> {
  const servers = await Promise.all([0, 1, 2].map(() => spawnServer({
    AUTH_JWKS_URI: services.idp.jwksUri, AUTH_ISSUER: ISSUER, IMPORT_ENABLED: 'false', LOG_LEVEL: 'info', MAX_CONNECTIONS_PER_CLIENT: '0', ...env,
  })));
  const token = `Bearer ${services.idp.token({ sub: 'google-oauth2|editor', roles: ['admin'] })}`;
  const send = (i: number, path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${servers[i % servers.length]!.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { authorization: token, ...headers } })
      .then(async (r) => ({ status: r.status, etag: r.headers.get('etag'), text: await r.text() }));
  const created = await send(0, '/newevent', { event_id: 'contested-edit', site: 'edit', start: '2031-05-01T01:00:00Z', end: '2031-05-01T02:00:00Z' });
  expect(created.status).toBe(200);
  const ROUNDS = 5;
  const CLIENTS = 12;
  for (let version = 1; version <= ROUNDS; version++) {
    const results = await Promise.all(Array.from({ length: CLIENTS }, (_, c) => send(c, '/modifyevent', {
      originalEvent: { event_id: 'contested-edit' }, modifiedEvent: { title: `round ${version} by client ${c}` },
    }, { 'if-match': `"${version}"` })));
    const won = results.filter((r) => r.status === 200);
    expect({ version, won: won.length, others: results.filter((r) => r.status !== 200).map((r) => r.status) })
      .toEqual({ version, won: 1, others: Array(CLIENTS - 1).fill(412) });
    expect(won[0]!.etag).toBe(`"${version + 1}"`);
  }
  const stored = await fetch(`${servers[0]!.url}/get-event-at-time`, { method: 'POST', body: JSON.stringify({ site: 'edit', time: '2031-05-01T01:30:00Z' }) })
    .then((r) => r.json() as Promise<Array<{ version: number; title: string }>>);
  expect(stored.map((e) => e.version)).toEqual([ROUNDS + 1]);
  expect(stored[0]!.title).toMatch(new RegExp(`^round ${ROUNDS} by client \\d+$`));
  return `${ROUNDS} rounds of ${CLIENTS} conditional modifies through 3 processes: one 200 and ${CLIENTS - 1} × 412 each`;
}

it('SQLite: concurrent conditional modifies of one event, exactly one wins per version', async () => {
  process.stderr.write(`conditional race (SQLite): ${await onSqliteFile('conditional-', conditionalRace)}\n`);
}, 120_000);

it('DynamoDB Local: concurrent conditional modifies of one event, exactly one wins per version', async () => {
  process.stderr.write(`conditional race (DynamoDB Local): ${await conditionalRace(await freshTablesEnv(services.dynamo.endpoint))}\n`);
}, 120_000);
