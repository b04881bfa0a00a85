import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sendDelivery } from '../shared/domain/webhook-delivery';
import type { DeliveryMessage } from '../shared/ports/webhooks';
import { log } from '../shared/adapters/runtime';
import { sendDepsFromEnv, webhookQueueFromEnv } from '../shared/adapters/webhook-runtime';

const deps = sendDepsFromEnv();
const queue = webhookQueueFromEnv();

/**
 * The webhook delivery queue's consumer (SQS FIFO). Each message is one attempt at one delivery.
 * A failed attempt hides its message for its backoff and is reported failed, and so is every
 * later message of its group in the batch (unprocessed), so a grant's events stay in order; other
 * groups go on. An unexpected error leaves the message for the queue's own retry and dead-letter.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const failed: string[] = [];
  const held = new Set<string>();
  for (const record of event.Records) {
    const group = record.attributes.MessageGroupId ?? '';
    if (held.has(group)) {
      failed.push(record.messageId);
      continue;
    }
    try {
      const message = JSON.parse(record.body) as DeliveryMessage;
      const outcome = await sendDelivery(deps, message);
      log.info('webhook delivery', { endpointId: message.endpointId, deliveryId: message.deliveryId, outcome: outcome.result });
      if (outcome.result !== 'retry') continue;
      await queue.retryLater(record.receiptHandle, outcome.afterSeconds);
    } catch (error) {
      log.error('webhook delivery failed; the queue retries it', { messageId: record.messageId, error: String(error) });
    }
    failed.push(record.messageId);
    held.add(group);
  }
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
