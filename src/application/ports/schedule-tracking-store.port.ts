import { token } from '../token.js';
/** What the LCO import last saw for one PTR site (subsite), so it can skip unchanged schedules. */
export interface ScheduleTracking {
  readonly ptr_site: string;
  /** LCO's `last_schedule_time` when this subsite was last imported. */
  readonly last_schedule_time?: string;
  /** When the last full refresh (import regardless of last_schedule_time) ran. */
  readonly last_full_refresh?: string;
  /** Projects whose deletion failed; the next run tries again. */
  readonly pending_project_deletions?: string[];
  /** When the import last ran for this subsite. */
  readonly updated_at: string;
}

export interface ScheduleTrackingStore {
  get(ptrSite: string): Promise<ScheduleTracking | undefined>;
  put(tracking: ScheduleTracking): Promise<void>;
}

export const ScheduleTrackingStoreToken = token<ScheduleTrackingStore>('ScheduleTrackingStore');
