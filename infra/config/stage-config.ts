/**
 * Stage configuration: the platform admin's control panel. One typed, validated object per
 * stage; cdk context (`-c stage=prod -c mailFrom=...`) can override any scalar field.
 */
export interface IssuerConfig {
  /** OIDC issuer URL (discovery at `/.well-known/openid-configuration`). */
  url: string;
  /** The client id tokens are issued to (the JWT authorizer's audience for staff). */
  clientId: string;
}

/** A custom domain for the portal and the APIs; the certificate must be in the stack's region. */
export interface CustomDomainConfig {
  /** e.g. `support-access.example.com`; point a CNAME at the stack's `CustomDomainTarget` output. */
  name: string;
  /** ACM certificate ARN covering `name`. */
  certificateArn: string;
}

export interface StageConfig {
  stage: string;
  /** Longest grant any org may allow, in hours (Celigo: 180 days = 4320). */
  platformMaxGrantHours: number;
  /** Shortest grant, in seconds: 3600 in real stages, a few seconds in the test stage. */
  minGrantSeconds: number;
  /** An org's default grant length, hours (Celigo recommends 5 days). */
  defaultGrantHours: number;
  /** An org's default maximum, hours (Own: 14 days). */
  defaultMaxGrantHours: number;
  /** How long a permission request stays open, hours (Lockbox: 12 h–4 days). */
  requestExpiryHours: number;
  /** Longest "log in as" token, minutes (≤ 15). */
  sessionMinutes: number;
  /**
   * Sender of every notice; its SES identity is created by the stack. Required to deploy (no
   * default: SES can only send from an address or domain it verified); the local stack has its own.
   */
  mailFrom?: string;
  /** The name every notice comes from ("Acme Support" <mailFrom>): the vendor's own name. */
  mailFromName: string;
  /**
   * Verify the sender's whole domain (DKIM records to publish) instead of the single address;
   * `mailFrom` must then be at this domain. Production stages should use a domain.
   */
  mailDomain?: string;
  /** Customer issuer; a Cognito user pool is created when absent. */
  customerIssuer?: IssuerConfig;
  /** Staff issuer for agents; a Cognito user pool is created when absent. */
  staffIssuer?: IssuerConfig;
  /**
   * The access-token scope every support route requires (API Gateway route authorization
   * scopes): an ID token, or a token issued without it, is refused. For the pool the stack creates
   * it names the resource server and its scope (`<identifier>/<scope>`).
   */
  staffScope: string;
  /**
   * The access-token claim that carries the agent's email. The pool the stack creates adds it with
   * a pre-token-generation trigger (README, "Agents' tokens"); a configured issuer must issue it.
   */
  staffEmailClaim: string;
  /**
   * The loopback port the support CLI's sign-in listens on (RFC 8252 §7.3); registered as the
   * staff client's callback `http://localhost:<port>/callback`.
   */
  cliCallbackPort: number;
  /** Where alarms go; required on a production stage, so an alarm never fires into nothing. */
  alarmEmail?: string;
  /**
   * Cognito threat protection (the Plus feature plan: adaptive authentication, compromised
   * credentials) on the staff pool the stack creates. Billed per monthly active user (about
   * $0.02 each on top of the Essentials plan); off by default.
   */
  staffThreatProtection: boolean;
  /** A production stage: stricter defaults are required (alarm email). */
  production: boolean;
  /** Claim names in the customer issuer's ID token that carry a user's level and workspaces. */
  profileClaims?: { level?: string; workspaces?: string };
  /** Days CloudWatch keeps function logs. */
  logRetentionDays: number;
  /**
   * Days an exported audit trail (of a deleted org) is kept, write-once, in the archive bucket.
   * The trail also stays in the table; this is the copy nobody can change.
   */
  auditRetentionDays: number;
  /**
   * Audit CSV exports up to this many rows are answered directly; larger ones (or any over 4 MB)
   * go to the archive bucket and the browser is sent a short-lived download link (Lambda answers
   * at most 6 MB).
   */
  auditExportInlineRows: number;
  /** Optional custom domain; without it the API's execute-api URL is used. */
  customDomain?: CustomDomainConfig;
  /** Steady-state requests per second across the API, and the burst above it (API Gateway throttling). */
  apiRateLimit: number;
  apiBurstLimit: number;
  /**
   * AWS WAF (managed common and bad-input rules and a per-IP rate limit) on the sign-in pages of
   * the Cognito pools the stack creates. HTTP APIs cannot carry a WAF web ACL themselves.
   */
  waf: boolean;
  /**
   * Alarm when a grant is marked expired more than this many seconds after its expiry. Scheduler
   * fires within the minute after an at-time already rounded up to the minute, so a normal lag is
   * up to 120 s; the default leaves a minute of headroom over that.
   */
  expiryLagAlarmSeconds: number;
  /**
   * Which generation of the session-signing KMS key signs (1, 2, …). Bumping it rotates: the new
   * key signs and the previous one stays published in the JWKS until the next bump.
   */
  signingKeyGeneration: number;
}

