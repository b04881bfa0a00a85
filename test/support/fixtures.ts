import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { orgKey } from '../../shared/adapters/dynamodb/keys/org';
import { productClientItem, userItems } from '../../shared/adapters/dynamodb/items';
import { newProductClient } from '../../shared/domain/product-clients';
import { buildOrg } from './org-builder';
import type { Org, UserProfile } from '../../shared/domain/model';
import { testLayout } from './stack-config';
import { eventually } from './eventually';

export const layout = testLayout();

/** Direct access to the test stack's DynamoDB Local, for arranging and for assessing writes. */
export const db = createDocumentClient(
  new DynamoDBClient({ endpoint: layout.urls.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
);

export const uniqueId = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/**
 * A support agent's email no other test file uses (the local staff issuer signs in any
 * `@vendor.test` address), so what an agent sees, and the mail it gets, is this file's alone.
 */
export const uniqueAgent = (name: string) => `${uniqueId(name)}@vendor.test`;

export interface GivenOrg {
  org: Org;
  admin: UserProfile;
  user: UserProfile;
  /** The org's product credentials (introspection, activity). */
  product: { clientId: string; secret: string };
}

/** A fresh org of its own (so tests never see each other's data), with an admin and a user. */
export async function givenOrg(overrides: Partial<Org> = {}, settings: Partial<Org['settings']> = {}): Promise<GivenOrg> {
  const orgId = uniqueId('org');
  const org = buildOrg(orgId, overrides, { authorizedContacts: [`security@${orgId}.test`], ...settings });
  const admin: UserProfile = { email: `admin@${orgId}.test`, orgId, name: 'Test Admin', role: 'admin', level: 'admin', workspaces: 'all' };
  const user: UserProfile = { email: `user@${orgId}.test`, orgId, name: 'Test User', role: 'user', level: 'manage', workspaces: ['sales'] };
  await db.send(new PutCommand({ TableName: layout.tableName, Item: { ...orgKey(orgId), type: 'org', ...org } }));
  // As provisioning stores them: the profile and the membership in the org's partition.
  for (const item of [admin, user].flatMap(userItems)) await db.send(new PutCommand({ TableName: layout.tableName, Item: item }));
  const secret = randomBytes(32).toString('base64url');
  const client = newProductClient(orgId, secret, new Date(), 'test');
  await db.send(new PutCommand({ TableName: layout.tableName, Item: productClientItem(client) }));
  return { org, admin, user, product: { clientId: client.clientId, secret } };
}

/** One more user of an org (its admin and user come with `givenOrg`). */
export async function givenUser(orgId: string, name: string, role: UserProfile['role'] = 'user'): Promise<UserProfile> {
  const user: UserProfile = { email: `${name}@${orgId}.test`, orgId, name, role, level: 'manage', workspaces: 'all' };
  for (const item of userItems(user)) await db.send(new PutCommand({ TableName: layout.tableName, Item: item }));
  return user;
}

/**
 * Everything stored for an org: its partition, its audit trail and its outbox notices.
 * Tests compare snapshots to prove a refused request wrote nothing. (A test-only Scan.)
 */
export async function orgItems(orgId: string): Promise<Record<string, unknown>[]> {
  const partition = async (pk: string) =>
    (await db.send(new QueryCommand({ TableName: layout.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }))).Items ?? [];
  const notices = await noticesOf(orgId);
  // A notice's delivery status changes as the mailer works; what matters is which exist.
  return [...(await partition(`ORG#${orgId}`)), ...(await partition(`AUDIT#${orgId}`)), ...notices.map((n) => ({ pk: n.pk }))];
}

/**
 * The org's outbox notices (a test-only Scan). Notices live in partitions of their own, so every
 * page of the scan is read: one page is at most 1 MB, and the test table grows run after run.
 */
export async function noticesOf(orgId: string): Promise<Record<string, unknown>[]> {
  const notices: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: layout.tableName, FilterExpression: 'orgId = :o AND #t = :n', ExpressionAttributeNames: { '#t': 'type' }, ExpressionAttributeValues: { ':o': orgId, ':n': 'notice' }, ConsistentRead: true, ExclusiveStartKey: start }));
    notices.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return notices;
}

/**
 * Waits until every outbox notice of the org is marked sent. The mailer marks one sent only after
 * its email went out, so once all are, no duplicate can still arrive: counts are final.
 */
export async function allNoticesSent(orgId: string): Promise<void> {
  await eventually(`every notice of ${orgId} to be marked sent`, async () => {
    return (await noticesOf(orgId)).every((n) => n.status === 'sent');
  });
}

export async function getItem(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
  const out = await db.send(new QueryCommand({ TableName: layout.tableName, KeyConditionExpression: 'pk = :pk AND sk = :sk', ExpressionAttributeValues: { ':pk': pk, ':sk': sk }, ConsistentRead: true }));
  return out.Items?.[0];
}

export { eventually };

/** The names of every schedule the local scheduler holds. */
export const schedules = async (): Promise<string[]> =>
  ((await (await fetch(`${layout.urls.scheduler}/schedules`)).json()) as { Schedules: { Name: string }[] }).Schedules.map((s) => s.Name);
