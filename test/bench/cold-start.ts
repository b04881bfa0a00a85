import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleFunction } from '../../infra/constructs/support-function';
import { FUNCTION_ENTRIES, type FunctionName } from '../../infra/local/functions';
import { functionEnvironment, platformEnvironment } from '../../infra/local/layout';
import { benchLayout } from './bench-stack';

export interface ColdStartRow {
  fn: string;
  bytes: number;
  initMs: number;
  /** module init, this function / the hello-world bundle */
  ratio: number;
  /** module init, this function / a bundle that only creates a DynamoDB client (the median round) */
  sdkRatio: number;
  /** how far that ratio spread over the rounds */
  sdkRatioSpread: { min: number; max: number };
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
  const outdir = join(OUT, name);
  rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
  bundleFunction(entry, outdir);
  return join(outdir, 'index.mjs');
}

/** Import until the handler is exported, in a fresh Node process with the function's environment (no flags: the stack sets no NODE_OPTIONS). */
function initOnce(file: string, env: Record<string, string>): number {
  const script = `const t0 = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(file).href)}); const ms = performance.now() - t0; if (typeof m.handler !== 'function') process.exit(3); console.log(ms);`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env, NODE_OPTIONS: '' }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`init of ${file} failed (${run.status}): ${run.stderr.slice(0, 500)}`);
  return Number(run.stdout.trim());
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.ceil((sorted.length - 1) / 2)]!) / 2;
};

/**
 * Every function's module init against the hello-world and SDK floors: `rounds` rounds, each
 * measuring every bundle (median of `runs` fresh processes) so drift hits all alike; the row
 * keeps the median round, and the spread of its ratio to the SDK floor.
 */
export async function measureColdStart(runs: number, rounds: number, progress: (line: string) => void): Promise<ColdStartRow[]> {
  mkdirSync(join(OUT, HELLO), { recursive: true });
  const helloEntry = join(OUT, HELLO, 'entry.ts');
  writeFileSync(helloEntry, "export const handler = async () => ({ statusCode: 200, body: 'hello' });\n");
  const env = { ...platformEnvironment(benchLayout), ...functionEnvironment(benchLayout), NODE_OPTIONS: '' };
  const measure = (file: string) => median(Array.from({ length: runs }, () => initOnce(file, env)));

  mkdirSync(join(OUT, SDK_FLOOR), { recursive: true });
  const sdkEntry = join(OUT, SDK_FLOOR, 'entry.ts');
  writeFileSync(sdkEntry, "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nconst client = new DynamoDBClient({});\nexport const handler = async () => client.config.region();\n");

  const files: [string, string][] = [
    [HELLO, await bundle(HELLO, helloEntry)],
    [SDK_FLOOR, await bundle(SDK_FLOOR, sdkEntry)],
  ];
  for (const [fn, entry] of Object.entries(FUNCTION_ENTRIES) as [FunctionName, string][]) files.push([fn, await bundle(fn, entry)]);

  const perRound: Map<string, { initMs: number; ratio: number; sdkRatio: number }[]> = new Map();
  for (let round = 1; round <= rounds; round++) {
    const init = new Map(files.map(([fn, file]) => [fn, measure(file)]));
    for (const [fn] of files) {
      const initMs = init.get(fn)!;
      perRound.set(fn, [...(perRound.get(fn) ?? []), { initMs, ratio: initMs / init.get(HELLO)!, sdkRatio: initMs / init.get(SDK_FLOOR)! }]);
    }
    progress(`  round ${round}/${rounds}: ${files.slice(2).map(([fn]) => `${fn} ${init.get(fn)!.toFixed(0)} ms`).join(', ')} (SDK floor ${init.get(SDK_FLOOR)!.toFixed(0)} ms)`);
  }
  return files.map(([fn, file]) => {
    const all = perRound.get(fn)!;
    const sorted = [...all].sort((a, b) => a.sdkRatio - b.sdkRatio);
    const mid = sorted[Math.floor(sorted.length / 2)]!;
    return { fn, bytes: statSync(file).size, initMs: mid.initMs, ratio: mid.ratio, sdkRatio: mid.sdkRatio, sdkRatioSpread: { min: sorted[0]!.sdkRatio, max: sorted.at(-1)!.sdkRatio } };
  });
}
