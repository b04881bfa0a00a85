/** The CDK app: `npx cdk synth -c stage=prod` (stage config in infra/config/stage-config.ts). */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTEXT_FIELDS, stageConfig, StageConfigError } from './config/stage-config';
import { SupportAccessStack } from './stacks/support-access-stack';

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
const overrides = Object.fromEntries(CONTEXT_FIELDS.map((name) => [name, app.node.tryGetContext(name)]));
for (const issuer of ['customerIssuer', 'staffIssuer']) {
  const url = app.node.tryGetContext(`${issuer}Url`);
  if (url) overrides[issuer] = { url, clientId: app.node.tryGetContext(`${issuer}ClientId`) };
}

const domainName = app.node.tryGetContext('customDomainName');
if (domainName) overrides.customDomain = { name: domainName, certificateArn: app.node.tryGetContext('customDomainCertificateArn') };

const levelClaim = app.node.tryGetContext('profileLevelClaim');
const workspacesClaim = app.node.tryGetContext('profileWorkspacesClaim');
if (levelClaim || workspacesClaim) overrides.profileClaims = { level: levelClaim, workspaces: workspacesClaim };

try {
  const config = stageConfig(stage, overrides);
  new SupportAccessStack(app, `SupportAccess-${config.stage}`, {
    config,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  // cdk-nag's AWS Solutions rules run as a policy-validation plugin: an unacknowledged error fails
  // synth. Each acknowledgment carries its reason, next to its resource (`acknowledge(...)` in the
  // constructs) or in the stack's list of wildcards.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
} catch (error) {
  if (error instanceof StageConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
