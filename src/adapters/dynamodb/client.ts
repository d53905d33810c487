import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

interface DynamoDbConnection {
  readonly region: string;
  /** A local endpoint (DynamoDB Local); unset on AWS. */
  readonly endpoint?: string;
  /**
   * How long one attempt may wait for an answer. The SDK's default is to wait forever, so a hung
   * connection would hold a request (and a Lambda's whole invocation) until its own timeout.
   */
  readonly requestTimeoutMs?: number;
}

/** DynamoDB answers in milliseconds; seconds of silence mean the attempt is lost and worth retrying. */
const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
const CONNECTION_TIMEOUT_MS = 2_000;

export function createDynamoDbClients(connection: DynamoDbConnection): { raw: DynamoDBClient; doc: DynamoDBDocumentClient } {
  const raw = new DynamoDBClient({
    region: connection.region,
    requestHandler: {
      // Without it the SDK only logs a warning when the timeout passes, and goes on waiting.
      throwOnRequestTimeout: true,
      requestTimeout: connection.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      connectionTimeout: Math.min(CONNECTION_TIMEOUT_MS, connection.requestTimeoutMs ?? CONNECTION_TIMEOUT_MS),
    },
    ...(connection.endpoint
      ? { endpoint: connection.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  const doc = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return { raw, doc };
}
