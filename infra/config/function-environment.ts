import type { FunctionName } from '../local/functions';
import { FUNCTION_PERMISSIONS, type FunctionPermissions } from './function-permissions';

/**
 * Each function's environment, declared once: what its bindings bring (the table, schedules,
 * secrets, keys, mail, the archive — see `FUNCTION_PERMISSIONS`) and the plain configuration it
 * reads. The CDK stack sets exactly these (an infra test compares the synthesized variables); the
 * local runtime imports each handler with exactly these (plus the platform's `AWS_*`); a test scans
 * each function's bundle and fails on any variable it reads that is not declared here.
 */
type Names = { deployed: string[]; local?: string[] };

/** Every function: the service and metrics names and the log level (the local stack turns metrics off). */
const COMMON: Names = { deployed: ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'LOG_LEVEL'], local: ['POWERTOOLS_METRICS_DISABLED'] };

/** The local runtime's own switch (the stack clock on the test stage); never set by CDK (an infra test checks). */
const LOCAL_RUNTIME: Names = { deployed: [], local: ['SA_CLOCK_CONTROL'] };

/** What each binding brings: in AWS, and where the local stand-in differs. */
const BINDINGS: Record<string, (p: FunctionPermissions) => Names | undefined> = {
  table: (p) => (p.table.length ? { deployed: ['TABLE_NAME'] } : undefined),
  schedules: (p) => (p.schedules ? { deployed: ['SCHEDULE_GROUP', 'EXPIRE_FUNCTION_ARN', 'SCHEDULER_ROLE_ARN', 'SCHEDULER_DLQ_ARN'] } : undefined),
  sessionSecret: (p) => (p.sessionSecret ? { deployed: ['SESSION_SECRET_ARN'], local: ['SESSION_SECRET', 'SESSION_SECRET_PREVIOUS'] } : undefined),
  signingKeys: (p) =>
    p.signingKeys ? { deployed: ['SIGNING_KEY_ID', 'RETIRED_SIGNING_KEY_IDS', 'TOKEN_ISSUER', 'TOKEN_AUDIENCE'], local: ['SIGNING_KEY_FILE', 'TOKEN_ISSUER', 'TOKEN_AUDIENCE'] } : undefined,
  sendsMail: (p) => (p.sendsMail ? { deployed: ['MAIL_FROM', 'MAIL_FROM_NAME', 'MAIL_CONFIGURATION_SET', 'PORTAL_URL'], local: ['MAIL_FROM', 'MAIL_FROM_NAME', 'PORTAL_URL'] } : undefined),
  auditArchive: (p) => (p.auditArchive ? { deployed: ['AUDIT_ARCHIVE_BUCKET'], local: ['AUDIT_ARCHIVE_DIR'] } : undefined),
  webhookSecrets: (p) => (p.webhookSecrets ? { deployed: ['WEBHOOK_KEY_ID'], local: ['WEBHOOK_SEAL_KEY'] } : undefined),
  webhookQueue: (p) => (p.webhookQueue ? { deployed: ['WEBHOOK_QUEUE_URL'] } : undefined),
  auditExports: (p) => (p.auditExports ? { deployed: ['AUDIT_EXPORT_BUCKET', 'AUDIT_EXPORT_INLINE_ROWS'], local: ['AUDIT_EXPORT_DIR', 'EXPORT_LINK_SECRET', 'AUDIT_EXPORT_INLINE_ROWS'] } : undefined),
};

const LIMITS = ['PLATFORM_MAX_GRANT_HOURS', 'MIN_GRANT_SECONDS', 'SESSION_MINUTES', 'REQUEST_EXPIRY_HOURS'];

/** Plain configuration, per function (optional ones only where the stage sets them). */
const CONFIG: Record<FunctionName, Names & { optional?: string[] }> = {
  portal: { deployed: [...LIMITS, 'PORTAL_URL', 'CUSTOMER_ISSUER', 'CUSTOMER_CLIENT_ID'], optional: ['PROFILE_LEVEL_CLAIM', 'PROFILE_WORKSPACES_CLAIM'], local: ['COOKIE_SECURE', 'WEBHOOK_ALLOW_LOCAL'] },
  approvals: { deployed: [...LIMITS], local: ['COOKIE_SECURE'] },
  'support-api': { deployed: [...LIMITS, 'STAFF_EMAIL_CLAIM'] },
  'product-api': { deployed: [...LIMITS, 'STAFF_SCOPE'] },
  'admin-api': { deployed: [...LIMITS, 'DEFAULT_GRANT_HOURS', 'DEFAULT_MAX_GRANT_HOURS'] },
  expire: { deployed: [...LIMITS] },
  sweep: { deployed: [...LIMITS] },
  stream: { deployed: [] },
  // The local stage only: plain http and loopback receivers (the local webhook receiver).
  webhooks: { deployed: [], local: ['WEBHOOK_ALLOW_LOCAL'] },
  'mail-feedback': { deployed: [] },
  'staff-token': { deployed: ['STAFF_EMAIL_CLAIM'] },
};

const unique = (names: string[]) => [...new Set(names)].sort();

/** The variables the stack must set for `fn` in AWS (optional ones excluded). */
export function deployedEnvironment(fn: FunctionName): string[] {
  const p = FUNCTION_PERMISSIONS[fn];
  return unique([...COMMON.deployed, ...CONFIG[fn].deployed, ...Object.values(BINDINGS).flatMap((b) => b(p)?.deployed ?? [])]);
}

/** The variables the stack may also set for `fn` when the stage configures them. */
export const optionalEnvironment = (fn: FunctionName): string[] => CONFIG[fn].optional ?? [];

/** The variables `fn` gets on the local stack: its own, with the local stand-ins' names where they differ. */
export function localEnvironment(fn: FunctionName): string[] {
  const p = FUNCTION_PERMISSIONS[fn];
  const bound = Object.values(BINDINGS).flatMap((b) => {
    const names = b(p);
    return names ? (names.local ?? names.deployed) : [];
  });
  return unique([...COMMON.deployed, ...(COMMON.local ?? []), ...LOCAL_RUNTIME.local!, ...CONFIG[fn].deployed, ...(CONFIG[fn].optional ?? []), ...(CONFIG[fn].local ?? []), ...bound]);
}

/** Everything `fn` may read anywhere (AWS or local): a variable outside this is a bug. */
export const declaredEnvironment = (fn: FunctionName): string[] => unique([...deployedEnvironment(fn), ...optionalEnvironment(fn), ...localEnvironment(fn)]);
