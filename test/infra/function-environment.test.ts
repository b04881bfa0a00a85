import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { build } from 'esbuild';
import { declaredEnvironment, deployedEnvironment, optionalEnvironment } from '../../infra/config/function-environment';
import { stageConfig } from '../../infra/config/stage-config';
import { FUNCTION_ENTRIES, type FunctionName } from '../../infra/local/functions';
import { SupportAccessStack } from '../../infra/stacks/support-access-stack';

const NAMES = Object.keys(FUNCTION_ENTRIES) as FunctionName[];

/** The variables a function's own code reads (its bundle with the packages left out: our code only). */
async function variablesRead(fn: FunctionName): Promise<string[]> {
  const out = await build({ entryPoints: [FUNCTION_ENTRIES[fn]], bundle: true, write: false, platform: 'node', format: 'esm', packages: 'external', treeShaking: true, logLevel: 'silent' });
  const code = out.outputFiles[0]!.text;
  const names = new Set<string>();
  for (const m of code.matchAll(/(?:requireEnv|optionalEnv|numberEnv)\(\s*["'`]([A-Z0-9_]+)["'`]/g)) names.add(m[1]!);
  for (const m of code.matchAll(/process\.env\.([A-Z0-9_]+)/g)) names.add(m[1]!);
  for (const m of code.matchAll(/process\.env\[["'`]([A-Z0-9_]+)["'`]\]/g)) names.add(m[1]!);
  return [...names].sort();
}

const config = (overrides: Record<string, unknown> = {}) => stageConfig('prod', { alarmEmail: 'oncall@vendor.example', mailFrom: 'support-access@vendor.example', ...overrides });
const template = (overrides: Record<string, unknown> = {}) =>
  Template.fromStack(new SupportAccessStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Env', { config: config(overrides), env: { account: '123456789012', region: 'eu-west-1' } }));

const synthesized = (t: Template, fn: FunctionName) => {
  const logicalPrefix = fn.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  const [, resource] = Object.entries(t.findResources('AWS::Lambda::Function')).find(([id]) => id.replace(/[0-9A-F]{8}$/, '') === logicalPrefix)!;
  return Object.keys(resource.Properties.Environment.Variables as Record<string, unknown>).sort();
};

describe('each function\'s environment, declared once', () => {
  test.each(NAMES)('%s reads no variable its declaration lacks', async (fn) => {
    const undeclared = (await variablesRead(fn)).filter((v) => !declaredEnvironment(fn).includes(v));
    expect(undeclared).toEqual([]);
  });

  test('the scan can fail: a variable outside the declaration is reported', async () => {
    // The product API reads the signing key's variables but was never given the scheduler's.
    expect(await variablesRead('support-api')).toContain('SCHEDULE_GROUP');
    expect(declaredEnvironment('product-api')).not.toContain('SCHEDULE_GROUP');
  });

  const plain = template();
  const withClaims = template({ profileClaims: { level: 'custom:level', workspaces: 'custom:workspaces' } });
  test.each(NAMES)('%s gets exactly its declared variables from the stack', (fn) => {
    expect(synthesized(plain, fn)).toEqual(deployedEnvironment(fn));
    expect(synthesized(withClaims, fn)).toEqual([...deployedEnvironment(fn), ...optionalEnvironment(fn)].sort());
  });
});
