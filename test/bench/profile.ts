/**
 * `npm run bench:profile`: where the hot paths' CPU goes. Starts the bench stack, serves the access
 * decision and introspection through the in-process gateway under load (10 connections, 8 s each,
 * after a warm-up), samples this process with the inspector's CPU profiler (what `--cpu-prof`
 * records), and prints each part's share of the busy time: our code, the AWS SDK, the local
 * stand-ins for API Gateway, jose, Powertools, zod, middy and Node itself. The profiles are kept
 * in `.bench-data/` for Chrome DevTools or speedscope.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { startLocalStack, stopLocalStack } from '../support/local-stack';
import { BENCH_ENV } from './bench-stack';
import { basic, inProcessGateway } from './harness';
import { hotPathFixture } from './hot-path';
import { load, type LoadTarget } from './load';

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Which part of the process a sampled frame belongs to, by its source. */
const PARTS: [string, RegExp][] = [
  ['ours (shared/, functions/)', /^(?!.*node_modules).*\/(shared|functions)\//],
  ['AWS SDK', /node_modules\/@(smithy|aws-sdk)\//],
  ['local gateway and authorizer', /\/infra\/local\//],
  ['jose', /node_modules\/jose\//],
  ['Powertools', /node_modules\/@aws-lambda-powertools\//],
  ['zod', /node_modules\/zod\//],
  ['middy', /node_modules\/@middy\//],
  ['the load generator', /node_modules\/autocannon|node_modules\/hdr-histogram/],
];

/** Each part's share of the busy (not idle) samples. */
function shares(profile: Profile): { part: string; percent: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const time = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') return;
    const dt = profile.timeDeltas[i] ?? 0;
    busy += dt;
    const part = PARTS.find(([, pattern]) => pattern.test(frame.url))?.[0] ?? 'Node (HTTP, streams, GC) and the rest';
    time.set(part, (time.get(part) ?? 0) + dt);
  });
  return [...time].map(([part, t]) => ({ part, percent: (100 * t) / busy })).sort((a, b) => b.percent - a.percent);
}

async function main() {
  const stack = await startLocalStack(BENCH_ENV, join('.bench-data', 'profile-stack.log'));
  const gateway = await inProcessGateway();
  const inspector = new Session();
  inspector.connect();
  try {
    const { org, bearer, token } = await hotPathFixture();
    const targets: [string, LoadTarget][] = [
      ['access decision', { url: `${gateway.url}/support/orgs/${org.orgId}/access?level=manage`, headers: { authorization: bearer } }],
      ['introspection', { url: `${gateway.url}/oauth/introspect`, method: 'POST', headers: { authorization: basic(org.product), 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` }],
    ];
    for (const [name, target] of targets) {
      await load(target, 10, 2);
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
      await inspector.post('Profiler.start');
      const result = await load(target, 10, 8);
      const { profile } = await inspector.post('Profiler.stop');
      const file = join('.bench-data', `${name.replace(/\W+/g, '-')}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      if (result.bad) throw new Error(`${name}: ${result.bad} requests failed; the profile is not of the hot path.`);
      console.log(`\n${name} (${Math.round(result.rps)} req/s; profile in ${file})`);
      for (const { part, percent } of shares(profile as Profile)) console.log(`  ${percent.toFixed(1).padStart(5)} %  ${part}`);
    }
  } finally {
    inspector.disconnect();
    await gateway.close();
    await stopLocalStack(stack);
  }
}

await main();
