/** The CDK app: `npx cdk synth -c stage=prod` (stage config in infra/config/stage-config.ts). */
import { App } from 'aws-cdk-lib';
import { stageConfig, StageConfigError } from './config/stage-config';
import { SupportAccessStack } from './stacks/support-access-stack';

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
const overrideNames = ['platformMaxGrantHours', 'minGrantSeconds', 'defaultGrantHours', 'defaultMaxGrantHours', 'requestExpiryHours', 'sessionMinutes', 'mailFrom', 'alarmEmail', 'logRetentionDays'];
const overrides = Object.fromEntries(overrideNames.map((name) => [name, app.node.tryGetContext(name)]));
for (const issuer of ['customerIssuer', 'staffIssuer']) {
  const url = app.node.tryGetContext(`${issuer}Url`);
  if (url) overrides[issuer] = { url, clientId: app.node.tryGetContext(`${issuer}ClientId`) };
}

const levelClaim = app.node.tryGetContext('profileLevelClaim');
const workspacesClaim = app.node.tryGetContext('profileWorkspacesClaim');
if (levelClaim || workspacesClaim) overrides.profileClaims = { level: levelClaim, workspaces: workspacesClaim };

try {
  const config = stageConfig(stage, overrides);
  new SupportAccessStack(app, `SupportAccess-${config.stage}`, {
    config,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
} catch (error) {
  if (error instanceof StageConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
