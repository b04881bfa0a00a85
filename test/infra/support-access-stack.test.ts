import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { stageConfig, StageConfigError } from '../../infra/config/stage-config';
import { SupportAccessStack } from '../../infra/stacks/support-access-stack';
import { TABLE } from '../../shared/adapters/dynamodb/table-definition';
import { ROUTES } from '../../shared/http/routes';
import { FUNCTION_ENTRIES } from '../../infra/local/functions';
import { WEBHOOK_QUEUE } from '../../infra/config/webhook-queue';

/** Synthesizes the stack without bundling (esbuild is exercised by `npm run synth`). */
function synth(overrides: Record<string, unknown> = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new SupportAccessStack(app, 'Test', { config: stageConfig('prod', { alarmEmail: 'oncall@vendor.example', mailFrom: 'support-access@vendor.example', ...overrides }), env: { account: '123456789012', region: 'eu-west-1' } });
  return Template.fromStack(stack);
}

/** The statements of the policy attached to the role of the function whose logical id starts with `prefix`. */
function actionsOf(template: Template, prefix: string): string[] {
  const functions = template.findResources('AWS::Lambda::Function');
  const [, fn] = Object.entries(functions).find(([id]) => id.startsWith(prefix))!;
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId),
  );
  return policies.flatMap((p) => (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => [s.Action].flat()));
}

