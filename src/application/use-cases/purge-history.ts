import { utcTimeFromMillis } from '../../domain/time.js';
import type { Clock } from '../ports/clock.port.js';
import type { EventJournal } from '../ports/event-journal.port.js';
import type { HistorySettings } from '../settings.js';

/**
 * The retention purge, run on a schedule: forgets the history of events deleted more than
 * HISTORY_RETENTION_DAYS ago (and not restored since). Returns how many events it forgot.
 */
export class PurgeHistory {
  constructor(
    private readonly store: EventJournal,
    private readonly clock: Clock,
    private readonly settings: HistorySettings,
  ) {}

  async execute(): Promise<number> {
    return this.store.purgeHistory(utcTimeFromMillis(this.clock.now() - this.settings.retentionDays * 86_400_000));
  }
}
