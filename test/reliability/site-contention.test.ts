/**
 * Contention at one busy site on DynamoDB: every write at a site advances that site's feed head, so
 * concurrent writes at one site take turns even when they touch different days. Three server
 * processes (three Lambda instances) write at one site at once, on a machine made busy by CPU hogs:
 * contention may cost latency but never a refusal. Every write on a day of its own answers 200, the
 * pairs made to overlap answer one 200 and one 409, and the feed holds exactly the writes answered
 * 200, numbered 1, 2, 3, ... without a gap.
 */
import { formatUtcTime } from '../../src/domain/time.js';
import { killSpawnedServers, spawnServer } from '../support/child-server.js';
import { startCpuHog } from '../support/cpu-hog.js';
import { freshTablesEnv } from '../support/dynamodb-local.js';
import { ISSUER } from '../support/identity-provider.js';
import { suiteServices } from '../support/suite-services.js';

const SITE = 'busy';
/** Bookings on days of their own (no real conflict between them). */
const WRITERS = 200;
/** Of those, how many another user tries to double-book at the same moment (a real conflict). */
const CONTESTED = 10;
/** Busy-loop processes beside the test: four per core of this project's 2-core machine. */
const HOGS = 8;
const BASE = Date.parse('2034-01-01T00:00:00Z') / 1000;
const DAY = 86_400;

const services = suiteServices();
afterEach(killSpawnedServers);

it('DynamoDB Local: three server processes writing at one site beside a CPU hog answer 200 (409 for real conflicts), never 503', async () => {
  const env = await freshTablesEnv(services.dynamo.endpoint);
  const servers = await Promise.all([0, 1, 2].map(() => spawnServer({
    AUTH_JWKS_URI: services.idp.jwksUri, AUTH_ISSUER: ISSUER, IMPORT_ENABLED: 'false', LOG_LEVEL: 'info', MAX_CONNECTIONS_PER_CLIENT: '0', ...env,
  })));
  let turn = 0;
  const latencies: number[] = [];
  const post = async (path: string, body: unknown, user?: string): Promise<{ status: number; text: string }> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (user !== undefined) headers.authorization = `Bearer ${services.idp.token({ sub: `google-oauth2|${user}` })}`;
    const started = performance.now();
    const response = await fetch(`${servers[turn++ % servers.length]!.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers });
    const text = await response.text();
    if (path !== '/changes') latencies.push(performance.now() - started);
    return { status: response.status, text };
  };
  const booking = (id: string, day: number, hour: number) => ({
    event_id: id, site: SITE, start: formatUtcTime(BASE + day * DAY + hour * 3600), end: formatUtcTime(BASE + day * DAY + (hour + 1) * 3600),
  });

  const hog = startCpuHog(HOGS);
  const started = performance.now();
  let creates: Array<{ status: number; text: string }>;
  let contested: Array<{ status: number; text: string }>;
  let changes: Array<{ status: number; text: string }>;
  try {
    // Phase 1: every writer books a day of its own; on the first CONTESTED days a rival books the same hour.
    [creates, contested] = await Promise.all([
      Promise.all(Array.from({ length: WRITERS }, (_, i) => post('/newevent', booking(`own-${i}`, i, 1), `writer${i}`))),
      Promise.all(Array.from({ length: CONTESTED }, (_, i) => post('/newevent', booking(`rival-${i}`, i, 1), `rival${i}`))),
    ]);
    // Phase 2: each booking made moves to another day of its own (odd) or is deleted (even), all at once.
    const made = [...creates.keys()].filter((i) => creates[i]!.status === 200);
    changes = await Promise.all(made.map((i) => (i % 2
      ? post('/modifyevent', { originalEvent: { event_id: `own-${i}` }, modifiedEvent: { ...booking(`own-${i}`, WRITERS + i, 3) } }, `writer${i}`)
      : post('/delete', { event_id: `own-${i}` }, `writer${i}`))));
  } finally {
    await hog.stop();
  }
  const elapsedMs = performance.now() - started;

  const count = (results: Array<{ status: number }>): Record<number, number> => {
    const byStatus: Record<number, number> = {};
    for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    return byStatus;
  };
  const writes = [...creates, ...contested, ...changes];
  const unexpected = writes.filter((r) => r.status !== 200 && r.status !== 409).map((r) => `${r.status} ${r.text}`);
  // Each contested day has one booking answered 200 and one 409; every other write 200.
  const pairs = Array.from({ length: CONTESTED }, (_, i) => [creates[i]!.status, contested[i]!.status].sort().join('+'));
  expect({ unexpected, pairs, others: count([...creates.slice(CONTESTED), ...changes]) })
    .toEqual({ unexpected: [], pairs: Array(CONTESTED).fill('200+409'), others: { 200: WRITERS - CONTESTED + changes.length } });
  for (const r of writes.filter((x) => x.status === 409)) expect(r.text).toMatch(/conflict|overlap/i);

  // The site's feed: one entry per write answered 200, numbered without a gap.
  const feed: Array<{ event_id: string; action: string }> = [];
  for (let since: string | undefined; ;) {
    const page = await post('/changes', { site: SITE, limit: 100, ...(since ? { since } : {}) });
    expect(page.status).toBe(200);
    const { changes: entries, next } = JSON.parse(page.text) as { changes: Array<{ event_id: string; action: string }>; next: string };
    if (entries.length === 0) break;
    feed.push(...entries);
    since = next;
  }
  const succeeded = writes.filter((r) => r.status === 200).length;
  expect(feed).toHaveLength(succeeded);

  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number): number => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  process.stderr.write(`site contention (DynamoDB Local, ${HOGS} CPU hogs): ${writes.length} writes at one site through 3 processes ` +
    `(${JSON.stringify(count(writes))}), ${feed.length} feed entries; latency median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms; ` +
    `${Math.round(elapsedMs)} ms in all\n`);
}, 240_000);
