import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { Effect, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { StageConfigError, supportCliCallback, type StageConfig } from '../config/stage-config';
import { AuditArchive } from '../constructs/audit-archive';
import { Database } from '../constructs/database';
import { ExpiryScheduler } from '../constructs/expiry-scheduler';
import { SupportHttpApi } from '../constructs/http-api';
import { Issuer } from '../constructs/identity';
import { Operations } from '../constructs/operations';
import { OutboxMailer } from '../constructs/outbox-mailer';
import { WebhookDelivery } from '../constructs/webhook-delivery';
import { SupportFunction } from '../constructs/support-function';
import { FUNCTION_PERMISSIONS } from '../config/function-permissions';
import { WebFirewall } from '../constructs/web-firewall';
import { acknowledge, acknowledgeWildcards } from '../constructs/acknowledge';

export interface SupportAccessStackProps extends StackProps {
  config: StageConfig;
}

/** The wildcards the stack's policies need, each narrowed as far as AWS allows. */
const WILDCARDS = [
  { finding: /^Resource::<[A-Za-z0-9]+\.Arn>\/index\/\*$/, reason: 'The table grant covers its own indexes (active-by-org, active-by-expiry); no other table.' },
  { finding: /:schedule\/[A-Za-z0-9-]+\/\*$/, reason: "Schedules are named after each grant and request at run time; the grant is confined to the product's own schedule group." },
  { finding: /^Resource::<Expire[0-9A-F]{8}\.Arn>:\*$/, reason: 'The scheduler role may invoke the expire function (and its versions); nothing else.' },
  { finding: /^Resource::<AuditArchiveBucket[0-9A-F]{8}\.Arn>\/audit\/\*$/, reason: 'Exports are named per org and time at run time; put-only, and only under audit/.' },
  { finding: /^Resource::<AuditArchiveBucket[0-9A-F]{8}\.Arn>\/exports\/\*$/, reason: 'Large CSV downloads are named per org and time at run time; only under exports/ (kept a day), put and get for the presigned link.' },
  { finding: /:execute-api:.*\/\$default\/(GET|PATCH|POST|DELETE)\/admin\/orgs\/\*(\/(suspend|resume|deletion))?$/, reason: 'The * is the {orgId} path parameter of an admin route; only the admin routes are allowed.' },
];

/** Session tokens are for the customer's product; it checks this audience. */
export const TOKEN_AUDIENCE = 'product';

/** The whole product in one stack, composed of one construct per concern. */
export class SupportAccessStack extends Stack {
  constructor(scope: Construct, id: string, props: SupportAccessStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = closestRetention(config.logRetentionDays);
    const { table, key: dataKey } = new Database(this, 'Database');
    const http = new SupportHttpApi(this, 'Http', {
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
      logRetention,
      customDomain: config.customDomain,
    });
    const portalUrl = http.url;

    const customer = new Issuer(this, 'CustomerIssuer', {
      configured: config.customerIssuer,
      domainPrefix: `support-access-${config.stage}-customers-${this.account}`,
      requireMfa: false,
      callbackUrls: [`${portalUrl}/auth/callback`],
    });
    // The staff pool the stack creates adds the agent's email to access tokens (README, "Agents' tokens").
    const staffToken = config.staffIssuer ? undefined : new SupportFunction(this, 'StaffToken', { name: 'staff-token', environment: { STAFF_EMAIL_CLAIM: config.staffEmailClaim }, logRetention });
    const staff = new Issuer(this, 'StaffIssuer', {
      configured: config.staffIssuer,
      domainPrefix: `support-access-${config.stage}-staff-${this.account}`,
      // Staff can get into customer accounts: a second factor is not optional for them.
      requireMfa: true,
      threatProtection: config.staffThreatProtection,
      // The support CLI's loopback sign-in (RFC 8252); Cognito allows plain http only for localhost.
      callbackUrls: [supportCliCallback(config)],
      ...(staffToken ? { accessTokens: { scope: config.staffScope, trigger: staffToken } } : {}),
    });

    const limits = {
      PLATFORM_MAX_GRANT_HOURS: String(config.platformMaxGrantHours),
      MIN_GRANT_SECONDS: String(config.minGrantSeconds),
      SESSION_MINUTES: String(config.sessionMinutes),
      REQUEST_EXPIRY_HOURS: String(config.requestExpiryHours),
    };

    // The expire function is named up front so schedules can target it without a reference cycle.
    const expireName = `support-access-${config.stage}-expire`;
    const expireArn = this.formatArn({ service: 'lambda', resource: 'function', resourceName: expireName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const expire = new SupportFunction(this, 'Expire', { name: 'expire', functionName: expireName, environment: limits, logRetention });
    const scheduler = new ExpiryScheduler(this, 'ExpiryScheduler', { target: expire, stage: config.stage });
    const schedulerEnv = { ...scheduler.environment(expire), EXPIRE_FUNCTION_ARN: expireArn };
    for (const [k, v] of Object.entries(schedulerEnv)) expire.addEnvironment(k, v);
    
    // The safety net under the schedules: every 5 minutes, expire whatever is past its expiry.
    const mailFrom = deployedSender(config);
    const sweep = new SupportFunction(this, 'Sweep', { name: 'sweep', environment: { ...limits, ...schedulerEnv, MAIL_FROM: mailFrom, MAIL_FROM_NAME: config.mailFromName, PORTAL_URL: portalUrl }, logRetention });
    new Rule(this, 'SweepEvery5Minutes', { schedule: Schedule.rate(Duration.minutes(5)), targets: [new LambdaFunction(sweep, { retryAttempts: 2 })] });

    // Rotation: bump `signingKeyGeneration`; the new key signs, the previous one stays published
    // (GetPublicKey only) so tokens it signed verify until they expire (minutes).
    const signingKeyOf = (generation: number) =>
      new Key(this, generation === 1 ? 'SessionSigningKey' : `SessionSigningKey${generation}`, {
        keySpec: KeySpec.ECC_NIST_P256,
        keyUsage: KeyUsage.SIGN_VERIFY,
        description: `Signs "log in as" session tokens (ES256), generation ${generation}; the private key never leaves KMS`,
      });
    const signingKey = signingKeyOf(config.signingKeyGeneration);
    const retiredKeys = config.signingKeyGeneration > 1 ? [signingKeyOf(config.signingKeyGeneration - 1)] : [];
    const signingEnv = { SIGNING_KEY_ID: signingKey.keyArn, RETIRED_SIGNING_KEY_IDS: retiredKeys.map((k) => k.keyArn).join(','), TOKEN_ISSUER: portalUrl, TOKEN_AUDIENCE };
    const sessionSecret = new Secret(this, 'PortalSessionSecret', {
      description: 'Signs the portal session cookie',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    acknowledge(sessionSecret, {
      'AwsSolutions-SMG4': 'Signs 8-hour portal cookies; rotating it signs every customer out, so it is rotated by hand (README, "Rotating secrets"), not on a timer.',
    });

    const portal = new SupportFunction(this, 'Portal', {
      name: 'portal',
      logRetention,
      environment: {
        ...limits,
        PORTAL_URL: portalUrl,
        ...schedulerEnv,
        CUSTOMER_ISSUER: customer.url,
        CUSTOMER_CLIENT_ID: customer.clientId,
        SESSION_SECRET_ARN: sessionSecret.secretArn,
        ...(config.profileClaims?.level ? { PROFILE_LEVEL_CLAIM: config.profileClaims.level } : {}),
        ...(config.profileClaims?.workspaces ? { PROFILE_WORKSPACES_CLAIM: config.profileClaims.workspaces } : {}),
      },
    });

    const approvals = new SupportFunction(this, 'Approvals', {
      name: 'approvals',
      logRetention,
      environment: { ...limits, ...schedulerEnv, SESSION_SECRET_ARN: sessionSecret.secretArn },
    });

    const supportApi = new SupportFunction(this, 'SupportApi', {
      name: 'support-api',
      logRetention,
      environment: { ...limits, ...schedulerEnv, ...signingEnv, STAFF_EMAIL_CLAIM: config.staffEmailClaim },
    });

    const productApi = new SupportFunction(this, 'ProductApi', {
      name: 'product-api',
      logRetention,
      // The staff scope, named in the OpenAPI document it serves.
      environment: { ...limits, ...signingEnv, STAFF_SCOPE: config.staffScope },
    });

    const stream = new SupportFunction(this, 'Stream', {
      name: 'stream',
      logRetention,
      environment: { PORTAL_URL: portalUrl, MAIL_FROM: mailFrom, MAIL_FROM_NAME: config.mailFromName },
    });
    const outbox = new OutboxMailer(this, 'Outbox', { table, mailFrom, mailDomain: config.mailDomain });
    const mailFeedback = new SupportFunction(this, 'MailFeedback', { name: 'mail-feedback', logRetention, environment: {} });
    const webhookDelivery = new WebhookDelivery(this, 'WebhookDelivery');
    const webhooks = new SupportFunction(this, 'Webhooks', { name: 'webhooks', logRetention, environment: {} });

    // Platform admins: org provisioning behind IAM authorization; deleted orgs' trails are archived.
    const archive = new AuditArchive(this, 'AuditArchive', { retentionDays: config.auditRetentionDays, key: dataKey });
    const adminApi = new SupportFunction(this, 'AdminApi', {
      name: 'admin-api',
      logRetention,
      environment: {
        ...limits,
        ...schedulerEnv,
        DEFAULT_GRANT_HOURS: String(config.defaultGrantHours),
        DEFAULT_MAX_GRANT_HOURS: String(config.defaultMaxGrantHours),
      },
    });

    // Every grant comes from the one declaration of each function's permissions.
    const functionsByName = { portal, approvals, 'support-api': supportApi, 'product-api': productApi, 'admin-api': adminApi, expire, sweep, stream, 'mail-feedback': mailFeedback, webhooks };
    for (const fn of Object.values(functionsByName)) {
      const declared = FUNCTION_PERMISSIONS[fn.supportName];
      fn.bindTable(table, dataKey);
      if (declared.schedules) scheduler.grantManage(fn);
      if (declared.sessionSecret) sessionSecret.grantRead(fn);
      if (declared.signingKeys === 'sign') signingKey.grant(fn, 'kms:Sign');
      if (declared.signingKeys) [signingKey, ...retiredKeys].forEach((k) => k.grant(fn, 'kms:GetPublicKey'));
      if (declared.auditArchive) {
        archive.grantExport(fn);
        fn.addEnvironment('AUDIT_ARCHIVE_BUCKET', archive.bucket.bucketName);
      }
      if (declared.auditExports) {
        archive.grantCsvExports(fn);
        fn.addEnvironment('AUDIT_EXPORT_BUCKET', archive.bucket.bucketName);
        fn.addEnvironment('AUDIT_EXPORT_INLINE_ROWS', String(config.auditExportInlineRows));
      }
      if (declared.streamSource) outbox.feed(fn);
      if (declared.sendsMail) outbox.grantSend(fn);
      if (declared.mailFeedback) outbox.subscribe(fn);
      if (declared.webhookSecrets === 'seal') webhookDelivery.grantSeal(fn);
      if (declared.webhookSecrets === 'open') webhookDelivery.grantOpen(fn);
      if (declared.webhookQueue === 'send') webhookDelivery.grantSend(fn);
      if (declared.webhookQueue === 'consume') webhookDelivery.feed(fn);
    }

    http.addRoutes({ portal, approvals, 'support-api': supportApi, 'product-api': productApi, 'admin-api': adminApi }, { issuer: staff.url, audience: staff.clientId, scopes: [config.staffScope] });
    const adminPolicy = new ManagedPolicy(this, 'PlatformAdminPolicy', {
      description: 'Attach to the IAM users or roles of Support Access platform admins: may call the admin API (org provisioning)',
      statements: [new PolicyStatement({ effect: Effect.ALLOW, actions: ['execute-api:Invoke'], resources: http.routeArns('iam') })],
    });

    const functions = { Portal: portal, Approvals: approvals, SupportApi: supportApi, ProductApi: productApi, AdminApi: adminApi, Expire: expire, Sweep: sweep, Stream: stream, MailFeedback: mailFeedback, Webhooks: webhooks, ...(staffToken ? { StaffToken: staffToken } : {}) };
    new Operations(this, 'Operations', {
      stage: config.stage,
      alarmEmail: config.alarmEmail,
      functions,
      deadLetterQueues: { ExpirySchedules: scheduler.deadLetterQueue, ExpireFailures: scheduler.expireFailures, StreamRecords: outbox.failures, WebhookDeliveries: webhookDelivery.deadLetters },
      api: http.api,
      expiryLagAlarmSeconds: config.expiryLagAlarmSeconds,
    });
    const pools = [customer.pool, staff.pool].flatMap((p) => (p ? [p.userPoolArn] : []));
    if (config.waf && pools.length) new WebFirewall(this, 'WebFirewall', { protect: pools });

    new CfnOutput(this, 'PortalUrl', { value: `${portalUrl}/` });
    new CfnOutput(this, 'JwksUrl', { value: `${portalUrl}/.well-known/jwks.json` });
    new CfnOutput(this, 'StaffIssuerUrl', { value: staff.url });
    new CfnOutput(this, 'StaffClientId', { value: staff.clientId });
    new CfnOutput(this, 'SupportCliLogin', {
      value: `npm run support -- login --stage ${config.stage} --api ${portalUrl} --issuer ${staff.url} --client-id ${staff.clientId}`,
      description: 'How an agent signs in to this stack (README, "Agents on a deployed stack")',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'AdminApiUrl', { value: portalUrl, description: 'npm run admin -- list --url <this>' });
    new CfnOutput(this, 'PlatformAdminPolicyArn', { value: adminPolicy.managedPolicyArn, description: 'Attach to your platform admins' });
    new CfnOutput(this, 'AuditArchiveBucket', { value: archive.bucket.bucketName });
    acknowledgeWildcards(this, WILDCARDS);
    if (http.domain) new CfnOutput(this, 'CustomDomainTarget', { value: http.domain.regionalDomainName, description: `CNAME ${config.customDomain!.name} to this` });
  }
}

/** Domains SES can never verify: a deployed stack must send from a real one. */
const UNDELIVERABLE = /\.(test|localhost|invalid|local)$/i;

/**
 * The sender a deployed stage sends every notice from: it must be named (`-c mailFrom=…`, or
 * `-c mailDomain=…` with `mailFrom` at it) and be deliverable; synth fails naming the key.
 */
function deployedSender(config: StageConfig): string {
  if (!config.mailFrom) {
    throw new StageConfigError('mailFrom', 'is required to deploy: the address every notice is sent from (-c mailFrom=support@your-company.com, and -c mailDomain=your-company.com to verify the whole domain with DKIM).');
  }
  if (UNDELIVERABLE.test(config.mailFrom.split('@')[1] ?? '')) {
    throw new StageConfigError('mailFrom', `must be at a domain SES can verify, got "${config.mailFrom}".`);
  }
  return config.mailFrom;
}

/** CloudWatch accepts only certain retention periods; take the nearest not below the config. */
function closestRetention(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number' && v > 0).sort((a, b) => a - b);
  return (allowed.find((d) => d >= days) ?? RetentionDays.TEN_YEARS) as RetentionDays;
}