describe('SupportAccessStack', () => {
  const template = synth();

  test('the table has the shared keys, sparse indexes, TTL in epoch seconds, a stream and PITR', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: Object.values(TABLE.indexes).map((i) => Match.objectLike({ IndexName: i.name })),
    });
  });

  test('every function runs Node.js 22 on ARM64 with an explicit log group', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(Object.keys(FUNCTION_ENTRIES).length);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], LoggingConfig: { LogGroup: expect.anything() } });
    }
  });

  test('EventBridge Scheduler assumes a role that may only invoke expire and write to its dead-letter queue', () => {
    // No retained resource keeps a fixed name: the group is deleted with the stack (a redeploy can recreate it)
    const groups = Object.values(template.findResources('AWS::Scheduler::ScheduleGroup'));
    expect(groups).toHaveLength(1);
    expect(groups[0]!.DeletionPolicy).toBe('Delete');
    for (const [type, resource] of Object.entries(template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string; Properties?: Record<string, unknown> }>)) {
      if (resource.DeletionPolicy !== 'Retain') continue;
      const named = ['TableName', 'BucketName', 'LogGroupName', 'AliasName', 'Name'].filter((k) => typeof resource.Properties?.[k] === 'string');
      expect([type, resource.Type, named]).toEqual([type, resource.Type, []]);
    }
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })] },
    });
    const roles = template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })] } } });
    const roleId = Object.keys(roles)[0]!;
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))!;
    const statements = policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[];
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    expect(actions).toEqual(['lambda:InvokeFunction', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    const invoke = statements.find((s) => s.Action === 'lambda:InvokeFunction')!;
    expect(JSON.stringify(invoke.Resource)).toMatch(/"Expire[0-9A-F]{8}"/);
    expect(JSON.stringify(invoke.Resource)).not.toMatch(/Portal|SupportApi|Stream/);
  });

  test('functions that schedule expiries may create, update and delete schedules and pass only that role', () => {
    for (const prefix of ['Portal', 'Approvals', 'SupportApi']) {
      const actions = actionsOf(template, prefix);
      expect(actions).toEqual(expect.arrayContaining(['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'iam:PassRole']));
    }
    expect(actionsOf(template, 'ProductApi')).not.toContain('scheduler:CreateSchedule');
  });

  test('least privilege: only the support API signs, only the stream sends email, the product API verifies', () => {
    expect(actionsOf(template, 'SupportApi')).toContain('kms:Sign');
    expect(actionsOf(template, 'Portal')).not.toContain('kms:Sign');
    expect(actionsOf(template, 'ProductApi')).not.toContain('kms:Sign');
    expect(actionsOf(template, 'ProductApi')).toContain('kms:GetPublicKey');
    expect(actionsOf(template, 'Stream')).toEqual(expect.arrayContaining(['ses:SendEmail']));
    for (const prefix of ['Portal', 'Approvals', 'SupportApi', 'ProductApi', 'Expire']) expect(actionsOf(template, prefix)).not.toContain('ses:SendEmail');
  });

  test('rotation: generation 2 signs with a new key while generation 1 stays published', () => {
    const t = synth({ signingKeyGeneration: 2 });
    const keys = Object.keys(t.findResources('AWS::KMS::Key', { Properties: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' } }));
    expect(keys.map((k) => k.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['SessionSigningKey', 'SessionSigningKey2']);
    const env = (prefix: string) =>
      Object.entries(t.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(prefix))![1].Properties.Environment.Variables as Record<string, unknown>;
    for (const fn of ['SupportApi', 'ProductApi']) {
      expect(JSON.stringify(env(fn).SIGNING_KEY_ID)).toContain('SessionSigningKey2');
      expect(JSON.stringify(env(fn).RETIRED_SIGNING_KEY_IDS)).toMatch(/"SessionSigningKey[0-9A-F]{8}"/);
    }
    expect(() => stageConfig('prod', { signingKeyGeneration: 0 })).toThrow(/signingKeyGeneration/);
  });

  test('the sweep runs every 5 minutes on a rule targeting the sweep function', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r) => r.Properties as { ScheduleExpression: string; Targets: { Arn: unknown }[] });
    const sweepRule = rules.find((r) => r.ScheduleExpression === 'rate(5 minutes)');
    expect(sweepRule).toBeDefined();
    expect(JSON.stringify(sweepRule!.Targets[0]!.Arn)).toMatch(/"Sweep[0-9A-F]{8}"/);
  });

  test('every shared route exists; staff routes sit behind the JWT authorizer, admin routes behind IAM, the rest authenticate in the function', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Audience: [Match.anyValue()], Issuer: Match.anyValue() },
    });
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties as { RouteKey: string; AuthorizationType: string });
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of ROUTES) {
      const found = routes.find((r) => r.RouteKey === `${route.method} ${route.path}`)!;
      expect(found.AuthorizationType).toBe({ 'staff-jwt': 'JWT', iam: 'AWS_IAM', none: 'NONE' }[route.auth]);
    }
    expect(ROUTES.filter((r) => r.path.startsWith('/admin/')).every((r) => r.auth === 'iam')).toBe(true);
  });

  test('platform admins get a policy that may invoke exactly the admin routes', () => {
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    const statements = policy!.Properties.PolicyDocument.Statement as { Action: string; Resource: unknown[] }[];
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Action).toBe('execute-api:Invoke');
    const resources = JSON.stringify(statements[0]!.Resource);
    for (const route of ROUTES.filter((r) => r.auth === 'iam')) expect(resources).toContain(`/$default/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`);
    expect(resources).not.toContain('/support/');
    expect(statements[0]!.Resource).toHaveLength(ROUTES.filter((r) => r.auth === 'iam').length);
  });

  test('the API stage is throttled from stage config and writes access logs', () => {
    const t = synth({ apiRateLimit: 50, apiBurstLimit: 80 });
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 80 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });

  test('the table is encrypted with a customer-managed key that rotates', () => {
    const keys = template.findResources('AWS::KMS::Key', { Properties: { EnableKeyRotation: true } });
    const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0]!;
    expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } });
    expect(Object.keys(keys)).toContain(table.Properties.SSESpecification.KMSMasterKeyId['Fn::GetAtt'][0]);
  });

  test('deleted orgs\' audit trails go to a write-once bucket the admin function may only put into', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 2557 } } },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    const actions = actionsOf(template, 'AdminApi');
    expect(actions.filter((a) => a.startsWith('s3:'))).not.toEqual(expect.arrayContaining(['s3:GetObject*', 's3:DeleteObject*']));
    expect(actions).toEqual(expect.arrayContaining(['s3:PutObject']));
  });

  test('the stream feeds the mailer with bisect-on-error, partial batch failures and an on-failure queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  test('webhooks: a FIFO queue with its backoff window, a FIFO dead-letter queue, partial batch failures, and a rotating secrets key', () => {
    const queues = Object.entries(template.findResources('AWS::SQS::Queue')).filter(([id]) => id.startsWith('WebhookDelivery'));
    const deliveries = queues.find(([id]) => id.startsWith('WebhookDeliveryDeliveries'))![1].Properties;
    expect(deliveries).toMatchObject({
      FifoQueue: true,
      VisibilityTimeout: WEBHOOK_QUEUE.visibilityTimeoutSeconds,
      MessageRetentionPeriod: WEBHOOK_QUEUE.retentionSeconds,
      RedrivePolicy: { maxReceiveCount: WEBHOOK_QUEUE.maxReceiveCount },
    });
    expect(deliveries.ContentBasedDeduplication).not.toBe(true);
    // Longer than the 24 hours of retries, and six times the consumer's timeout.
    expect(WEBHOOK_QUEUE.retentionSeconds).toBeGreaterThan(24 * 3600);
    expect(queues.find(([id]) => id.startsWith('WebhookDeliveryDeadLetters'))![1].Properties.FifoQueue).toBe(true);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebhookDeliveryDeliveries'), 'Arn'] },
      BatchSize: WEBHOOK_QUEUE.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const keys = Object.entries(template.findResources('AWS::KMS::Key')).filter(([id]) => id.startsWith('WebhookDeliverySecretsKey'));
    expect(keys.map(([, k]) => k.Properties.EnableKeyRotation)).toEqual([true]);
    // Loopback and plain-http receivers are the local stack's alone.
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) expect(fn.Properties.Environment.Variables.WEBHOOK_ALLOW_LOCAL).toBeUndefined();
  });

  test('expire, invoked asynchronously by Scheduler, has Lambda\'s two retries and an on-failure queue with an alarm; the expiry-lag alarm fits one-minute precision', () => {
    const [expireId] = Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) => id.startsWith('Expire'));
    const queues = template.findResources('AWS::SQS::Queue');
    const failuresId = Object.keys(queues).find((id) => id.includes('ExpireFailures'))!;
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: expireId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failuresId, 'Arn'] } } },
    });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Dimensions).includes(failuresId))).toEqual([expect.objectContaining({ Threshold: 1 })]);
    // Rounded up to the minute, then fired within it: up to 120 s is normal; the default alarms at 180 s.
    expect(alarms.filter((a) => a.MetricName === 'ExpiryLagSeconds')).toEqual([expect.objectContaining({ Threshold: 180 })]);
    expect(alarms.filter((a) => JSON.stringify(a.Dimensions ?? []).includes(expireId!) && a.MetricName === 'Errors')).toEqual([expect.objectContaining({ Threshold: 1 })]);
  });

  test('the local stack clock is never deployed: no route, no function variable', () => {
    expect(ROUTES.filter((r) => /clock|__/.test(r.path))).toEqual([]);
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(Object.keys(fn.Properties.Environment.Variables).filter((k) => k.startsWith('SA_'))).toEqual([]);
    }
  });

  test('alarms watch the dead-letter queues, every function errors and throttles, API 5xx and expiry lag, and go to the alarm email', () => {
    const t = synth({ alarmEmail: 'oncall@vendor.example', mailFrom: 'support-access@vendor.example', expiryLagAlarmSeconds: 90 });
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const named = (metric: string) => alarms.filter((a) => a.MetricName === metric);
    expect(named('ApproximateNumberOfMessagesVisible')).toHaveLength(4);
    expect(named('Errors')).toHaveLength(Object.keys(FUNCTION_ENTRIES).length);
    expect(named('Throttles')).toHaveLength(Object.keys(FUNCTION_ENTRIES).length);
    expect(named('5xx')).toHaveLength(1);
    expect(named('ExpiryLagSeconds')).toEqual([expect.objectContaining({ Namespace: 'SupportAccess', Threshold: 90, Statistic: 'Maximum' })]);
    const [topicId] = Object.keys(t.findResources('AWS::SNS::Topic', { Properties: { DisplayName: Match.stringLikeRegexp('alarms') } }));
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@vendor.example' });
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  test('functions emit Powertools logs and metrics into the namespace the alarms read', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment.Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'support-access', POWERTOOLS_METRICS_NAMESPACE: 'SupportAccess' });
    }
  });

  test('WAF protects the created sign-in pools when configured, and is absent when not', () => {
    synth({ waf: true }).resourceCountIs('AWS::WAFv2::WebACLAssociation', 2);
    synth({ waf: false }).resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('a custom domain is mapped to the API and becomes the portal URL', () => {
    const t = synth({ customDomain: { name: 'access.vendor.example', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123' } });
    t.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'access.vendor.example' });
    t.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    const portal = Object.entries(t.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('Portal'))![1];
    expect(portal.Properties.Environment.Variables.PORTAL_URL).toBe('https://access.vendor.example');
  });

  test('the signing key is an asymmetric P-256 KMS key', () => {
    template.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  });

  test('SES sends from the configured identity: the address, or the whole domain with DKIM', () => {
    synth({ mailFrom: 'help@vendor.example' }).hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'help@vendor.example' });
    synth({ mailFrom: 'help@vendor.example', mailDomain: 'vendor.example' }).hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'vendor.example' });
  });

  describe("agents' access tokens", () => {
    const staffPoolId = () => Object.entries(template.findResources('AWS::Cognito::UserPool')).find(([id]) => id.startsWith('StaffIssuer'))![0];
    const staffClient = () => Object.values(template.findResources('AWS::Cognito::UserPoolClient')).find((c) => c.Properties.UserPoolId.Ref === staffPoolId())!.Properties;

    test("the staff client's only callback is the support CLI's loopback; code flow with the API scope", () => {
      expect(staffClient()).toMatchObject({
        CallbackURLs: ['http://localhost:8976/callback'],
        AllowedOAuthFlows: ['code'],
        AllowedOAuthScopes: expect.arrayContaining(['openid', 'email', 'support-access/agent']),
        GenerateSecret: false,
      });
      const t = synth({ cliCallbackPort: '9123' });
      const ids = Object.keys(t.findResources('AWS::Cognito::UserPool'));
      const client = Object.values(t.findResources('AWS::Cognito::UserPoolClient')).find((c) => c.Properties.UserPoolId.Ref === ids.find((id) => id.startsWith('StaffIssuer')))!;
      expect(client.Properties.CallbackURLs).toEqual(['http://localhost:9123/callback']);
    });

    test('the staff pool has the resource server and its scope; the customer pool has none', () => {
      const servers = Object.values(template.findResources('AWS::Cognito::UserPoolResourceServer')).map((r) => r.Properties);
      expect(servers).toEqual([expect.objectContaining({ Identifier: 'support-access', Scopes: [expect.objectContaining({ ScopeName: 'agent' })], UserPoolId: { Ref: staffPoolId() } })]);
    });

    test('every support route requires the scope; no other route names one', () => {
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties as { RouteKey: string; AuthorizationScopes?: string[] });
      for (const route of ROUTES) {
        const found = routes.find((r) => r.RouteKey === `${route.method} ${route.path}`)!;
        expect([found.RouteKey, found.AuthorizationScopes]).toEqual([found.RouteKey, route.auth === 'staff-jwt' ? ['support-access/agent'] : undefined]);
      }
      const other = Object.values(synth({ staffScope: 'api.vendor/support' }).findResources('AWS::ApiGatewayV2::Route')).filter((r) => r.Properties.AuthorizationType === 'JWT');
      expect(new Set(other.map((r) => JSON.stringify(r.Properties.AuthorizationScopes)))).toEqual(new Set([JSON.stringify(['api.vendor/support'])]));
    });

    test("a V2 pre-token-generation trigger adds the email claim; the pool is on a plan that allows it", () => {
      const pool = template.findResources('AWS::Cognito::UserPool')[staffPoolId()]!.Properties;
      expect(pool.UserPoolTier).toBe('ESSENTIALS');
      expect(pool.LambdaConfig.PreTokenGenerationConfig).toEqual({ LambdaArn: { 'Fn::GetAtt': [expect.stringMatching(/^StaffToken[0-9A-F]{8}$/), 'Arn'] }, LambdaVersion: 'V2_0' });
      const trigger = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('StaffToken'))![1];
      expect(trigger.Properties.Environment.Variables.STAFF_EMAIL_CLAIM).toBe('email');
      const supportApi = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('SupportApi'))![1];
      expect(supportApi.Properties.Environment.Variables.STAFF_EMAIL_CLAIM).toBe('email');
      // Cognito may invoke it, and only from the staff pool.
      template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'cognito-idp.amazonaws.com', FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StaffToken'), 'Arn'] }, SourceArn: { 'Fn::GetAtt': [staffPoolId(), 'Arn'] } });
    });

    test('a configured staff issuer brings its own claim and scope: no pool, no trigger', () => {
      const t = synth({ staffIssuer: { url: 'https://login.vendor.example', clientId: 'agents' }, staffEmailClaim: 'https://vendor.example/email', staffScope: 'support:agent' });
      expect(Object.keys(t.findResources('AWS::Lambda::Function')).filter((id) => id.startsWith('StaffToken'))).toEqual([]);
      const supportApi = Object.entries(t.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('SupportApi'))![1];
      expect(supportApi.Properties.Environment.Variables.STAFF_EMAIL_CLAIM).toBe('https://vendor.example/email');
      expect(new Set(Object.values(t.findResources('AWS::ApiGatewayV2::Route')).filter((r) => r.Properties.AuthorizationType === 'JWT').map((r) => r.Properties.AuthorizationScopes[0]))).toEqual(new Set(['support:agent']));
    });

    test('the stack prints the command an agent signs in with', () => {
      const outputs = template.findOutputs('SupportCliLogin');
      expect(JSON.stringify(outputs)).toMatch(/npm run support -- login --stage prod --api /);
    });
  });

  test('Cognito pools are created when no issuer is configured, and not when one is', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 2);
    const t = synth({ staffIssuer: { url: 'https://login.vendor.example', clientId: 'agents' } });
    t.resourceCountIs('AWS::Cognito::UserPool', 1);
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { JwtConfiguration: { Audience: ['agents'], Issuer: 'https://login.vendor.example' } });
  });
});

