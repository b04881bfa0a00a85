import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { stageConfig, StageConfigError } from '../../infra/config/stage-config';
import { SupportAccessStack } from '../../infra/stacks/support-access-stack';

const stackFor = (overrides: Record<string, unknown>) =>
  new SupportAccessStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Mail', { config: stageConfig('prod', { alarmEmail: 'oncall@vendor.example', ...overrides }), env: { account: '123456789012', region: 'eu-west-1' } });

/**
 * Finding: no email could leave a deployed dev or test stage (they sent from an address SES can
 * never verify) and prod defaulted to an example address; there was no configuration set and no
 * bounce or complaint handling.
 */
describe('SES you can deploy', () => {
  test('a deployed stage must name its sender: synth fails naming the key', () => {
    expect(() => stackFor({})).toThrow(StageConfigError);
    expect(() => stackFor({})).toThrow(/^Invalid stage config: mailFrom is required to deploy/);
    expect(() => stackFor({ mailFrom: 'support-access@localhost.test' })).toThrow(/mailFrom must be at a domain SES can verify/);
  });

  test('a configuration set sends bounces and complaints through an encrypted topic to the mail-feedback function', () => {
    const t = Template.fromStack(stackFor({ mailFrom: 'help@vendor.example' }));
    const [setId] = Object.keys(t.findResources('AWS::SES::ConfigurationSet'));
    t.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: setId },
      EventDestination: { Enabled: true, MatchingEventTypes: Match.arrayWith(['bounce', 'complaint']), SnsDestination: { TopicARN: Match.anyValue() } },
    });
    t.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'help@vendor.example', ConfigurationSetAttributes: { ConfigurationSetName: { Ref: setId } } });
    t.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'Support Access mail bounces and complaints', KmsMasterKeyId: Match.anyValue() });
    const [feedbackFn] = Object.keys(t.findResources('AWS::Lambda::Function')).filter((id) => id.startsWith('MailFeedback'));
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda', Endpoint: { 'Fn::GetAtt': [feedbackFn, 'Arn'] } });
    for (const prefix of ['Stream', 'Sweep']) {
      const fn = Object.entries(t.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith(prefix))![1];
      expect(fn.Properties.Environment.Variables).toMatchObject({ MAIL_FROM: 'help@vendor.example', MAIL_CONFIGURATION_SET: { Ref: setId } });
    }
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.filter((a) => a.MetricName === 'NoticesFailed' || a.MetricName === 'SweepFailures').map((a) => [a.MetricName, a.Threshold])).toEqual([['NoticesFailed', 1], ['SweepFailures', 1]]);
  });

  test('with a sender domain, the three DKIM records are stack outputs', () => {
    const t = Template.fromStack(stackFor({ mailFrom: 'help@vendor.example', mailDomain: 'vendor.example' }));
    const outputs = Object.entries(t.findOutputs('*')).filter(([id]) => id.includes('DkimRecord'));
    expect(outputs).toHaveLength(3);
    t.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'vendor.example' });
  });
});