const BASE: Omit<StageConfig, 'stage'> = {
  platformMaxGrantHours: 4320,
  minGrantSeconds: 3600,
  defaultGrantHours: 120,
  defaultMaxGrantHours: 336,
  requestExpiryHours: 72,
  sessionMinutes: 15,
  logRetentionDays: 90,
  auditRetentionDays: 2557,
  auditExportInlineRows: 10000,
  apiRateLimit: 200,
  apiBurstLimit: 400,
  waf: false,
  expiryLagAlarmSeconds: 180,
  signingKeyGeneration: 1,
  staffThreatProtection: false,
  production: false,
  mailFromName: 'Support Access',
  staffScope: 'support-access/agent',
  staffEmailClaim: 'email',
  cliCallbackPort: 8976,
};

export const STAGES: Record<string, StageConfig> = {
  dev: { ...BASE, stage: 'dev' },
  /** The test stage lets grants last seconds, so expiry can be watched happening. */
  /** (Its own CLI callback port, so a test run and an agent signing in on the dev stack never collide.) */
  test: { ...BASE, stage: 'test', minGrantSeconds: 1, auditExportInlineRows: 100, cliCallbackPort: 8977 },
  prod: { ...BASE, stage: 'prod', waf: true, production: true },
};

/** Where the support CLI's loopback sign-in receives the code: the staff client's callback. */
export const supportCliCallback = (config: Pick<StageConfig, 'cliCallbackPort'>): string => `http://localhost:${config.cliCallbackPort}/callback`;

