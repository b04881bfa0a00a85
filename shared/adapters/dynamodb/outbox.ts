import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApprovalToken } from '../../domain/model';
import type { Notice } from '../../domain/notices';
import { fromItem, tokenItem } from './items';
import type { DeliveryProgress, Outbox } from '../../ports/outbox';
import { approvalTokenKey } from './keys/approval-token';
import { noticeKey } from './keys/notice';
import { suppressedKey } from './keys/suppressed';
import { batchGet } from './batches';

/** A claim older than this is taken to be from a sender that died mid-send. */
const STALE_CLAIM_MS = 5 * 60_000;

const progressOf = (item: Record<string, unknown> | undefined): DeliveryProgress => ({
  sentTo: (item?.sentTo as string[] | undefined) ?? [],
  failedTo: (item?.failedTo as string[] | undefined) ?? [],
});

export class DynamoOutbox implements Outbox {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getNotice(noticeId: string): Promise<Notice | undefined> {
    return fromItem<Notice>((await this.db.send(new GetCommand({ TableName: this.tableName, Key: noticeKey(noticeId), ConsistentRead: true }))).Item);
  }

  async claim(noticeId: string, now: Date): Promise<DeliveryProgress | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: noticeKey(noticeId),
          UpdateExpression: 'SET #status = :sending, claimedAt = :now',
          ConditionExpression: '#status = :pending OR (#status = :sending AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':pending': 'pending',
            ':now': now.toISOString(),
            ':stale': new Date(now.getTime() - STALE_CLAIM_MS).toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return progressOf(out.Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async progress(noticeId: string, progress: DeliveryProgress): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: noticeKey(noticeId),
        UpdateExpression: 'SET sentTo = :sent, failedTo = :failed',
        ExpressionAttributeValues: { ':sent': progress.sentTo, ':failed': progress.failedTo },
      }),
    );
  }

  async release(noticeId: string, progress: DeliveryProgress): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: noticeKey(noticeId),
          UpdateExpression: 'SET #status = :pending, sentTo = :sent, failedTo = :failed REMOVE claimedAt',
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':sending': 'sending', ':sent': progress.sentTo, ':failed': progress.failedTo },
        }),
      )
      .catch((error) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  async finish(noticeId: string, status: 'sent' | 'failed', progress: DeliveryProgress, at: Date, by: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: noticeKey(noticeId),
        // Leaves the re-drive index: nothing more to do for it.
        UpdateExpression: `SET #status = :status, ${status}At = :at, sentTo = :sent, failedTo = :failed${by === 'sweep' ? ', redrivenBy = :by' : ''} REMOVE claimedAt, gsi2pk, gsi2sk`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':at': at.toISOString(), ':sent': progress.sentTo, ':failed': progress.failedTo, ...(by === 'sweep' ? { ':by': by } : {}) },
      }),
    );
  }

  async saveApprovalToken(token: ApprovalToken): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: tokenItem(token), ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  async activateApprovalToken(tokenHash: string): Promise<void> {
    await this.db.send(new UpdateCommand({ TableName: this.tableName, Key: approvalTokenKey(tokenHash), UpdateExpression: 'REMOVE unsent', ConditionExpression: 'attribute_exists(pk)' }));
  }

  async suppressed(addresses: string[]): Promise<Set<string>> {
    const unique = [...new Set(addresses)];
    if (!unique.length) return new Set();
    const found = new Set((await batchGet(this.db, this.tableName, unique.map(suppressedKey), { projection: 'pk' })).map((i) => String(i.pk)));
    return new Set(unique.filter((a) => found.has(suppressedKey(a).pk)));
  }
}
