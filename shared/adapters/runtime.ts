import { stackClock, systemClock, type Clock } from '../domain/clock';
import type { GrantDeps } from '../domain/grant-service';
import { limitsFromEnv, optionalEnv, requireEnv } from '../config';
import type { TokenSigner } from '../ports/token-signer';
import { newId } from '../ports/ids';
import { createDocumentClient } from './dynamodb/client';
import { DynamoStore } from './dynamodb/store';
import type { Scheduler } from '../ports/scheduler';
import type { DeliveryDeps } from '../domain/notice-delivery';
import { renderNotice } from '../mail/templates';
import { DynamoOutbox } from './dynamodb/outbox';
import { clientConfig } from './time-budget';
import type { ExportStore } from '../ports/export-store';
import { logger } from './observability';
import { loadedOnFirstUse } from './lazy';
import type { Mailer } from '../ports/mailer';

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

/**
 * The dependencies of grant operations, wired from the environment once per cold start. The
 * scheduler's client loads on the first change that schedules (reads never do); every variable
 * is still read here, at cold start.
 */
export function grantDepsFromEnv(): GrantDeps {
  const config = {
    groupName: requireEnv('SCHEDULE_GROUP'),
    targetArn: requireEnv('EXPIRE_FUNCTION_ARN'),
    roleArn: requireEnv('SCHEDULER_ROLE_ARN'),
    deadLetterArn: requireEnv('SCHEDULER_DLQ_ARN'),
  };
  return {
    ...readDepsFromEnv(),
    scheduler: loadedOnFirstUse(async () => {
      const [{ SchedulerClient }, { EventBridgeScheduler }] = await Promise.all([import('@aws-sdk/client-scheduler'), import('./scheduler')]);
      return new EventBridgeScheduler(new SchedulerClient(clientConfig('scheduler')), config);
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
  const from = { name: requireEnv('MAIL_FROM_NAME'), address: requireEnv('MAIL_FROM'), configurationSet: optionalEnv('MAIL_CONFIGURATION_SET') };
  return {
    outbox: new DynamoOutbox(documentClient, requireEnv('TABLE_NAME')),
    // SES loads with the first notice (the sweep mostly has none to re-drive).
    mailer: loadedOnFirstUse<Mailer>(async () => {
      const [{ SESv2Client }, { fromHeader, SesMailer }] = await Promise.all([import('@aws-sdk/client-sesv2'), import('./ses-mailer')]);
      return new SesMailer(new SESv2Client(clientConfig('ses')), fromHeader(from.name, from.address), from.configurationSet);
    }),
    clock: clockFromEnv(),
    store: storeFromEnv(),
    render: (notice, link) => renderNotice(notice, { portalUrl, link }),
    portalUrl,
  };
}

/**
 * Where large audit exports go: the archive bucket (`AUDIT_EXPORT_BUCKET`) in AWS, a folder
 * locally; loaded with the first export too big to answer inline.
 */
export function exportStoreFromEnv(): ExportStore {
  const bucket = optionalEnv('AUDIT_EXPORT_BUCKET');
  const clock = clockFromEnv();
  if (bucket) {
    return loadedOnFirstUse(async () => {
      const [{ S3Client }, { S3ExportStore }] = await Promise.all([import('@aws-sdk/client-s3'), import('./s3-export-store')]);
      return new S3ExportStore(new S3Client(clientConfig('s3')), bucket, () => clock.now());
    });
  }
  const local = { dir: requireEnv('AUDIT_EXPORT_DIR'), portalUrl: requireEnv('PORTAL_URL'), secret: requireEnv('EXPORT_LINK_SECRET') };
  return loadedOnFirstUse(async () => new (await import('./file-export-store')).FileExportStore(local.dir, local.portalUrl, local.secret));
}

/**
 * The session-token signer: KMS in AWS (`SIGNING_KEY_ID`), a key file locally (`SIGNING_KEY_FILE`);
 * loaded with the first token signed or key published.
 */
export function signerFromEnv(): TokenSigner {
  const keyId = optionalEnv('SIGNING_KEY_ID');
  const retired = (optionalEnv('RETIRED_SIGNING_KEY_IDS') ?? '').split(',').filter(Boolean);
  if (keyId) {
    return loadedOnFirstUse(async () => {
      const [{ KMSClient }, { KmsSigner }] = await Promise.all([import('@aws-sdk/client-kms'), import('./kms-signer')]);
      return new KmsSigner(new KMSClient(clientConfig('kms')), keyId, retired);
    });
  }
  const file = requireEnv('SIGNING_KEY_FILE');
  return loadedOnFirstUse(async () => new (await import('./local-key-signer')).LocalKeySigner(file));
}
