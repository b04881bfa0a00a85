import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import type { LocalLayout } from './layout';
import { DEMO_PRODUCT_CLIENTS, DEMO_USERS, demoOrgs } from './seed-data';
import { newOrgItems, productClientItems, userItems } from '../../shared/adapters/dynamodb/items';
import { hashSecret } from '../../shared/domain/product-clients';

/** Puts the demo orgs and users unless they exist; a restart keeps what people changed. */
export async function seedDemoData(client: DynamoDBClient, layout: LocalLayout): Promise<number> {
  const db = createDocumentClient(client);
  const items = [
    ...demoOrgs(layout.stage).flatMap(newOrgItems),
    ...DEMO_USERS.flatMap(userItems),
    ...DEMO_PRODUCT_CLIENTS.flatMap((c) => productClientItems({ clientId: c.clientId, orgId: c.orgId, secretHash: hashSecret(c.secret), createdAt: new Date().toISOString() })),
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
