import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { stageConfig } from '../../infra/config/stage-config';
import { SupportAccessStack } from '../../infra/stacks/support-access-stack';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new SupportAccessStack(app, 'Perms', { config: stageConfig('prod', { alarmEmail: 'oncall@vendor.example', mailFrom: 'support-access@vendor.example' }), env: { account: '123456789012', region: 'eu-west-1' } });
const template = Template.fromStack(stack);

/** A resource of the template, named by what it is rather than by its logical id. */
function labelOf(resource: unknown): string {
  const text = JSON.stringify(resource);
  const rules: [RegExp, string][] = [
    [/^"\*"$/, '*'],
    [/DatabaseTable[0-9A-F]{8}","Arn"\]\},"\/index\/\*"/, 'table/index/*'],
    [/^\{"Fn::GetAtt":\["DatabaseTable[0-9A-F]{8}","Arn"\]\}$/, 'table'],
    [/DatabaseTable[0-9A-F]{8}","StreamArn"/, 'table stream'],
    [/DatabaseTableKey/, 'table key'],
    [/:schedule\/Perms-ExpiryScheduler-Group-[0-9A-F]{8}\/\*/, 'schedules in the group'],
    [/ExpirySchedulerInvokeRole/, 'scheduler role'],
    [/PortalSessionSecret/, 'cookie secret'],
    [/SessionSigningKey/, 'signing key'],
    [/AuditArchiveBucket[0-9A-F]{8}","Arn"\]\},"\/audit\/\*"/, 'archive audit/*'],
    [/AuditArchiveBucket[0-9A-F]{8}","Arn"\]\},"\/exports\/\*"/, 'archive exports/*'],
    [/OutboxStreamFailures/, 'stream failures queue'],
    [/ExpireFailures/, 'expire failures queue'],
    [/OutboxFeedback(?!Key)/, 'feedback topic'],
    [/:identity\//, 'SES identity'],
    [/WebhookDeliverySecretsKey/, 'webhook secrets key'],
    [/WebhookDeliveryDeliveries/, 'webhook queue'],
  ];
  const found = rules.find(([pattern]) => pattern.test(text));
  if (!found) throw new Error(`unlabelled resource ${text}`);
  return found[1];
}

/** Every (action, resource[, condition]) the function's role may use, as sorted lines. */
function permissionsOf(prefix: string): string[] {
  const functions = template.findResources('AWS::Lambda::Function');
  const [, fn] = Object.entries(functions).find(([id]) => id.startsWith(prefix))!;
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId));
  const lines = policies.flatMap((p) =>
    (p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[]).flatMap((s) =>
      [s.Action].flat().flatMap((action) =>
        [s.Resource].flat().map((r) => `${action} on ${labelOf(r)}${s.Condition ? ` if ${JSON.stringify(s.Condition)}` : ''}`),
      ),
    ),
  );
  return [...new Set(lines)].sort();
}

const lines = (actions: string[], resource: string, condition?: unknown) => actions.map((a) => `${a} on ${resource}${condition ? ` if ${JSON.stringify(condition)}` : ''}`);
const XRAY = lines(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*');
const READ = [...lines(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'], 'table'), ...lines(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'], 'table/index/*')];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'];
const WRITE = lines(WRITE_ACTIONS, 'table');
const KEY = lines(['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], 'table key');
const SCHEDULES = [...lines(['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'], 'schedules in the group'), ...lines(['iam:PassRole'], 'scheduler role')];
const partitions = (...keys: string[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys } });

/** Each function's exact permissions: anything more fails. */
const EXPECTED: Record<string, string[]> = {
  // Seals a new webhook's secret: Encrypt only, it never opens one.
  Portal: [...XRAY, ...READ, ...WRITE, ...KEY, ...SCHEDULES, ...lines(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], 'cookie secret'), ...lines(['s3:PutObject', 's3:PutObjectRetention', 's3:GetObject'], 'archive exports/*'), ...lines(['kms:Encrypt'], 'webhook secrets key')],
  Approvals: [...XRAY, ...READ, ...WRITE, ...KEY, ...SCHEDULES, ...lines(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], 'cookie secret')],
  SupportApi: [...XRAY, ...READ, ...WRITE, ...KEY, ...SCHEDULES, ...lines(['kms:Sign', 'kms:GetPublicKey'], 'signing key')],
  ProductApi: [...XRAY, ...READ, ...lines(WRITE_ACTIONS, 'table', partitions('AUDIT#*', 'NOTICE#*')), ...KEY, ...lines(['kms:GetPublicKey'], 'signing key')],
  AdminApi: [...XRAY, ...READ, ...WRITE, ...lines(['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'], 'table'), ...KEY, ...SCHEDULES, ...lines(['s3:PutObject'], 'archive audit/*')],
  // Re-arms an early schedule; the async on-failure destination sends to its queue.
  Expire: [...XRAY, ...READ, ...WRITE, ...KEY, ...SCHEDULES, ...lines(['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], 'expire failures queue')],
  // Re-drives notices the stream gave up on (sends mail) and goes on with stalled org deletions (deletes, archives).
  Sweep: [...XRAY, ...READ, ...WRITE, ...lines(['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'], 'table'), ...KEY, ...SCHEDULES, ...lines(['ses:SendEmail', 'ses:SendRawEmail'], 'SES identity'), ...lines(['s3:PutObject'], 'archive audit/*')],
  MailFeedback: [...XRAY, ...READ, ...lines(WRITE_ACTIONS, 'table', partitions('SUPPRESSED#*')), ...KEY],
  // The staff pool's trigger reads only the attributes Cognito hands it: no table, no key.
  StaffToken: [...XRAY],
  Stream: [
    ...XRAY,
    ...READ,
    ...lines(WRITE_ACTIONS, 'table', partitions('AUDIT#*', 'NOTICE#*', 'TOKEN#*', 'DELIVERIES#*')),
    ...KEY,
    // The stream event source mapping's own grant: read the stream, find it (ListStreams takes only *), send failures to the queue.
    ...lines(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], 'table stream'),
    ...lines(['dynamodb:ListStreams'], '*'),
    ...lines(['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], 'stream failures queue'),
    ...lines(['ses:SendEmail', 'ses:SendRawEmail'], 'SES identity'),
    // Queues webhook deliveries (never posts them).
    ...lines(['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], 'webhook queue'),
  ],
  // Posts webhooks: opens their secrets, consumes the queue (and hides a failed message for its backoff), records deliveries.
  Webhooks: [
    ...XRAY,
    ...READ,
    ...lines(WRITE_ACTIONS, 'table', partitions('AUDIT#*', 'NOTICE#*', 'DELIVERIES#*', 'ORG#*')),
    ...KEY,
    ...lines(['kms:Decrypt'], 'webhook secrets key'),
    ...lines(['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], 'webhook queue'),
  ],
};

describe('every function holds exactly what it needs', () => {
  test.each(Object.keys(EXPECTED))('%s: exact actions and resources', (prefix) => {
    expect(permissionsOf(prefix)).toEqual([...new Set(EXPECTED[prefix])].sort());
  });

  test('the expectations cover every function of the stack', () => {
    const ids = Object.keys(template.findResources('AWS::Lambda::Function')).map((id) => id.replace(/[0-9A-F]{8}$/, ''));
    expect(ids.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  test('nobody scans, only org deletion (admin API, sweep) deletes, nothing re-encrypts', () => {
    const all = Object.keys(EXPECTED).flatMap(permissionsOf);
    expect(all.filter((l) => l.startsWith('dynamodb:Scan'))).toEqual([]);
    expect(all.filter((l) => l.startsWith('kms:ReEncrypt'))).toEqual([]);
    for (const prefix of Object.keys(EXPECTED)) {
      const deletes = permissionsOf(prefix).filter((l) => /^dynamodb:(DeleteItem|BatchWriteItem) /.test(l));
      expect([prefix, deletes.length > 0]).toEqual([prefix, ['AdminApi', 'Sweep'].includes(prefix)]);
    }
  });
});
