import {
  CreateTableCommand, DescribeTableCommand, ResourceInUseException, ResourceNotFoundException, type CreateTableCommandInput, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

export interface TableNames {
  /** Events: key event_id (HASH) + start (RANGE); GSIs site-end-index and creatorid-end-index. */
  readonly calendar: string;
  /** Schedule tracking: key ptr_site. */
  readonly scheduleTracking: string;
}

export const SITE_END_INDEX = 'site-end-index';
export const CREATOR_END_INDEX = 'creatorid-end-index';

/** The existing production table design, so this service can take it over. */
function calendarTableDefinition(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'event_id', AttributeType: 'S' },
      { AttributeName: 'start', AttributeType: 'S' },
      { AttributeName: 'site', AttributeType: 'S' },
      { AttributeName: 'end', AttributeType: 'S' },
      { AttributeName: 'creator_id', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'event_id', KeyType: 'HASH' },
      { AttributeName: 'start', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: SITE_END_INDEX,
        KeySchema: [{ AttributeName: 'site', KeyType: 'HASH' }, { AttributeName: 'end', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: CREATOR_END_INDEX,
        KeySchema: [{ AttributeName: 'creator_id', KeyType: 'HASH' }, { AttributeName: 'end', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

function scheduleTrackingTableDefinition(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'ptr_site', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'ptr_site', KeyType: 'HASH' }],
  };
}

/** Creates the tables that do not exist yet (local development against DYNAMODB_ENDPOINT), both at once. */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  const definitions = [calendarTableDefinition(names.calendar), scheduleTrackingTableDefinition(names.scheduleTracking)];
  await Promise.all(definitions.map(async (definition) => {
    try {
      await client.send(new DescribeTableCommand({ TableName: definition.TableName }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      try {
        await client.send(new CreateTableCommand(definition));
      } catch (createError) {
        if (!(createError instanceof ResourceInUseException)) throw createError;
      }
    }
  }));
}
