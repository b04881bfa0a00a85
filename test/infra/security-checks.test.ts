import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stageConfig } from '../../infra/config/stage-config';
import { SupportAccessStack } from '../../infra/stacks/support-access-stack';

/** The product stack as `npm run synth` builds it (without bundling), for a stage config. */
function stack(overrides: Record<string, unknown> = {}): Stack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return new SupportAccessStack(app, 'Nag', { config: stageConfig('prod', { alarmEmail: 'oncall@vendor.example', mailFrom: 'support-access@vendor.example', ...overrides }), env: { account: '123456789012', region: 'eu-west-1' } });
}

const violationsOf = (scope: Stack) => new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(scope).violations;

describe('cdk-nag AwsSolutions', () => {
  test.each([
    ['prod defaults', {}],
    ['with WAF, a custom domain, a sender domain and alarm email', { waf: true, mailFrom: 'help@vendor.example', mailDomain: 'vendor.example', alarmEmail: 'oncall@vendor.example', customDomain: { name: 'access.vendor.example', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123' } }],
    ['with external issuers', { customerIssuer: { url: 'https://id.customer.example', clientId: 'portal' }, staffIssuer: { url: 'https://login.vendor.example', clientId: 'agents' } }],
  ])('%s: no unacknowledged findings', (_name, overrides) => {
    const violations = violationsOf(stack(overrides));
    expect(violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`)).toEqual([]);
  });

  test('every acknowledgment carries a written reason', () => {
    const s = stack();
    const acknowledgments = s.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.entries(m.data as Record<string, string>)));
    expect(acknowledgments.length).toBeGreaterThan(10);
    for (const [id, reason] of acknowledgments) {
      // CDK acknowledges one CloudFormation lint rule itself (the access-log bucket's ACL).
      if (id.startsWith('CloudFormation-Validate::')) continue;
      expect(id).toMatch(/AwsSolutions-/);
      expect(reason.length).toBeGreaterThan(30);
    }
  });

  test('the check can fail: an unencrypted, unlogged bucket added to the stack is reported', () => {
    const s = stack();
    new Bucket(s, 'CarelessBucket');
    const rules = violationsOf(s).map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining([expect.stringMatching(/AwsSolutions-S1/), expect.stringMatching(/AwsSolutions-S10/)]));
  });
});

describe('the CDK app', () => {
  test('a stage config value out of range fails synth with a message naming the field', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      env: { ...process.env, CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'synth-')), CDK_CONTEXT_JSON: JSON.stringify({ stage: 'prod', platformMaxGrantHours: '5000', 'aws:cdk:bundling-stacks': [] }) },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Invalid stage config: platformMaxGrantHours must be a number from 1 to 4320, got 5000.');
  });
});
