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
