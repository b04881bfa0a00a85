import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApprovalToken } from '../../domain/model';
import { tokenItem } from './items';
import type { Outbox } from '../../ports/outbox';
import { noticeKey } from './keys/notice';

/** A claim older than this is taken to be from a sender that died mid-send. */
const STALE_CLAIM_MS = 5 * 60_000;

export class DynamoOutbox implements Outbox {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(noticeId: string, now: Date): Promise<boolean> {
    try {
      await this.db.send(
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
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async markSent(noticeId: string, now: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: noticeKey(noticeId),
        UpdateExpression: 'SET #status = :sent, sentAt = :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':now': now.toISOString() },
      }),
    );
  }

  async saveApprovalToken(token: ApprovalToken): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: tokenItem(token), ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  async release(noticeId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: noticeKey(noticeId),
        UpdateExpression: 'SET #status = :pending REMOVE claimedAt',
        ConditionExpression: '#status = :sending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending', ':sending': 'sending' },
      }),
    ).catch((error) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }
}
