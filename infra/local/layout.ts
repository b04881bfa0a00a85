import { resolve } from 'node:path';
import type { StageConfig } from '../config/stage-config';
import { stageConfig } from '../config/stage-config';

/** Where the local stack listens and keeps its data; all on loopback. */
export interface LocalLayout {
  stage: StageConfig;
  dataDir: string;
  host: string;
  ports: { gateway: number; customerIdp: number; staffIdp: number; mailbox: number; dynamodb: number; scheduler: number; sesApi: number; sqs: number; webhooks: number };
  urls: { portal: string; customerIssuer: string; staffIssuer: string; mailbox: string; dynamodb: string; scheduler: string; sesApi: string; sqs: string; webhooks: string };
  tableName: string;
}

export const CUSTOMER_CLIENT_ID = 'portal';
export const STAFF_CLIENT_ID = 'support-cli';
export const DEMO_PASSWORD = 'demo';
/** Signs the local stand-in's download links for large exports (the gateway checks them); local only. */
export const LOCAL_EXPORT_LINK_SECRET = 'local-export-link-secret-0123456789abcdef';

/** Seals webhook secrets on the local stack (KMS's stand-in); local only. */
export const LOCAL_WEBHOOK_SEAL_KEY = '6c6f63616c2d776562686f6f6b2d7365616c2d6b65792d303132333435363738';
export const WEBHOOK_QUEUE_NAME = 'webhook-deliveries.fifo';
/** The demo endpoint's secret (Acme's, on the local receiver), printed in the banner; local only. */
export const DEMO_WEBHOOK_SECRET = 'whsec_bG9jYWwtZGVtby13ZWJob29rLXNlY3JldC0x';

/** From the environment: SA_STAGE (dev), SA_PORT_BASE (4000), SA_DATA_DIR (.data). */
export function localLayout(env: NodeJS.ProcessEnv = process.env): LocalLayout {
  const base = Number(env.SA_PORT_BASE ?? 4000);
  if (!Number.isInteger(base) || base < 1024 || base > 65000) throw new Error(`SA_PORT_BASE must be a port from 1024 to 65000, got "${env.SA_PORT_BASE}".`);
  const host = 'localhost';
  const ports = {
    gateway: base,
    customerIdp: base + 1,
    mailbox: base + 2,
    dynamodb: base + 3,
    scheduler: base + 4,
    staffIdp: base + 5,
    sesApi: base + 6,
    sqs: base + 7,
    webhooks: base + 8,
  };
  const url = (port: number) => `http://${host}:${port}`;
  return {
    stage: stageConfig(env.SA_STAGE ?? 'dev'),
    dataDir: resolve(env.SA_DATA_DIR ?? '.data'),
    host,
    ports,
    urls: {
      portal: url(ports.gateway),
      customerIssuer: url(ports.customerIdp),
      staffIssuer: url(ports.staffIdp),
      mailbox: url(ports.mailbox),
      dynamodb: url(ports.dynamodb),
      scheduler: url(ports.scheduler),
      sesApi: url(ports.sesApi),
      sqs: url(ports.sqs),
      webhooks: url(ports.webhooks),
    },
    tableName: 'support-access',
  };
}

/** What the Lambda platform gives every function (region, credentials), and where the local stand-ins listen. */
export function platformEnvironment(layout: LocalLayout): Record<string, string> {
  const { urls } = layout;
  return {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: urls.dynamodb,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: urls.dynamodb,
    AWS_ENDPOINT_URL_SESV2: urls.sesApi,
    AWS_ENDPOINT_URL_SCHEDULER: urls.scheduler,
    AWS_ENDPOINT_URL_SQS: urls.sqs,
  };
}

/**
 * The values of every variable a local function may be given; each function gets only the names
 * its declaration lists (`localEnvironment` in infra/config/function-environment.ts).
 */
export function functionEnvironment(layout: LocalLayout): Record<string, string> {
  const { stage, urls } = layout;
  return {
    ...(process.env.SA_CLOCK_CONTROL ? { SA_CLOCK_CONTROL: process.env.SA_CLOCK_CONTROL } : {}),
    TABLE_NAME: layout.tableName,
    PLATFORM_MAX_GRANT_HOURS: String(stage.platformMaxGrantHours),
    MIN_GRANT_SECONDS: String(stage.minGrantSeconds),
    SESSION_MINUTES: String(stage.sessionMinutes),
    REQUEST_EXPIRY_HOURS: String(stage.requestExpiryHours),
    SCHEDULE_GROUP: 'support-access',
    EXPIRE_FUNCTION_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:expire',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/scheduler',
    SCHEDULER_DLQ_ARN: 'arn:aws:sqs:us-east-1:000000000000:scheduler-dlq',
    // The local stack's own sender (the SES emulator accepts it); a deployed stage must name a real one.
    MAIL_FROM: stage.mailFrom ?? 'support-access@localhost.test',
    MAIL_FROM_NAME: stage.mailFromName,
    PORTAL_URL: urls.portal,
    STAFF_EMAIL_CLAIM: stage.staffEmailClaim,
    STAFF_SCOPE: stage.staffScope,
    CUSTOMER_ISSUER: urls.customerIssuer,
    CUSTOMER_CLIENT_ID: CUSTOMER_CLIENT_ID,
    COOKIE_SECURE: 'true',
    SESSION_SECRET: 'local-development-session-secret-0123456789',
    TOKEN_ISSUER: urls.portal,
    TOKEN_AUDIENCE: 'product',
    SIGNING_KEY_FILE: resolve(layout.dataDir, 'keys', 'session-signing-key.json'),
    DEFAULT_GRANT_HOURS: String(stage.defaultGrantHours),
    DEFAULT_MAX_GRANT_HOURS: String(stage.defaultMaxGrantHours),
    AUDIT_ARCHIVE_DIR: resolve(layout.dataDir, 'audit-archive'),
    AUDIT_EXPORT_DIR: resolve(layout.dataDir, 'audit-archive'),
    AUDIT_EXPORT_INLINE_ROWS: String(stage.auditExportInlineRows),
    EXPORT_LINK_SECRET: LOCAL_EXPORT_LINK_SECRET,
    WEBHOOK_QUEUE_URL: `${urls.sqs}/000000000000/${WEBHOOK_QUEUE_NAME}`,
    WEBHOOK_SEAL_KEY: LOCAL_WEBHOOK_SEAL_KEY,
    WEBHOOK_ALLOW_LOCAL: 'true',
    // Powertools: JSON logs from warnings up (the stack's own progress lines stay readable);
    // no metrics locally, there is no CloudWatch to read them.
    POWERTOOLS_SERVICE_NAME: 'support-access',
    POWERTOOLS_METRICS_NAMESPACE: 'SupportAccess',
    LOG_LEVEL: 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}
