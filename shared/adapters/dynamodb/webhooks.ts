import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UserProfile } from '../../domain/model';
import type { WebhookDelivery, WebhookEndpoint, WebhookStore } from '../../ports/webhooks';
import { fromItem, webhookDeliveryItem } from './items';
import { orgPartition } from './keys/org';
import { userKey } from './keys/user';
import { DELIVERY_PREFIX, deliveryPartition, WEBHOOK_PREFIX, webhookDeliveryKey, webhookEndpointKey } from './keys/webhook';

const notFound = (error: unknown) => error instanceof ConditionalCheckFailedException;

/** The webhook bookkeeping in the table: endpoints (read here, written by `Store.commit`) and deliveries. */
export class DynamoWebhookStore implements WebhookStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listEndpoints(orgId: string): Promise<WebhookEndpoint[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': orgPartition(orgId), ':prefix': WEBHOOK_PREFIX },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((item) => fromItem<WebhookEndpoint>(item)!);
  }

  async getEndpoint(orgId: string, endpointId: string): Promise<WebhookEndpoint | undefined> {
    return this.get<WebhookEndpoint>(webhookEndpointKey(orgId, endpointId));
  }

  async createDelivery(delivery: WebhookDelivery): Promise<WebhookDelivery> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: webhookDeliveryItem(delivery), ConditionExpression: 'attribute_not_exists(pk)' }));
      return delivery;
    } catch (error) {
      if (!notFound(error)) throw error;
      return (await this.getDelivery(delivery.endpointId, delivery.deliveryId))!;
    }
  }

  async getDelivery(endpointId: string, deliveryId: string): Promise<WebhookDelivery | undefined> {
    return this.get<WebhookDelivery>(webhookDeliveryKey(endpointId, deliveryId));
  }

  async saveDelivery(delivery: WebhookDelivery, generation: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: webhookDeliveryItem(delivery),
          ConditionExpression: 'generation = :g',
          ExpressionAttributeValues: { ':g': generation },
        }),
      );
      return true;
    } catch (error) {
      if (!notFound(error)) throw error;
      return false;
    }
  }

  async listDeliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': deliveryPartition(endpointId), ':prefix': DELIVERY_PREFIX },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((item) => fromItem<WebhookDelivery>(item)!);
  }

  async setFailing(orgId: string, endpointId: string, since: string | undefined): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: webhookEndpointKey(orgId, endpointId),
          ...(since
            ? { UpdateExpression: 'SET failingSince = if_not_exists(failingSince, :since)', ExpressionAttributeValues: { ':since': since } }
            : { UpdateExpression: 'REMOVE failingSince' }),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (error) {
      if (!notFound(error)) throw error; // deleted meanwhile: nothing to keep
    }
  }

  async orgAdmins(orgId: string): Promise<string[]> {
    const members = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': orgPartition(orgId), ':prefix': 'MEMBER#' },
        ProjectionExpression: 'email',
      }),
    );
    const emails = (members.Items ?? []).map((m) => String(m.email)).slice(0, 100);
    if (!emails.length) return [];
    const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: emails.map(userKey) } } }));
    const users = (out.Responses?.[this.tableName] ?? []).map((item) => fromItem<UserProfile>(item)!);
    return users.filter((u) => u.role === 'admin' && u.orgId === orgId).map((u) => u.email).sort();
  }

  private async get<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    return fromItem<T>((await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }))).Item);
  }
}