describe('stage config', () => {
  test.each([
    [{ platformMaxGrantHours: 5000 }, 'platformMaxGrantHours'],
    [{ defaultMaxGrantHours: 5000 }, 'defaultMaxGrantHours'],
    [{ sessionMinutes: 60 }, 'sessionMinutes'],
    [{ mailFrom: 'not-an-address' }, 'mailFrom'],
    [{ platformMaxGrantHours: 'lots' }, 'platformMaxGrantHours'],
    [{ auditRetentionDays: 30 }, 'auditRetentionDays'],
    [{ apiRateLimit: 0 }, 'apiRateLimit'],
    [{ apiRateLimit: 100, apiBurstLimit: 50 }, 'apiBurstLimit'],
    [{ waf: 'yes' }, 'waf'],
    [{ mailDomain: 'vendor.example', mailFrom: 'help@other.example' }, 'mailFrom'],
    [{ mailDomain: 'not a domain' }, 'mailDomain'],
    [{ alarmEmail: 'oncall' }, 'alarmEmail'],
    [{ customDomain: { name: 'access.vendor.example', certificateArn: 'nope' } }, 'customDomain.certificateArn'],
    [{ staffScope: 'two scopes' }, 'staffScope'],
    [{ staffScope: 'agent' }, 'staffScope'],
    [{ staffEmailClaim: '' }, 'staffEmailClaim'],
    [{ staffEmailClaim: 'agent email' }, 'staffEmailClaim'],
    [{ cliCallbackPort: 80 }, 'cliCallbackPort'],
    [{ cliCallbackPort: 8976.5 }, 'cliCallbackPort'],
  ])('%o is refused, naming %s', (override, field) => {
    const config = { alarmEmail: 'oncall@vendor.example', mailFrom: 'support-access@vendor.example', ...override };
    expect(() => stageConfig('prod', config)).toThrow(StageConfigError);
    expect(() => stageConfig('prod', config)).toThrow(new RegExp(`^Invalid stage config: ${field} `));
  });

  test('an unknown stage is refused', () => {
    expect(() => stageConfig('qa')).toThrow('Invalid stage config: stage must be one of dev, test, prod');
  });

  test('numbers from cdk context arrive as strings and are accepted', () => {
    expect(stageConfig('prod', { alarmEmail: 'oncall@vendor.example', mailFrom: 'support-access@vendor.example', platformMaxGrantHours: '720' }).platformMaxGrantHours).toBe(720);
  });

  test('a production stage cannot deploy without somewhere for its alarms to go', () => {
    expect(() => stageConfig('prod')).toThrow('Invalid stage config: alarmEmail is required on the production stage "prod"');
    expect(stageConfig('dev').alarmEmail).toBeUndefined();
  });

  test('staff threat protection is a stage switch: the Plus plan with full-function protection on the staff pool only', () => {
    const pools = (t: Template) => Object.values(t.findResources('AWS::Cognito::UserPool')).map((p) => p.Properties as { UserPoolTier?: string; UserPoolAddOns?: { AdvancedSecurityMode?: string }; MfaConfiguration: string });
    expect(pools(synth()).some((p) => p.UserPoolTier === 'PLUS')).toBe(false);
    const on = pools(synth({ staffThreatProtection: 'true' }));
    expect(on.filter((p) => p.UserPoolTier === 'PLUS').map((p) => [p.MfaConfiguration, p.UserPoolAddOns?.AdvancedSecurityMode])).toEqual([['ON', 'ENFORCED']]);
  });
});
