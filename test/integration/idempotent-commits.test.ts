import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoStore } from '../../shared/adapters/dynamodb/store';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { givenOrg, layout, orgItems } from '../support/fixtures';

/**
 * Finding: transactions carried no ClientRequestToken, so an SDK retry after a timeout (the first
 * attempt having landed) could write an audit event and an email twice.
 */
describe('a commit retried by the SDK writes once', () => {
  test('replaying the very request (same token) changes nothing: one audit event, one notice', async () => {
    // Prepare: a store whose client keeps what it sent
    const given = await givenOrg();
    const sent: TransactWriteCommand[] = [];
    const client = createDocumentClient(new DynamoDBClient({ endpoint: layout.urls.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    client.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand') sent.push(args.input as never);
      return next(args);
    }, { step: 'initialize', name: 'keep-transactions' });
    const store = new DynamoStore(client, layout.tableName);
    const before = (await orgItems(given.org.orgId)).length;
    // Act: a change, then its exact request again (as the SDK retries a timed-out one)
    await store.commit({
      orgId: given.org.orgId,
      writes: [],
      audit: [{ at: new Date().toISOString(), actor: { type: 'system', id: 'test' }, action: 'test.replayed', target: { type: 'org', id: given.org.orgId } }],
      notices: [{ noticeId: `replay-${given.org.orgId}`, orgId: given.org.orgId, template: 'org-welcome', to: [given.admin.email], createdAt: new Date().toISOString(), data: { orgName: 'x' } }],
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ ClientRequestToken: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    await client.send(new TransactWriteCommand(sent[0] as never));
    // Assess
    const items = await orgItems(given.org.orgId);
    expect(items.filter((i) => i.action === 'test.replayed')).toHaveLength(1);
    expect(items.filter((i) => String(i.pk) === `NOTICE#replay-${given.org.orgId}`)).toHaveLength(1);
    expect(items.length - before).toBe(3); // the chain head, the event, the notice
  });
});
