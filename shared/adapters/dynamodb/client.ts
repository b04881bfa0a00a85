import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The document client, created once per module. The endpoint comes from the SDK's own
 * `AWS_ENDPOINT_URL_DYNAMODB`, which the local runtime sets to DynamoDB Local. A call that hangs
 * is abandoned after 5 s and retried by the SDK, well inside the functions' 10 s timeout.
 */
export function createDocumentClient(client = new DynamoDBClient({ requestHandler: { connectionTimeout: 2000, requestTimeout: 5000 } })): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}