export class StageConfigError extends Error {
  constructor(field: string, problem: string) {
    super(`Invalid stage config: ${field} ${problem}`);
    this.name = 'StageConfigError';
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

function checkRange(config: StageConfig, field: keyof StageConfig, min: number, max: number) {
  const value = config[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new StageConfigError(field, `must be a number from ${min} to ${max}, got ${JSON.stringify(value)}.`);
  }
}

function checkIssuer(field: string, issuer: IssuerConfig | undefined) {
  if (!issuer) return;
  if (!/^https?:\/\/[^\s]+$/.test(issuer.url)) throw new StageConfigError(`${field}.url`, `must be an http(s) URL, got "${issuer.url}".`);
  if (!issuer.clientId) throw new StageConfigError(`${field}.clientId`, 'is required.');
}

/** Validates a stage config; every problem names its field. */
export function validateStageConfig(config: StageConfig): StageConfig {
  checkRange(config, 'platformMaxGrantHours', 1, 4320);
  checkRange(config, 'minGrantSeconds', 1, 3600);
  checkRange(config, 'defaultMaxGrantHours', 1, config.platformMaxGrantHours);
  checkRange(config, 'defaultGrantHours', config.minGrantSeconds / 3600, config.defaultMaxGrantHours);
  checkRange(config, 'requestExpiryHours', 1, 720);
  checkRange(config, 'sessionMinutes', 1, 15);
  checkRange(config, 'logRetentionDays', 1, 3653);
  checkRange(config, 'auditRetentionDays', 365, 3653);
  checkRange(config, 'auditExportInlineRows', 1, 50000);
  checkRange(config, 'apiRateLimit', 1, 10000);
  checkRange(config, 'apiBurstLimit', config.apiRateLimit, 5000);
  checkRange(config, 'expiryLagAlarmSeconds', 1, 3600);
  checkRange(config, 'signingKeyGeneration', 1, 1000);
  checkRange(config, 'cliCallbackPort', 1024, 65535);
  for (const flag of ['waf', 'staffThreatProtection', 'production'] as const) {
    if (typeof config[flag] !== 'boolean') throw new StageConfigError(flag, `must be true or false, got ${JSON.stringify(config[flag])}.`);
  }
  if (!Number.isInteger(config.signingKeyGeneration)) throw new StageConfigError('signingKeyGeneration', `must be a whole number, got ${config.signingKeyGeneration}.`);
  if (typeof config.mailFromName !== 'string' || !/^[^\u0000-\u001f\u007f<>"@]{1,64}$/.test(config.mailFromName)) {
    throw new StageConfigError('mailFromName', `must be a display name of 1 to 64 characters without <, >, " or @, got ${JSON.stringify(config.mailFromName)}.`);
  }
  if (config.mailFrom !== undefined && !EMAIL.test(config.mailFrom)) throw new StageConfigError('mailFrom', `must be an email address, got "${config.mailFrom}".`);
  if (config.alarmEmail !== undefined && !EMAIL.test(config.alarmEmail)) {
    throw new StageConfigError('alarmEmail', `must be an email address, got "${config.alarmEmail}".`);
  }
  if (config.mailDomain !== undefined) {
    if (!DOMAIN.test(config.mailDomain)) throw new StageConfigError('mailDomain', `must be a domain name, got "${config.mailDomain}".`);
    if (config.mailFrom !== undefined && config.mailFrom.split('@')[1]!.toLowerCase() !== config.mailDomain.toLowerCase()) {
      throw new StageConfigError('mailFrom', `must be an address at mailDomain ${config.mailDomain}, got "${config.mailFrom}".`);
    }
  }
  if (config.customDomain) {
    if (!DOMAIN.test(config.customDomain.name)) throw new StageConfigError('customDomain.name', `must be a domain name, got "${config.customDomain.name}".`);
    if (!/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/.test(config.customDomain.certificateArn ?? '')) {
      throw new StageConfigError('customDomain.certificateArn', `must be an ACM certificate ARN, got "${config.customDomain.certificateArn}".`);
    }
  }
  if (!Number.isInteger(config.cliCallbackPort)) throw new StageConfigError('cliCallbackPort', `must be a whole number, got ${config.cliCallbackPort}.`);
  if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(config.staffScope ?? '')) throw new StageConfigError('staffScope', `must be one OAuth scope (no spaces or quotes), got ${JSON.stringify(config.staffScope)}.`);
  if (!config.staffIssuer && !/^[\w.:-]+\/[\w.-]+$/.test(config.staffScope)) {
    throw new StageConfigError('staffScope', `must be "<resource server>/<scope>" for the staff pool the stack creates, got "${config.staffScope}".`);
  }
  if (!/^[\x21-\x7e]+$/.test(config.staffEmailClaim ?? '')) throw new StageConfigError('staffEmailClaim', `must be a claim name, got ${JSON.stringify(config.staffEmailClaim)}.`);
  checkIssuer('customerIssuer', config.customerIssuer);
  checkIssuer('staffIssuer', config.staffIssuer);
  if (config.production && config.alarmEmail === undefined) {
    throw new StageConfigError('alarmEmail', `is required on the production stage "${config.stage}" (alarms must reach someone): -c alarmEmail=oncall@your-company.example.`);
  }
  return config;
}

const NUMERIC_FIELDS = new Set<keyof StageConfig>([
  'platformMaxGrantHours',
  'minGrantSeconds',
  'defaultGrantHours',
  'defaultMaxGrantHours',
  'requestExpiryHours',
  'sessionMinutes',
  'logRetentionDays',
  'auditRetentionDays',
  'auditExportInlineRows',
  'apiRateLimit',
  'apiBurstLimit',
  'expiryLagAlarmSeconds',
  'signingKeyGeneration',
  'cliCallbackPort',
]);

/** cdk context values arrive as strings; numbers and booleans are converted (and then validated). */
function fromContext(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (NUMERIC_FIELDS.has(key as keyof StageConfig)) return Number(value);
  if (key === 'waf' || key === 'staffThreatProtection' || key === 'production') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

const OPTIONAL_FIELDS = ['customerIssuer', 'staffIssuer', 'alarmEmail', 'profileClaims', 'mailFrom', 'mailDomain', 'customDomain'];

/** The fields `-c name=value` sets directly (issuers, claims and the custom domain take two values each). */
export const CONTEXT_FIELDS: string[] = [...Object.keys(BASE), 'alarmEmail', 'mailFrom', 'mailDomain'];

/** The named stage with overrides (from cdk context), validated. */
export function stageConfig(name: string, overrides: Record<string, unknown> = {}): StageConfig {
  const base = STAGES[name];
  if (!base) throw new StageConfigError('stage', `must be one of ${Object.keys(STAGES).join(', ')}, got "${name}".`);
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined || !(key in BASE || OPTIONAL_FIELDS.includes(key))) continue;
    merged[key] = fromContext(key, value);
  }
  return validateStageConfig(merged as unknown as StageConfig);
}
