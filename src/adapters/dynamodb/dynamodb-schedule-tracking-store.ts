import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ScheduleTracking, ScheduleTrackingStore } from '../../application/ports/schedule-tracking-store.port.js';
import { unavailableWhenTransient } from './unavailable.js';

/** The `<STAGE>-schedule-tracking` table (key `ptr_site`). */
export class DynamoDbScheduleTrackingStore implements ScheduleTrackingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(ptrSite: string): Promise<ScheduleTracking | undefined> {
    const { Item } = await unavailableWhenTransient(
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { ptr_site: ptrSite }, ConsistentRead: true })),
    );
    return Item as ScheduleTracking | undefined;
  }

  async put(tracking: ScheduleTracking): Promise<void> {
    await unavailableWhenTransient(this.client.send(new PutCommand({ TableName: this.tableName, Item: tracking })));
  }
}
