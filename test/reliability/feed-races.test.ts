/**
 * The change feed under concurrent writers: users book, move and delete at two sites all at once
 * through three server processes sharing one store (a SQLite file, or DynamoDB Local tables: three
 * Lambda instances), while a reader follows each site's feed through the same processes. What the
 * reader collected, and what a reader starting afterwards collects, must each be exactly the set of
 * changes that were answered 200: no duplicate, no gap, each event's versions in order. Each entry
 * shows its event as it was when read (at the site, or nothing): read afterwards, as it ended.
 */
import { formatUtcTime } from '../../src/domain/time.js';
import { killSpawnedServers, onSqliteFile, spawnServer } from '../support/child-server.js';
import { freshTablesEnv } from '../support/dynamodb-local.js';
import { ISSUER } from '../support/identity-provider.js';
import { suiteServices } from '../support/suite-services.js';

const SITES = ['fda', 'fdb'];
const USERS = 24;
const BASE = Date.parse('2033-03-01T00:00:00Z') / 1000;

const services = suiteServices();
afterEach(killSpawnedServers);

interface Change { event_id: string; version: number; action: string; event: { site: string; start: string } | null }
const key = (c: { event_id: string; version: number; action: string }): string => `${c.event_id}@${c.version}:${c.action}`;

async function feedRace(env: Record<string, string>): Promise<string> {
  const servers = await Promise.all([0, 1, 2].map(() => spawnServer({
    AUTH_JWKS_URI: services.idp.jwksUri, AUTH_ISSUER: ISSUER, IMPORT_ENABLED: 'false', LOG_LEVEL: 'info', MAX_CONNECTIONS_PER_CLIENT: '0', ...env,
  })));
  let turn = 0;
  const post = async (path: string, body: unknown, user?: number) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (user !== undefined) headers.authorization = `Bearer ${services.idp.token({ sub: `google-oauth2|feeder${user}` })}`;
    const response = await fetch(`${servers[turn++ % servers.length]!.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers });
    return { status: response.status, text: await response.text(), etag: response.headers.get('etag') };
  };

  // What was answered 200, per site: the changes the feed must hold.
  const committed = new Map<string, Set<string>>(SITES.map((s) => [s, new Set()]));
  /** Where each event ended: its site, or null once deleted. */
  const finalSite = new Map<string, string | null>();
  const statuses: number[] = [];
  const writer = async (user: number): Promise<void> => {
    const site = SITES[user % SITES.length]!;
    const other = SITES[(user + 1) % SITES.length]!;
    const id = `feed-${user}`;
    const at = (hours: number) => formatUtcTime(BASE + user * 86_400 + hours * 3600);
    const created = await post('/newevent', { event_id: id, site, start: at(1), end: at(2) }, user);
    statuses.push(created.status);
    if (created.status !== 200) return;
    committed.get(site)!.add(key({ event_id: id, version: 1, action: 'created' }));
    finalSite.set(id, site);
    // Odd users move to the other site, so both feeds get an entry (the one left, with no event).
    const moved = await post('/modifyevent', { originalEvent: { event_id: id }, modifiedEvent: { start: at(3), end: at(4), ...(user % 2 ? { site: other } : {}) } }, user);
    statuses.push(moved.status);
    if (moved.status !== 200) return;
    const now = user % 2 ? other : site;
    for (const s of new Set([site, now])) committed.get(s)!.add(key({ event_id: id, version: 2, action: 'modified' }));
    finalSite.set(id, now);
    if (user % 3 === 0) {
      const deleted = await post('/delete', { event_id: id }, user);
      statuses.push(deleted.status);
      if (deleted.status === 200) {
        committed.get(now)!.add(key({ event_id: id, version: 3, action: 'deleted' }));
        finalSite.set(id, null);
      }
    }
  };

  /** Follows a site's feed until `done` and then until it is drained; returns what it read. */
  const follower = async (site: string, done: () => boolean): Promise<Change[]> => {
    const read: Change[] = [];
    let since: string | undefined;
    for (;;) {
      const finished = done();
      if (!finished && read.length > 0) pagesWhileWriting += 1;
      const res = await post('/changes', { site, limit: 7, ...(since ? { since } : {}) });
      expect(res.status).toBe(200);
      const page = JSON.parse(res.text) as { changes: Change[]; next: string };
      read.push(...page.changes);
      since = page.next;
      if (finished && page.changes.length === 0) return read;
    }
  };

  let writing = true;
  let pagesWhileWriting = 0;
  const followers = SITES.map((site) => follower(site, () => !writing));
  await Promise.all(Array.from({ length: USERS }, (_, u) => writer(u)));
  writing = false;
  const live = await Promise.all(followers);
  const afterwards = await Promise.all(SITES.map((site) => follower(site, () => true)));

  expect(statuses.filter((s) => s !== 200)).toEqual([]);
  SITES.forEach((site, i) => {
    for (const read of [live[i]!, afterwards[i]!]) {
      const keys = read.map(key);
      expect(new Set(keys).size).toBe(keys.length); // no duplicates
      expect(new Set(keys)).toEqual(committed.get(site)); // no gaps, nothing uncommitted
      // Each event's entries come in version order, a creation first.
      const byEvent = new Map<string, Change[]>();
      for (const c of read) byEvent.set(c.event_id, [...(byEvent.get(c.event_id) ?? []), c]);
      for (const entries of byEvent.values()) {
        const heads = entries.map((c) => c.version);
        expect(heads).toEqual([...heads].sort((a, b) => a - b));
      }
      // Each entry shows the event as it was when read, and only while it was at this site.
      for (const c of read) expect(c.event === null ? site : c.event.site).toBe(site);
    }
    expect(afterwards[i]!.map(key)).toEqual(live[i]!.map(key));
    // Read after the writes, every entry carries the event as it ended: here, or nothing.
    for (const c of afterwards[i]!) expect(c.event?.site ?? null).toBe(finalSite.get(c.event_id) === site ? site : null);
  });
  const total = [...committed.values()].reduce((n, s) => n + s.size, 0);
  return `${statuses.length} writes through 3 processes, ${total} feed entries at ${SITES.length} sites, ` +
    `followed live (${pagesWhileWriting} polls while writing) and afterwards: equal to the committed changes, 0 duplicates, 0 gaps`;
}

it('SQLite: three processes on one file', async () => {
  process.stderr.write(`feed race (SQLite): ${await onSqliteFile('feed-races-', feedRace)}\n`);
}, 120_000);

it('DynamoDB Local: three processes on one table', async () => {
  process.stderr.write(`feed race (DynamoDB Local): ${await feedRace(await freshTablesEnv(services.dynamo.endpoint))}\n`);
}, 180_000);
