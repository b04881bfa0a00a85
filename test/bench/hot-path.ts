import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { signRequest } from '../../infra/admin/sigv4';
import { agentBearer, basic, call, createOrg, Portal, stackUrl, type BenchOrg } from './harness';
import { benchLayout } from './bench-stack';
import { load, type LoadResult, type LoadTarget } from './load';
import { spread, type Spread } from './spread';

export interface HotPathRow {
  target: string;
  connections: number;
  /** The round with the median req/s (its latencies are the ones shown). */
  result: LoadResult;
  rps: Spread;
  /** requests per second, this ÷ raw GetItem at the same concurrency (medians) */
  rpsRatio: number;
  /** ours only: median req/s ÷ the minimal handler's for the same answer, same concurrency */
  ratioToMinimal?: number;
  /** CPU of the gateway-and-handler process per request (ms; median of the rounds) */
  cpuMsPerRequest?: number;
}

/** One org with a live grant and session, for the access decision and introspection. */
export async function hotPathFixture(): Promise<{ org: BenchOrg; bearer: string; token: string }> {
  const org = await createOrg('hot');
  const admin = await Portal.signIn(org.adminEmail);
  await admin.post('/grants', { durationHours: '48', level: 'manage' });
  const [grantId] = await admin.grantIds();
  const bearer = await agentBearer();
  const session = await call(`${stackUrl}/support/orgs/${org.orgId}/grants/${grantId}/sessions`, {
    method: 'POST',
    headers: { authorization: bearer, 'content-type': 'application/json' },
    body: JSON.stringify({ justification: 'bench' }),
    expect: 201,
  });
  return { org, bearer, token: session.token };
}

/** The raw floor: DynamoDB Local's own HTTP API answering GetItem for the org item, signed once. */
export async function rawGetItem(orgId: string): Promise<LoadTarget> {
  const url = new URL(benchLayout.urls.dynamodb);
  const body = JSON.stringify({ TableName: benchLayout.tableName, Key: { pk: { S: `ORG#${orgId}` }, sk: { S: 'ORG' } }, ConsistentRead: true });
  const signed = await signRequest(
    { method: 'POST', url, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' }, body },
    { accessKeyId: 'local', secretAccessKey: 'local' },
    'us-east-1',
    undefined,
    'dynamodb',
  );
  const { host: _host, ...headers } = signed;
  const check = await call(url.toString(), { method: 'POST', headers, body });
  if (!check.Item) throw new Error('The raw GetItem found no org item.');
  return { url: url.toString(), method: 'POST', headers, body };
}

export const accessCheck = (base: string, orgId: string, bearer: string): LoadTarget => ({ url: `${base}/support/orgs/${orgId}/access?level=monitor`, headers: { authorization: bearer } });

const introspection = (base: string, org: BenchOrg, token: string): LoadTarget => ({
  url: `${base}/oauth/introspect`,
  method: 'POST',
  headers: { authorization: basic(org.product), 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ token }).toString(),
});

/** A bench gateway process (test/bench/gateway-process.ts) in front of our handlers or the minimal ones. */
async function gatewayProcess(port: number, mode: 'ours' | 'minimal'): Promise<{ url: string; child: ChildProcess; cpuMicros: () => Promise<number> }> {
  const child = spawn(process.execPath, [resolve('node_modules/tsx/dist/cli.mjs'), 'test/bench/gateway-process.ts', String(port), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ready, failed) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && ready());
    child.once('exit', (code) => failed(new Error(`The ${mode} bench gateway exited (${code}).`)));
  });
  const url = `http://localhost:${port}`;
  return { url, child, cpuMicros: async () => ((await call(`${url}/__cpu`)) as { micros: number }).micros };
}

/**
 * The hot paths — the access decision and introspection — through our handlers and through the
 * minimal ones (same gateway, authorizer and SDK client, each in a bench gateway process of its
 * own), and the raw GetItem floor; at 10 and 50 connections, `rounds` times, medians reported.
 */
