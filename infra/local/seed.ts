import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import type { LocalLayout } from './layout';
import { DEMO_PRODUCT_CLIENTS, DEMO_USERS, demoOrgs } from './seed-data';
import { newOrgItems, productClientItems, userItems, webhookEndpointItem } from '../../shared/adapters/dynamodb/items';
import { LocalSecretBox } from '../../shared/adapters/secret-box';
import { WEBHOOK_EVENT_TYPES } from '../../shared/domain/webhook-events';
import { DEMO_WEBHOOK_SECRET, LOCAL_WEBHOOK_SEAL_KEY } from './layout';
import { hashSecret } from '../../shared/domain/product-clients';

/** Acme's demo webhook: every event, to the local receiver. */
export const DEMO_WEBHOOK = { endpointId: 'wh_demo_acme', path: '/hooks/acme' };

/** Puts the demo orgs and users unless they exist; a restart keeps what people changed. */
export async function seedDemoData(client: DynamoDBClient, layout: LocalLayout): Promise<number> {
  const db = createDocumentClient(client);
  const items = [
    ...demoOrgs(layout.stage).flatMap(newOrgItems),
    ...DEMO_USERS.flatMap(userItems),
    ...DEMO_PRODUCT_CLIENTS.flatMap((c) => productClientItems({ clientId: c.clientId, orgId: c.orgId, secretHash: hashSecret(c.secret), createdAt: new Date().toISOString() })),
    webhookEndpointItem({
      orgId: 'acme',
      endpointId: DEMO_WEBHOOK.endpointId,
      url: `${layout.urls.webhooks}${DEMO_WEBHOOK.path}`,
      kind: 'standard',
      events: [...WEBHOOK_EVENT_TYPES],
      enabled: true,
      sealedSecret: await new LocalSecretBox(LOCAL_WEBHOOK_SEAL_KEY).seal(DEMO_WEBHOOK_SECRET, { orgId: 'acme', endpointId: DEMO_WEBHOOK.endpointId }),
      secretHint: DEMO_WEBHOOK_SECRET.slice(-4),
      createdAt: new Date().toISOString(),
      createdBy: 'admin@acme.test',
      version: 1,
    }),
  ];
  let created = 0;
  for (const item of items) {
    try {
      await db.send(new PutCommand({ TableName: layout.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      created++;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  return created;
}
