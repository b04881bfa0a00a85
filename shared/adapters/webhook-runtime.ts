import { optionalEnv, requireEnv } from '../config';
import type { PublishDeps, SendDeps } from '../domain/webhook-delivery';
import type { WebhookAdminDeps } from '../domain/webhook-endpoints';
import { newId } from '../ports/ids';
import type { Store } from '../ports/store';
import type { SecretBox, WebhookStore } from '../ports/webhooks';
import { DynamoWebhookStore } from './dynamodb/webhooks';
import { loadedOnFirstUse } from './lazy';
import { openedOnce } from './opened-once';
import { clockFromEnv, documentClient, storeFromEnv } from './runtime';
import type { SqsWebhookQueue } from './sqs-queue';
import { clientConfig } from './time-budget';

/** Webhooks' dependencies, wired from the environment (apart from runtime.ts: only the functions that use them load them). */

/** Plain http and loopback webhook receivers: set only by the local stack (never by CDK). */
const allowLocalReceivers = () => optionalEnv('WEBHOOK_ALLOW_LOCAL') === 'true';

export const webhookStoreFromEnv = (): WebhookStore => new DynamoWebhookStore(documentClient, requireEnv('TABLE_NAME'));

/** Webhook secrets: sealed by KMS in AWS (`WEBHOOK_KEY_ID`), by the local stack's key locally; loaded on first use. */
export function secretBoxFromEnv(): SecretBox {
  const keyId = optionalEnv('WEBHOOK_KEY_ID');
  if (keyId) {
    return loadedOnFirstUse(async () => {
      const [{ KMSClient }, { KmsSecretBox }] = await Promise.all([import('@aws-sdk/client-kms'), import('./secret-box')]);
      return new KmsSecretBox(new KMSClient(clientConfig('kms')), keyId);
    });
  }
  const key = requireEnv('WEBHOOK_SEAL_KEY');
  return loadedOnFirstUse(async () => new (await import('./secret-box')).LocalSecretBox(key));
}

/** What the settings page's webhook forms need (the portal). */
export function webhookAdminDepsFromEnv(store: Store): WebhookAdminDeps {
  return { store, webhooks: webhookStoreFromEnv(), secrets: secretBoxFromEnv(), clock: clockFromEnv(), ids: newId, allowLocalReceivers: allowLocalReceivers() };
}

/** The delivery queue (SQS FIFO; the local stand-in behind the same API locally), loaded with the first message. */
export function webhookQueueFromEnv(): SqsWebhookQueue {
  const url = requireEnv('WEBHOOK_QUEUE_URL');
  return loadedOnFirstUse(async () => {
    const [{ SQSClient }, { SqsWebhookQueue }] = await Promise.all([import('@aws-sdk/client-sqs'), import('./sqs-queue')]);
    return new SqsWebhookQueue(new SQSClient(clientConfig('sqs')), url);
  });
}

/** What publishing audit events as webhook deliveries needs (the stream). */
export function publishDepsFromEnv(): PublishDeps {
  return { webhooks: webhookStoreFromEnv(), queue: webhookQueueFromEnv(), clock: clockFromEnv() };
}

/** What posting deliveries needs (the webhooks function). */
export function sendDepsFromEnv(): SendDeps {
  const local = allowLocalReceivers();
  return {
    webhooks: webhookStoreFromEnv(),
    sender: loadedOnFirstUse(async () => new (await import('./webhook-sender')).SafeWebhookSender({ allowLocalReceivers: local })),
    secrets: openedOnce(secretBoxFromEnv()),
    store: storeFromEnv(),
    clock: clockFromEnv(),
    ids: newId,
  };
}
