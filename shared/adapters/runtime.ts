import { KMSClient } from '@aws-sdk/client-kms';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { stackClock, systemClock, type Clock } from '../domain/clock';
import type { GrantDeps } from '../domain/grant-service';
import { limitsFromEnv, optionalEnv, requireEnv } from '../config';
import type { TokenSigner } from '../ports/token-signer';
import { KmsSigner } from './kms-signer';
import { LocalKeySigner } from './local-key-signer';
import { newId } from '../ports/ids';
import { createDocumentClient } from './dynamodb/client';
import { DynamoStore } from './dynamodb/store';
import { EventBridgeScheduler } from './scheduler';
import type { Scheduler } from '../ports/scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { DeliveryDeps } from '../domain/notice-delivery';
import { renderNotice } from '../mail/templates';
import { DynamoOutbox } from './dynamodb/outbox';
import { fromHeader, SesMailer } from './ses-mailer';
import { clientConfig } from './time-budget';
import { S3Client } from '@aws-sdk/client-s3';
import type { ExportStore } from '../ports/export-store';
import { FileExportStore } from './file-export-store';
import { S3ExportStore } from './s3-export-store';
import { logger } from './observability';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Store } from '../ports/store';
import type { SecretBox, WebhookStore } from '../ports/webhooks';
import type { WebhookAdminDeps } from '../domain/webhook-endpoints';
import type { PublishDeps, SendDeps } from '../domain/webhook-delivery';
import { DynamoWebhookStore } from './dynamodb/webhooks';
import { KmsSecretBox, LocalSecretBox } from './secret-box';
import { SqsWebhookQueue } from './sqs-queue';
import { SafeWebhookSender } from './webhook-sender';

/** Structured JSON log lines (Powertools); never whole events (they carry personal data). */
export const log = {
  info: (message: string, detail: Record<string, unknown> = {}) => logger.info(message, detail),
  error: (message: string, detail: Record<string, unknown> = {}) => logger.error(message, detail),
};

export const documentClient = createDocumentClient();

export function storeFromEnv(): DynamoStore {
  return new DynamoStore(documentClient, requireEnv('TABLE_NAME'));
}

/**
 * Real time in AWS. On a local test stack started with `SA_CLOCK_CONTROL=on` (never set by the
 * CDK stack; an infra test checks), the stack clock that tests move.
 */
export const clockFromEnv = (): Clock => (optionalEnv('SA_CLOCK_CONTROL') === 'on' ? stackClock : systemClock);

/** A function without the schedules binding: anything that would schedule fails loudly. */
const NO_SCHEDULER: Scheduler = {
  scheduleAt: async () => {
    throw new Error('This function has no schedules binding.');
  },
  cancel: async () => {
    throw new Error('This function has no schedules binding.');
  },
};

/** The dependencies of grant operations, wired from the environment once per cold start. */
export function grantDepsFromEnv(): GrantDeps {
  return {
    ...readDepsFromEnv(),
    scheduler: new EventBridgeScheduler(new SchedulerClient(clientConfig('scheduler')), {
      groupName: requireEnv('SCHEDULE_GROUP'),
      targetArn: requireEnv('EXPIRE_FUNCTION_ARN'),
      roleArn: requireEnv('SCHEDULER_ROLE_ARN'),
      deadLetterArn: requireEnv('SCHEDULER_DLQ_ARN'),
    }),
  };
}

/** For a function that reads and appends but never schedules (the product API). */
export function readDepsFromEnv(): GrantDeps {
  return { store: storeFromEnv(), scheduler: NO_SCHEDULER, clock: clockFromEnv(), ids: newId, limits: limitsFromEnv(), log };
}

/** What delivering a notice needs (the stream's mailer and the sweep's re-drive), wired from the environment. */
export function deliveryDepsFromEnv(): DeliveryDeps {
  const portalUrl = requireEnv('PORTAL_URL');
  return {
    outbox: new DynamoOutbox(documentClient, requireEnv('TABLE_NAME')),
    mailer: new SesMailer(new SESv2Client(clientConfig('ses')), fromHeader(requireEnv('MAIL_FROM_NAME'), requireEnv('MAIL_FROM')), optionalEnv('MAIL_CONFIGURATION_SET')),
    clock: clockFromEnv(),
    store: storeFromEnv(),
    render: (notice, link) => renderNotice(notice, { portalUrl, link }),
    portalUrl,
  };
}

/** Where large audit exports go: the archive bucket (`AUDIT_EXPORT_BUCKET`) in AWS, a folder locally. */
export function exportStoreFromEnv(): ExportStore {
  const bucket = optionalEnv('AUDIT_EXPORT_BUCKET');
  const clock = clockFromEnv();
  return bucket
    ? new S3ExportStore(new S3Client(clientConfig('s3')), bucket, () => clock.now())
    : new FileExportStore(requireEnv('AUDIT_EXPORT_DIR'), requireEnv('PORTAL_URL'), requireEnv('EXPORT_LINK_SECRET'));
}

/** The session-token signer: KMS in AWS (`SIGNING_KEY_ID`), a key file locally (`SIGNING_KEY_FILE`). */
export function signerFromEnv(): TokenSigner {
  const keyId = optionalEnv('SIGNING_KEY_ID');
  const retired = (optionalEnv('RETIRED_SIGNING_KEY_IDS') ?? '').split(',').filter(Boolean);
  return keyId ? new KmsSigner(new KMSClient(clientConfig('kms')), keyId, retired) : new LocalKeySigner(requireEnv('SIGNING_KEY_FILE'));
}

/** Plain http and loopback webhook receivers: set only by the local stack (never by CDK). */
const allowLocalReceivers = () => optionalEnv('WEBHOOK_ALLOW_LOCAL') === 'true';

export const webhookStoreFromEnv = (): WebhookStore => new DynamoWebhookStore(documentClient, requireEnv('TABLE_NAME'));

/** Webhook secrets: sealed by KMS in AWS (`WEBHOOK_KEY_ID`), by the local stack's key locally. */
export function secretBoxFromEnv(): SecretBox {
  const keyId = optionalEnv('WEBHOOK_KEY_ID');
  return keyId ? new KmsSecretBox(new KMSClient(clientConfig('kms')), keyId) : new LocalSecretBox(requireEnv('WEBHOOK_SEAL_KEY'));
}

/** What the settings page's webhook forms need (the portal). */
export function webhookAdminDepsFromEnv(store: Store): WebhookAdminDeps {
  return { store, webhooks: webhookStoreFromEnv(), secrets: secretBoxFromEnv(), clock: clockFromEnv(), ids: newId, allowLocalReceivers: allowLocalReceivers() };
}

/** The delivery queue (SQS FIFO; the local stand-in behind the same API locally). */
export const webhookQueueFromEnv = (): SqsWebhookQueue => new SqsWebhookQueue(new SQSClient(clientConfig('sqs')), requireEnv('WEBHOOK_QUEUE_URL'));

/** What publishing audit events as webhook deliveries needs (the stream). */
export function publishDepsFromEnv(): PublishDeps {
  return { webhooks: webhookStoreFromEnv(), queue: webhookQueueFromEnv(), clock: clockFromEnv() };
}

/** What posting deliveries needs (the webhooks function). */
export function sendDepsFromEnv(): SendDeps {
  return {
    webhooks: webhookStoreFromEnv(),
    sender: new SafeWebhookSender({ allowLocalReceivers: allowLocalReceivers() }),
    secrets: secretBoxFromEnv(),
    store: storeFromEnv(),
    clock: clockFromEnv(),
    ids: newId,
  };
}
