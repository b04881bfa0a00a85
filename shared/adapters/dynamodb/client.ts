import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../time-budget';

/**
 * The document client, created once per module. The endpoint comes from the SDK's own
 * `AWS_ENDPOINT_URL_DYNAMODB`, which the local runtime sets to DynamoDB Local. Timeouts and
 * attempts come from the time budget (`shared/adapters/time-budget.ts`).
 */
export function createDocumentClient(client = new DynamoDBClient(clientConfig('dynamodb'))): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}
