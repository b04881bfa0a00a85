/**
 * `npm run bench`: starts its own local stack (ports 4300–4308, `.bench-data/`), measures the
 * hot path against the raw store, cold start against a hello-world bundle, the store cost of
 * every API operation, expiry lag for 200 grants in one second, and the access decision at
 * 1,000 vs 100,000 grants; prints tables and writes `bench-results/<time>.json` (and latest.json).
 * Every figure is a ratio measured in this one run, on this machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, stopLocalStack } from '../support/local-stack';
import { BENCH_ENV } from './bench-stack';
import { measureColdStart } from './cold-start';
import { costModel } from './cost-model';
import { measureExpiryLagRounds } from './expiry-lag';
import { inProcessGateway } from './harness';
import { measureHotPath } from './hot-path';
import { measureScale } from './scale';
import { measureStoreCost } from './store-cost';

const LOAD_SECONDS = Number(process.env.SA_BENCH_SECONDS ?? 5);
/** Hot path, cold start and the expiry burst run this many rounds; the median is reported, with min and max. */
const ROUNDS = Number(process.env.SA_BENCH_ROUNDS ?? 3);
const started = Date.now();
const say = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}`);

/** A plain-text table, columns padded; numbers right-aligned. */
function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? (Number.isInteger(c) ? String(c) : c.toFixed(2)) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  const line = (r: (string | number)[], header = false) =>
    r.map((c, i) => (typeof rows[0]?.[i] === 'number' && !header ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!))).join('  ');
  return [line(cells[0]!, true), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map((r) => line(r))].join('\n');
}

async function main() {
  say(`Bench on ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load runs of ${LOAD_SECONDS}s`);
  say('Starting the bench stack (fresh .bench-data/)…');
  const stack = await startLocalStack(BENCH_ENV, join('.bench-data', 'stack.log'));
  const gateway = await inProcessGateway();
  try {
    say(`1/5 Hot path: access decision and introspection vs the minimal handlers and raw GetItem (${ROUNDS} rounds)`);
    const hotPath = await measureHotPath(LOAD_SECONDS, ROUNDS, say);
    say(`2/5 Cold start: CDK bundles, module init (median of 20) vs hello-world and the SDK floor (${ROUNDS} rounds)`);
    const coldStart = await measureColdStart(20, ROUNDS, say);
    say('3/5 Store cost per API operation');
    const storeCost = await measureStoreCost(gateway, say);
    const scans = storeCost.filter((r) => r.commands.includes('Scan'));
    say(`4/5 Expiry lag: 200 grants expiring in the same second (a warm-up burst and ${ROUNDS} rounds, a minute apart)`);
    const expiryLag = await measureExpiryLagRounds(200, 20, ROUNDS, say);
    say('5/5 Scale: access decision at 1,000 and 100,000 grants over 1,000 orgs');
    const scale = await measureScale(LOAD_SECONDS, say);
    const cost = costModel(storeCost);

    const dash = (n: number | undefined) => (n === undefined ? '' : n.toFixed(2));
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const range = (s: { min: number; max: number }) => `${(s.min / 1000).toFixed(2)}–${(s.max / 1000).toFixed(2)} s`;
    const report = [
      '',
      `HOT PATH (median of ${ROUNDS} rounds; ours and the minimal handlers behind identical bench gateways; raw GetItem straight to DynamoDB Local)`,
      table(
        ['target', 'conns', 'req/s', 'min–max', 'p50 ms', 'p99 ms', '÷ raw floor', '÷ minimal', 'CPU ms/req'],
        hotPath.map((r) => [r.target, r.connections, r.rps.median, `${r.rps.min.toFixed(0)}–${r.rps.max.toFixed(0)}`, r.result.p50, r.result.p99, r.rpsRatio, dash(r.ratioToMinimal), dash(r.cpuMsPerRequest)]),
      ),
      '',
      `COLD START (esbuild with the CDK settings; import until the handler is exported, fresh Node, source maps read only when a stack is formatted; median round of ${ROUNDS})`,
      table(
        ['function', 'bundle KiB', 'init ms', '× hello-world', '× SDK floor', 'min–max'],
        coldStart.map((r) => [r.fn, r.bytes / 1024, r.initMs, r.ratio, r.sdkRatio, `${r.sdkRatioSpread.min.toFixed(2)}–${r.sdkRatioSpread.max.toFixed(2)}`]),
      ),
      '',
      'STORE COST PER API OPERATION (ReturnConsumedCapacity: TOTAL; round trips: sequential waves, reads issued together count once)',
      table(['operation', 'calls', 'round trips', 'reads', 'writes', 'RCU', 'WCU', 'ms', 'commands'], storeCost.map((r) => [r.op, r.calls, r.roundTrips, r.reads, r.writes, r.readUnits, r.writeUnits, r.ms, r.commands])),
      scans.length ? `SCAN ISSUED BY: ${scans.map((r) => r.op).join(', ')}` : 'No operation issued a Scan.',
      '',
      `EXPIRY LAG (${expiryLag.grants} grants over ${expiryLag.orgs} orgs, one expiry second; local scheduler, expire, stream poller, SES emulator; median of ${ROUNDS} bursts after a warm-up burst, marked lag of the median burst)`,
      table(
        ['all marked expired', 'min–max', 'all notices in mailbox', 'min–max', 'marked lag p50', 'p99', 'max'],
        [[seconds(expiryLag.allExpiredMs), range(expiryLag.allExpiredMsSpread), seconds(expiryLag.allNoticesMs), range(expiryLag.allNoticesMsSpread), `${expiryLag.markedLagP50} ms`, `${expiryLag.markedLagP99} ms`, `${expiryLag.markedLagMax} ms`]],
      ),
      '',
      'SCALE (access decision for an org with one grant, 10 connections)',
      table(['grants in table', 'p50 ms', 'p99 ms', 'req/s', 'p50 ÷ first'], scale.map((r) => [r.grantsInTable, r.result.p50, r.result.p99, r.result.rps, r.result.p50 / Math.max(scale[0]!.result.p50, 0.5)])),
      '',
      'COST MODEL ($ per million grant lifecycles; list prices in test/bench/cost-model.ts)',
      table(['item', 'per lifecycle', '$ / million'], cost.lines.map((l) => [l.item, l.perLifecycle, l.dollarsPerMillion])),
      `expiry by EventBridge Scheduler: $${cost.expiryScheduler.toFixed(2)}  →  total $${cost.totalScheduler.toFixed(2)} per million lifecycles`,
      `expiry by a Step Functions Standard wait state: $${cost.expiryStepFunctions.toFixed(2)}  →  total $${cost.totalStepFunctions.toFixed(2)} per million lifecycles`,
    ].join('\n');
    console.log(report);

    const at = new Date().toISOString();
    const results = { at, machine: { cores: cpus().length, memoryGiB: totalmem() / 2 ** 30, node: process.version }, loadSeconds: LOAD_SECONDS, rounds: ROUNDS, hotPath, coldStart, storeCost, expiryLag, scale, cost, seconds: (Date.now() - started) / 1000 };
    mkdirSync('bench-results', { recursive: true });
    const file = join('bench-results', `${at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(results, null, 2));
    writeFileSync(join('bench-results', 'latest.json'), JSON.stringify(results, null, 2));
    say(`Done in ${((Date.now() - started) / 1000).toFixed(0)} s; figures in ${file} (and bench-results/latest.json).`);
    if (scans.length) process.exitCode = 1;
  } finally {
    await gateway.close();
    await stopLocalStack(stack);
  }
}

main().catch((error) => {
  console.error(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
