import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { orgKey } from '../../shared/adapters/dynamodb/keys/org';
import { userKey } from '../../shared/adapters/dynamodb/keys/user';
import type { LocalLayout } from './layout';
import { DEMO_PRODUCT_CLIENTS, DEMO_USERS, demoOrgs } from './seed-data';
import { productClientItem } from '../../shared/adapters/dynamodb/items';
import { hashSecret } from '../../shared/domain/product-clients';

/** Puts the demo orgs and users unless they exist; a restart keeps what people changed. */
export async function seedDemoData(client: DynamoDBClient, layout: LocalLayout): Promise<number> {
  const db = createDocumentClient(client);
  const items = [
    ...demoOrgs(layout.stage).map((org) => ({ ...orgKey(org.orgId), type: 'org', ...org })),
    ...DEMO_USERS.map((user) => ({ ...userKey(user.email), type: 'user', ...user })),
    ...DEMO_PRODUCT_CLIENTS.map((c) => productClientItem({ clientId: c.clientId, orgId: c.orgId, secretHash: hashSecret(c.secret), createdAt: new Date().toISOString() })),
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
