import type { FunctionName } from '../local/functions';
import type { AwsService } from '../../shared/adapters/time-budget';

/**
 * What each function may do, declared once: the stack grants exactly this (`bindTable` and the
 * grants beside it) and the infra tests pin the synthesized policies to it. A new permission is
 * added here first.
 *
 * DynamoDB: a transaction needs the permission of each action inside it (Put, Update,
 * ConditionCheck); nobody scans; only the admin API deletes (org deletion).
 */
export const TABLE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
  delete: ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
} as const;

/**
 * The table's customer-managed key, as DynamoDB uses it on the caller's behalf: reading decrypts,
 * writing also encrypts. No `kms:ReEncrypt*` (nothing re-encrypts under another key) and no
 * action wildcards.
 */
export const TABLE_KEY_ACTIONS = {
  read: ['kms:Decrypt', 'kms:DescribeKey'],
  write: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
} as const;

export type TableAccess = keyof typeof TABLE_ACTIONS;

export interface FunctionPermissions {
  /**
   * The function's timeout. With the clients' timeouts and attempts (`shared/adapters/time-budget.ts`)
   * one stalled call of every service it uses fits inside it; HTTP functions stay under API
   * Gateway's 30 s integration limit.
   */
  timeoutSeconds: number;
  /** Table actions; `write` implies `read` is listed too. */
  table: TableAccess[];
  /**
   * Partitions the function may write (`dynamodb:LeadingKeys`, `StringLike` patterns); absent: any.
   * Overwrite protection stays in each write's condition expression.
   */
  writePartitions?: string[];
  /** Create, move and delete its own schedules (and pass the scheduler's role). */
  schedules?: boolean;
  /** Session-token keys: `sign` (and publish), or only `verify` (GetPublicKey). */
  signingKeys?: 'sign' | 'verify';
  /** The portal cookie secret. */
  sessionSecret?: boolean;
  /** Put-only under `audit/` in the archive bucket. */
  auditArchive?: boolean;
  /** Put and get under `exports/` in the archive bucket (large CSV exports, fetched by presigned link). */
  auditExports?: boolean;
  /** SES send from the configured identity (with its configuration set). */
  sendsMail?: boolean;
  /** The table's stream as its event source. */
  streamSource?: boolean;
  /** Subscribed to SES's bounce and complaint notifications. */
  mailFeedback?: boolean;
  /** Webhook signing secrets under their KMS key: `seal` (Encrypt) when endpoints are added, `open` (Decrypt) to sign. */
  webhookSecrets?: 'seal' | 'open';
  /** The webhook delivery queue: `send` messages to it, or `consume` it as the event source (and hide a message for its backoff). */
  webhookQueue?: 'send' | 'consume';
  /**
   * Services that different routes use, never one request together (the time budget counts only
   * the slowest of them once).
   */
  oneRequestUsesOneOf?: AwsService[];
}

/** The partitions an item's key can start with (see `shared/adapters/dynamodb/keys/`). */
const AUDIT = 'AUDIT#*';
const NOTICE = 'NOTICE#*';
const TOKEN = 'TOKEN#*';
const SUPPRESSED = 'SUPPRESSED#*';
const DELIVERIES = 'DELIVERIES#*';
const ORG = 'ORG#*';

export const FUNCTION_PERMISSIONS: Record<FunctionName, FunctionPermissions> = {
  // Grants schedule, large exports write to S3, adding a webhook seals its secret: never two in one request.
  portal: { timeoutSeconds: 28, table: ['read', 'write'], schedules: true, sessionSecret: true, auditExports: true, webhookSecrets: 'seal', oneRequestUsesOneOf: ['scheduler', 's3', 'kms'] },
  approvals: { timeoutSeconds: 20, table: ['read', 'write'], schedules: true, sessionSecret: true },
  'support-api': { timeoutSeconds: 20, table: ['read', 'write'], schedules: true, signingKeys: 'sign' },
  // Public-facing: it only appends activity to the audit trail.
  'product-api': { timeoutSeconds: 15, table: ['read', 'write'], writePartitions: [AUDIT, NOTICE], signingKeys: 'verify' },
  // Under API Gateway's 30 s integration limit; org deletion runs in bounded steps.
  'admin-api': { timeoutSeconds: 25, table: ['read', 'write', 'delete'], schedules: true, auditArchive: true },
  // Re-arms a schedule that fired early; its on-failure queue is granted with the destination.
  expire: { timeoutSeconds: 15, table: ['read', 'write'], schedules: true },
  // Also re-drives notices the stream gave up on, and goes on with org deletions whose caller went
  // away (removes their data, archives their trail); a run covers many items.
  sweep: { timeoutSeconds: 60, table: ['read', 'write', 'delete'], schedules: true, sendsMail: true, auditArchive: true },
  // Claims and marks notices, mints approval tokens, records TTL expiries in the audit trail.
  // Also turns published audit events into webhook deliveries and queues them (never posts them).
  stream: { timeoutSeconds: 30, table: ['read', 'write'], writePartitions: [AUDIT, NOTICE, TOKEN, DELIVERIES], sendsMail: true, streamSource: true, webhookQueue: 'send' },
  // Posts queued webhook deliveries (5 s each, a batch of 5), records them, disables an endpoint failing for 3 days.
  webhooks: { timeoutSeconds: 60, table: ['read', 'write'], writePartitions: [AUDIT, NOTICE, DELIVERIES, ORG], webhookSecrets: 'open', webhookQueue: 'consume' },
  // Records addresses SES reported bouncing or complaining; nothing else.
  'mail-feedback': { timeoutSeconds: 10, table: ['read', 'write'], writePartitions: [SUPPRESSED], mailFeedback: true },
  // The staff pool's pre-token-generation trigger: adds the agent's email to access tokens from
  // the attributes Cognito hands it; no table, no other service. Cognito waits at most 5 s.
  'staff-token': { timeoutSeconds: 5, table: [] },
};

/** The AWS services a function calls, from what it may do. */
export function servicesOf(p: FunctionPermissions): AwsService[] {
  return [
    ...(p.table.length ? ['dynamodb' as const] : []),
    ...(p.schedules ? ['scheduler' as const] : []),
    ...(p.signingKeys || p.webhookSecrets ? ['kms' as const] : []),
    ...(p.sessionSecret ? ['secrets' as const] : []),
    ...(p.sendsMail ? ['ses' as const] : []),
    ...(p.auditArchive || p.auditExports ? ['s3' as const] : []),
    ...(p.webhookQueue ? ['sqs' as const] : []),
  ];
}

/** The DynamoDB actions a function's declaration gives it, in a stable order. */
export const tableActionsOf = (p: FunctionPermissions): string[] => p.table.flatMap((a) => [...TABLE_ACTIONS[a]]);

/** The table-key actions a function's declaration gives it. */
export const tableKeyActionsOf = (p: FunctionPermissions): string[] => [...TABLE_KEY_ACTIONS[p.table.includes('write') ? 'write' : 'read']];
