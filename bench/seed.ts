/**
 * A realistic calendar in SQLite for benchmarks: 20 sites over two years, a few hundred users, and
 * LCO imports, conflict-free by construction (each site's timeline is laid out slot after slot).
 */
import { openSqliteDatabase } from '../src/adapters/sqlite/database.js';
import { formatUtcTime } from '../src/domain/time.js';

export interface SeedOptions {
  readonly events: number;
  readonly sites?: number;
  readonly users?: number;
  /** First instant of the seeded range (epoch seconds). */
  readonly from: number;
  readonly days?: number;
}

export const siteName = (i: number): string => `s${String(i).padStart(2, '0')}`;

export function seedCalendar(path: string, options: SeedOptions): { sites: string[]; users: string[] } {
  const sites = Array.from({ length: options.sites ?? 20 }, (_, i) => siteName(i));
  const users = Array.from({ length: options.users ?? 300 }, (_, i) => `google-oauth2|user${i}`);
  const days = options.days ?? 730;
  const perSite = Math.ceil(options.events / sites.length);
  const slot = Math.floor((days * 86_400) / perSite); // seconds of timeline per event
  const db = openSqliteDatabase(path, { synchronous: 'NORMAL' });
  const insert = db.prepare(`INSERT INTO events (event_id, site, start, "end", creator_id, origin, body) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  let seeded = 0;
  let random = 42;
  const next = (): number => ((random = (random * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const batch = db.transaction((site: string, from: number, to: number) => {
    for (let i = from; i < to && seeded < options.events; i++, seeded++) {
      const start = options.from + i * slot + Math.floor(next() * slot * 0.2);
      const end = start + Math.max(60, Math.floor(slot * (0.3 + next() * 0.5)));
      const lco = next() < 0.1;
      const creatorId = lco ? 'tbeccue#LCO' : (users[Math.floor(next() * users.length)] as string);
      const event = {
        event_id: `${site}-${i}`, start: formatUtcTime(start), end: formatUtcTime(end), creator: creatorId, creator_id: creatorId,
        site, resourceId: site, title: lco ? 'Survey (via LCO)' : 'Observing session', reservation_type: lco ? 'project' : 'realtime',
        origin: lco ? 'LCO' : 'PTR', project_id: 'none', reservation_note: '', last_modified: formatUtcTime(options.from),
      };
      insert.run(event.event_id, site, event.start, event.end, creatorId, lco ? 'LCO' : 'PTR', JSON.stringify(event));
    }
  });
  for (const site of sites) for (let i = 0; i < perSite; i += 10_000) batch(site, i, Math.min(perSite, i + 10_000));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { sites, users };
}
