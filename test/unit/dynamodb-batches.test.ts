import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { batchDelete } from '../../shared/adapters/dynamodb/batches';

const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ pk: `ORG#o1`, sk: `ITEM#${i}` }));

describe('batch deletes', () => {
  test('in chunks of 25, one after another; what DynamoDB leaves unprocessed is sent again until none is left', async () => {
    // Prepare: the first request leaves its last two deletes unprocessed
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
    const mock = mockClient(db);
    const deletes = (from: number, to: number) => keys(to).slice(from).map((Key) => ({ DeleteRequest: { Key } }));
    mock.on(BatchWriteCommand).resolvesOnce({ UnprocessedItems: { t: deletes(23, 25) } }).resolves({});

    // Act
    await batchDelete(db, 't', keys(30));

    // Assess: the exact requests, in order
    expect(mock.commandCalls(BatchWriteCommand).map((c) => c.args[0].input)).toEqual([
      { RequestItems: { t: deletes(0, 25) } },
      { RequestItems: { t: deletes(23, 25) } },
      { RequestItems: { t: keys(30).slice(25).map((Key) => ({ DeleteRequest: { Key } })) } },
    ]);
  });
});