export async function measureHotPath(seconds: number, rounds: number, progress: (line: string) => void): Promise<HotPathRow[]> {
  const { org, bearer, token } = await hotPathFixture();
  const ours = await gatewayProcess(benchLayout.ports.gateway + 20, 'ours');
  const minimal = await gatewayProcess(benchLayout.ports.gateway + 21, 'minimal');
  try {
    const targets: { name: string; target: LoadTarget; cpu?: () => Promise<number>; floorOf?: string }[] = [
      { name: 'raw GetItem (floor)', target: await rawGetItem(org.orgId) },
      { name: 'minimal access decision', target: accessCheck(minimal.url, org.orgId, bearer), cpu: minimal.cpuMicros },
      { name: 'access decision', target: accessCheck(ours.url, org.orgId, bearer), cpu: ours.cpuMicros, floorOf: 'minimal access decision' },
      { name: 'minimal introspection', target: introspection(minimal.url, org, token), cpu: minimal.cpuMicros },
      { name: 'introspection', target: introspection(ours.url, org, token), cpu: ours.cpuMicros, floorOf: 'minimal introspection' },
    ];
    // Both kinds must give the same answer before their speed means anything.
    for (const kind of ['access decision', 'introspection']) {
      const [a, b] = await Promise.all([`minimal ${kind}`, kind].map((n) => targets.find((t) => t.name === n)!.target).map((t) => call(t.url, { method: t.method, headers: t.headers, body: t.body })));
      const same = (x: Record<string, unknown>) => JSON.stringify({ ...x, decidedAt: undefined });
      if (same(a) !== same(b)) throw new Error(`The minimal ${kind} answers differently:\n${JSON.stringify(a)}\n${JSON.stringify(b)}`);
      if (!(a.allowed ?? a.active)) throw new Error(`The hot-path fixture is not live for the ${kind}.`);
    }
    const runs = new Map<string, { result: LoadResult; cpuMs?: number }[]>();
    for (let round = 1; round <= rounds; round++) {
      for (const connections of [10, 50]) {
        for (const { name, target, cpu } of targets) {
          await load(target, connections, 1); // warm-up: JIT, keep-alive, caches
          const before = await cpu?.();
          const result = await load(target, connections, seconds);
          const cpuMs = cpu && before !== undefined ? ((await cpu()) - before) / 1000 / Math.max(result.requests, 1) : undefined;
          if (result.bad) throw new Error(`${name}: ${result.bad} failed or non-2xx responses under load.`);
          const key = `${name}@${connections}`;
          runs.set(key, [...(runs.get(key) ?? []), { result, cpuMs }]);
          progress(`  round ${round}/${rounds} ${name} @${connections}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms${cpuMs !== undefined ? `, ${cpuMs.toFixed(2)} ms CPU/request` : ''}`);
        }
      }
    }
    const rows: HotPathRow[] = [];
    for (const connections of [10, 50]) {
      const median = (name: string) => spread(runs.get(`${name}@${connections}`)!.map((r) => r.result.rps)).median;
      for (const { name, floorOf } of targets) {
        const all = runs.get(`${name}@${connections}`)!;
        const rps = spread(all.map((r) => r.result.rps));
        const cpu = all.every((r) => r.cpuMs !== undefined) ? spread(all.map((r) => r.cpuMs!)).median : undefined;
        rows.push({
          target: name,
          connections,
          result: all.find((r) => r.result.rps === rps.median)!.result,
          rps,
          rpsRatio: rps.median / median('raw GetItem (floor)'),
          ...(floorOf ? { ratioToMinimal: rps.median / median(floorOf) } : {}),
          ...(cpu !== undefined ? { cpuMsPerRequest: cpu } : {}),
        });
      }
    }
    return rows;
  } finally {
    ours.child.kill();
    minimal.child.kill();
  }
}
