import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { IdentityProvider } from './identity-provider.js';
import { startTogether, stopAll } from './teardown.js';

/**
 * An identity provider and DynamoDB Local for a whole test file, started before its first test and
 * stopped after its last: the pair most end-to-end files need. Read them inside tests and hooks.
 */
export function suiteServices(): { readonly idp: IdentityProvider; readonly dynamo: DynamoDbLocal } {
  const services = {} as { idp: IdentityProvider; dynamo: DynamoDbLocal };
  beforeAll(async () => {
    [services.idp, services.dynamo] = await startTogether(new IdentityProvider().start(), startDynamoDbLocal());
  }, 60_000);
  afterAll(() => stopAll(services.idp, services.dynamo));
  return services;
}
