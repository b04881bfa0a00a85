import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { stageConfig } from '../../infra/config/stage-config';
import { SupportAccessStack } from '../../infra/stacks/support-access-stack';
import { FUNCTION_ENTRIES } from '../../infra/local/functions';

/** Synthesizes with bundling on (the other infra tests skip it): esbuild runs for every function. */
describe('every function is bundled on its own, split into chunks', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-'));
  const app = new App({ outdir });
  const stack = new SupportAccessStack(app, 'Bundles', { config: stageConfig('prod', { alarmEmail: 'oncall@vendor.example', mailFrom: 'support-access@vendor.example' }), env: { account: '123456789012', region: 'eu-west-1' } });
  const template = Template.fromStack(stack);
  app.synth();
  const functions = Object.entries(template.findResources('AWS::Lambda::Function'));

  test('each function has its own asset: index.mjs from its own entry, its handler at index.handler', () => {
    const keys = functions.map(([, fn]) => fn.Properties.Code.S3Key as string);
    expect(new Set(keys).size).toBe(Object.keys(FUNCTION_ENTRIES).length);
    for (const [id, fn] of functions) {
      const asset = join(outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
      expect([id, fn.Properties.Handler, existsSync(join(asset, 'index.mjs'))]).toEqual([id, 'index.handler', true]);
    }
  });

  const assetOf = (prefix: string) => {
    const [, fn] = functions.find(([id]) => id.startsWith(prefix))!;
    return join(outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
  };
  /** index.mjs and every chunk it imports statically (not the `import()`ed ones): what a cold start parses. */
  const coldStartCode = (prefix: string) => {
    const asset = assetOf(prefix);
    const seen = new Set<string>();
    const visit = (file: string): string => {
      if (seen.has(file)) return '';
      seen.add(file);
      const code = readFileSync(join(asset, file), 'utf8');
      const imported = [...code.matchAll(/(?:from|import)\s*"\.\/((?:chunks\/)?[^"]+\.mjs)"/g)].map((m) => (file.includes('/') && !m[1]!.startsWith('chunks/') ? `chunks/${m[1]}` : m[1]!));
      return code + imported.map(visit).join('');
    };
    return visit('index.mjs');
  };

  test('what only some routes need is a chunk loaded when used, not in what a cold start loads (the portal\'s OIDC client, audit and webhook pages, the support API\'s KMS client, the sweep\'s SES client)', () => {
    const portal = coldStartCode('Portal');
    expect(portal).toContain('Support has no access to your account right now.');
    expect(portal).not.toContain('openid-client');
    expect(portal).not.toMatch(/authorization_endpoint/);
    expect(portal).not.toContain('ipaddr: cannot parse');
    expect(portal).not.toContain('Everything that happened in your organization');
    expect(coldStartCode('SupportApi')).not.toContain('TrentService');
    expect(coldStartCode('Sweep')).not.toContain('SimpleEmailService_v2');
  });

  test('the S3 adapters are bundled apart and load by name from the function\'s package (`#s3-adapters`), so no cold start parses S3\'s share of the SDK', () => {
    for (const prefix of ['AdminApi', 'Portal']) expect([prefix, coldStartCode(prefix).includes('aws.protocols#restXml')]).toEqual([prefix, false]);

    const loaded = spawnSync(process.execPath, ['--input-type=module', '-e', "const m = await import('#s3-adapters'); console.log(Object.keys(m).sort().join(','))"], { cwd: assetOf('AdminApi'), encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });

    expect([loaded.stderr, loaded.stdout.trim()]).toEqual(['', 'S3AuditArchive,S3Client,S3ExportStore']);
  });

  test('source maps name the TypeScript sources but do not carry them (a smaller map for Node to parse at every cold start)', () => {
    for (const [id, fn] of functions) {
      const map = JSON.parse(readFileSync(join(outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`, 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
      expect([id, map.sourcesContent, map.sources.some((source) => /functions\/[a-z-]+\.ts$/.test(source))]).toEqual([id, undefined, true]);
    }
  });
});
