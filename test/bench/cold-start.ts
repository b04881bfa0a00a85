import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLING } from '../../infra/constructs/support-function';
import { FUNCTION_ENTRIES, type FunctionName } from '../../infra/local/functions';
import { functionEnvironment, platformEnvironment } from '../../infra/local/layout';
import { benchLayout } from './bench-stack';

export interface ColdStartRow {
  fn: string;
  bytes: number;
  initMs: number;
  /** module init, this function / the hello-world bundle */
  ratio: number;
  /** module init, this function / a bundle that only creates a DynamoDB client */
  sdkRatio: number;
}

const OUT = resolve('.bench-data', 'bundles');
const HELLO = 'hello-world';
/** The least any function that talks to DynamoDB must load. */
const SDK_FLOOR = 'hello-dynamodb';

/**
 * Bundles an entry exactly as the CDK `SupportFunction` does (its BUNDLING settings, including
 * whether the AWS SDK is bundled or left to the Lambda runtime).
 */
async function bundle(name: string, entry: string): Promise<string> {
  const outfile = join(OUT, name, 'index.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: BUNDLING.format === 'esm' ? 'esm' : 'cjs',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    mainFields: BUNDLING.mainFields,
    banner: { js: BUNDLING.banner },
    external: BUNDLING.bundleAwsSDK ? [] : ['@aws-sdk/*'],
    logLevel: 'error',
  });
  return outfile;
}

/** Import until the handler is exported, in a fresh Node process with the function's environment (and Lambda's --enable-source-maps). */
function initOnce(file: string, env: Record<string, string>): number {
  const script = `const t0 = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(file).href)}); const ms = performance.now() - t0; if (typeof m.handler !== 'function') process.exit(3); console.log(ms);`;
  const run = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { env: { ...process.env, ...env, NODE_OPTIONS: '' }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`init of ${file} failed (${run.status}): ${run.stderr.slice(0, 500)}`);
  return Number(run.stdout.trim());
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.ceil((sorted.length - 1) / 2)]!) / 2;
};

export async function measureColdStart(runs: number, progress: (line: string) => void): Promise<ColdStartRow[]> {
  mkdirSync(join(OUT, HELLO), { recursive: true });
  const helloEntry = join(OUT, HELLO, 'entry.ts');
  writeFileSync(helloEntry, "export const handler = async () => ({ statusCode: 200, body: 'hello' });\n");
  const env = { ...platformEnvironment(benchLayout), ...functionEnvironment(benchLayout), NODE_OPTIONS: '' };
  const measure = (file: string) => median(Array.from({ length: runs }, () => initOnce(file, env)));

  mkdirSync(join(OUT, SDK_FLOOR), { recursive: true });
  const sdkEntry = join(OUT, SDK_FLOOR, 'entry.ts');
  writeFileSync(sdkEntry, "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nconst client = new DynamoDBClient({});\nexport const handler = async () => client.config.region();\n");

  const helloFile = await bundle(HELLO, helloEntry);
  const helloMs = measure(helloFile);
  const sdkFile = await bundle(SDK_FLOOR, sdkEntry);
  const sdkMs = measure(sdkFile);
  const row = (fn: string, file: string, initMs: number): ColdStartRow => ({ fn, bytes: statSync(file).size, initMs, ratio: initMs / helloMs, sdkRatio: initMs / sdkMs });
  const rows: ColdStartRow[] = [row(HELLO, helloFile, helloMs), row(SDK_FLOOR, sdkFile, sdkMs)];
  for (const [fn, entry] of Object.entries(FUNCTION_ENTRIES) as [FunctionName, string][]) {
    const file = await bundle(fn, entry);
    rows.push(row(fn, file, measure(file)));
    const r = rows.at(-1)!;
    progress(`  ${fn}: ${(r.bytes / 1024).toFixed(0)} KiB, init ${r.initMs.toFixed(1)} ms (${r.ratio.toFixed(1)}× hello-world, ${r.sdkRatio.toFixed(1)}× the SDK floor)`);
  }
  return rows;
}
