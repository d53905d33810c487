import type { ScheduleTracking, ScheduleTrackingStore } from '../../application/ports/schedule-tracking-store.port.js';

export class InMemoryScheduleTrackingStore implements ScheduleTrackingStore {
  private readonly records = new Map<string, ScheduleTracking>();

  async get(ptrSite: string): Promise<ScheduleTracking | undefined> {
    const record = this.records.get(ptrSite);
    return record && { ...record };
  }

  async put(tracking: ScheduleTracking): Promise<void> {
    this.records.set(tracking.ptr_site, { ...tracking });
  }
}
