import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryMessage, WebhookQueue } from '../ports/webhooks';

/**
 * The webhook delivery queue: SQS FIFO. One message group per endpoint and order key (a grant),
 * so an endpoint gets a grant's events in order and a failing one holds only its own; the
 * deduplication id names the delivery's round, so a re-sent message within SQS's 5 minutes is
 * dropped (and later duplicates by the consumer, which checks the round).
 */
export class SqsWebhookQueue implements WebhookQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(message: DeliveryMessage): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        MessageGroupId: groupOf(message),
        MessageDeduplicationId: `${message.endpointId}.${message.deliveryId}.${message.generation}`,
      }),
    );
  }

  /** Hides a message that failed for `seconds` (its backoff); SQS's limit is 12 hours. */
  async retryLater(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: Math.min(43_200, Math.max(0, Math.round(seconds))) }));
  }
}

/** SQS allows 128 characters of `[A-Za-z0-9!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~]` in a group id. */
export const groupOf = (m: Pick<DeliveryMessage, 'endpointId' | 'orderKey'>) => `${m.endpointId}.${m.orderKey}`.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128);
