import type { ScheduleTracking, ScheduleTrackingStore } from '../../application/ports/schedule-tracking-store.port.js';
import type { SqliteDatabase } from './database.js';

export class SqliteScheduleTrackingStore implements ScheduleTrackingStore {
  private readonly select;
  private readonly upsert;

  constructor(db: SqliteDatabase) {
    this.select = db.prepare<[string], { body: string }>('SELECT body FROM schedule_tracking WHERE ptr_site = ?');
    this.upsert = db.prepare<[string, string]>(
      'INSERT INTO schedule_tracking (ptr_site, body) VALUES (?, ?) ON CONFLICT (ptr_site) DO UPDATE SET body = excluded.body',
    );
  }

  async get(ptrSite: string): Promise<ScheduleTracking | undefined> {
    const row = this.select.get(ptrSite);
    return row && (JSON.parse(row.body) as ScheduleTracking);
  }

  async put(tracking: ScheduleTracking): Promise<void> {
    this.upsert.run(tracking.ptr_site, JSON.stringify(tracking));
  }
}
