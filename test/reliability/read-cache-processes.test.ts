/**
 * The read cache across processes: three server processes share one SQLite file; every change is
 * made through one of them, and right after its 200 every pure read route is asked through all
 * three. Each answer must show the change (a read after an acknowledged write never sees the
 * calendar before it), although the same reads were answered, and kept, just before it. The
 * servers' own counters show that those reads were kept and reused.
 */
import { killSpawnedServers, onSqliteFile, spawnServer, type ChildServer } from '../support/child-server.js';
import { IdentityProvider, ISSUER } from '../support/identity-provider.js';

let idp: IdentityProvider;
beforeAll(async () => {
  idp = await new IdentityProvider().start();
});
afterAll(() => idp.stop());
afterEach(killSpawnedServers);

const SITE = 'rc1';
const DAY = '2031-03-10';
const AT = `${DAY}T04:00:00Z`;
const ALICE = 'google-oauth2|alice';

/** Where the calendar stands: the event and its times, or nothing. */
interface Expected { event?: { id: string; start: string; end: string } }

async function post(server: ChildServer, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const answer = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: answer.status, text: await answer.text() };
}

/** Every pure read route's answer, as the expected state says it must be. */
function expectedAnswers({ event }: Expected): Record<string, unknown> {
  const holds = event !== undefined && event.start <= AT && AT < event.end;
  return {
    '/is-user-scheduled': holds,
    '/does-conflicting-event-exist': false,
    '/get-event-at-time': holds ? [event!.id] : [],
    '/siteevents': event ? [`${event.id} ${event.start}`] : [],
    '/user-events-ending-after-time': event ? [event.id] : [],
  };
}

async function answers(server: ChildServer): Promise<Record<string, unknown>> {
  const ids = (text: string, withStart = false): string[] =>
    (JSON.parse(text) as Array<{ event_id: string; start: string }>).map((e) => (withStart ? `${e.event_id} ${e.start}` : e.event_id));
  const ask = async (path: string, body: unknown): Promise<string> => {
    const answer = await post(server, path, body);
    expect(answer.status).toBe(200);
    return answer.text;
  };
  return {
    '/is-user-scheduled': JSON.parse(await ask('/is-user-scheduled', { user_id: ALICE, site: SITE, time: AT })),
    '/does-conflicting-event-exist': JSON.parse(await ask('/does-conflicting-event-exist', { user_id: ALICE, site: SITE, time: AT })),
    '/get-event-at-time': ids(await ask('/get-event-at-time', { site: SITE, time: AT })),
    '/siteevents': ids(await ask('/siteevents', { site: SITE, start: `${DAY}T00:00:00Z`, end: `${DAY}T23:00:00Z` }), true),
    '/user-events-ending-after-time': ids(await ask('/user-events-ending-after-time', { user_id: ALICE, time: `${DAY}T00:00:00Z` })),
  };
}

async function cacheCounts(server: ChildServer): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const count = (result: string): number => Number(new RegExp(`^calendar_read_cache_total\\{result="${result}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { hit: count('hit'), miss: count('miss') };
}

it('no process answers from before a change another process (or itself) has acknowledged', () => onSqliteFile('read-cache-', async (env) => {
  const servers = await Promise.all([0, 1, 2].map(() => spawnServer({ ...env, AUTH_JWKS_URI: idp.jwksUri, AUTH_ISSUER: ISSUER, IMPORT_ENABLED: 'false', RATE_LIMIT_PER_MINUTE: '0' })));
  const auth = { authorization: `Bearer ${idp.token({ sub: ALICE, name: 'Alice' })}` };
  let checked = 0;
  const allShow = async (expected: Expected): Promise<void> => {
    for (const server of servers) {
      // Twice: the first may compute and keep, the second is answered from what was kept.
      for (let i = 0; i < 2; i++) {
        expect(await answers(server)).toEqual(expectedAnswers(expected));
        checked += 5;
      }
    }
  };
  await allShow({});
  const ROUNDS = 6;
  let writes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const id = `alice-${round}`;
    const through = (step: number): ChildServer => servers[(round + step) % servers.length]!;
    const at = { id, start: `${DAY}T03:00:00Z`, end: `${DAY}T05:00:00Z` };
    expect((await post(through(0), '/newevent', { event_id: id, site: SITE, start: at.start, end: at.end }, auth)).status).toBe(200);
    await allShow({ event: at });
    const away = { id, start: `${DAY}T06:00:00Z`, end: `${DAY}T07:00:00Z` };
    const moved = await post(through(1), '/modifyevent', { originalEvent: { event_id: id }, modifiedEvent: { start: away.start, end: away.end } }, auth);
    expect(moved.status).toBe(200);
    await allShow({ event: away });
    expect((await post(through(2), '/delete', { event_id: id }, auth)).status).toBe(200);
    await allShow({});
    writes += 3;
  }
  const counts = await Promise.all(servers.map(cacheCounts));
  process.stderr.write(`read cache across 3 processes: ${writes} writes, ${checked} answers checked, 0 stale; hits/misses per process ${JSON.stringify(counts)}\n`);
  // Every read was asked twice in a row: the second of each pair came from the cache.
  for (const { hit, miss } of counts) {
    expect(hit).toBeGreaterThanOrEqual((ROUNDS * 3 + 1) * 5);
    expect(miss).toBeGreaterThanOrEqual((ROUNDS * 3 + 1) * 5);
  }
}), 120_000);
