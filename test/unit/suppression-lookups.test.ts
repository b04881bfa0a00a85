import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoOutbox } from '../../shared/adapters/dynamodb/outbox';
import { suppressedKey } from '../../shared/adapters/dynamodb/keys/suppressed';
import { BatchSuppressions } from '../../shared/adapters/stream-batch';

/** An outbox whose suppression list is `listed`, counting the lookups it is asked for. */
function countingOutbox(listed: string[]) {
  const asked: string[][] = [];
  return {
    asked,
    async suppressed(addresses: string[]) {
      asked.push([...addresses]);
      return new Set(addresses.filter((a) => listed.includes(a)));
    },
  };
}

describe('a stream batch reads the suppression list once', () => {
  test('the first notice that asks has every recipient of the batch looked up; the others read nothing more', async () => {
    // Prepare
    const outbox = countingOutbox(['b@o2.test']);
    const suppressions = new BatchSuppressions(outbox, ['a@o1.test', 'b@o2.test', 'a@o1.test', 'c@o3.test']);

    // Act
    const answers = await Promise.all([suppressions.suppressed(['a@o1.test']), suppressions.suppressed(['b@o2.test', 'c@o3.test']), suppressions.suppressed(['c@o3.test'])]);

    // Assess
    expect(answers.map((s) => [...s])).toEqual([[], ['b@o2.test'], []]);
    expect(outbox.asked).toEqual([['a@o1.test', 'b@o2.test', 'c@o3.test']]);
  });

  test('an address outside the batch is looked up on its own; a failed lookup is read again by the next ask', async () => {
    const outbox = countingOutbox(['z@o9.test']);
    let failures = 1;
    const flaky = { suppressed: (addresses: string[]) => (failures-- > 0 ? Promise.reject(new Error('ProvisionedThroughputExceededException')) : outbox.suppressed(addresses)) };
    const suppressions = new BatchSuppressions(flaky, ['a@o1.test']);

    await expect(suppressions.suppressed(['a@o1.test'])).rejects.toThrow('ProvisionedThroughputExceededException');
    const again = await suppressions.suppressed(['a@o1.test']);
    const outside = await suppressions.suppressed(['z@o9.test']);

    expect([[...again], [...outside]]).toEqual([[], ['z@o9.test']]);
    expect(outbox.asked).toEqual([['a@o1.test'], ['z@o9.test']]);
  });
});

describe('the DynamoDB outbox reads suppressions in BatchGetItem requests DynamoDB accepts', () => {
  test('250 addresses: three requests of at most 100 keys (projection pk), unprocessed keys read again', async () => {
    // Prepare: address 7 is suppressed; the first request leaves two keys unprocessed once
    const db = mockClient(DynamoDBDocumentClient);
    const addresses = Array.from({ length: 250 }, (_, i) => `user${i}@o.test`);
    let leftOnce = false;
    db.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: { pk: string }[] }> }) => {
      const keys = input.RequestItems.t!.Keys;
      const unprocessed = !leftOnce && keys.length === 100 ? keys.slice(98) : [];
      leftOnce ||= unprocessed.length > 0;
      const read = keys.slice(0, keys.length - unprocessed.length);
      return { Responses: { t: read.filter((k) => k.pk === suppressedKey('user7@o.test').pk).map((k) => ({ pk: k.pk })) }, UnprocessedKeys: unprocessed.length ? { t: { Keys: unprocessed } } : {} };
    });
    const outbox = new DynamoOutbox(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), 't');

    // Act
    const suppressed = await outbox.suppressed([...addresses, 'user7@o.test']);

    // Assess
    const requests = db.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems!.t!);
    expect([...suppressed]).toEqual(['user7@o.test']);
    expect(requests.map((r) => r.Keys!.length)).toEqual([100, 100, 50, 2]);
    expect(requests.every((r) => r.ProjectionExpression === 'pk')).toBe(true);
    db.restore();
  });
});
