import { signRequest } from '../../infra/admin/sigv4';
import { agentBearer, basic, call, createOrg, Portal, stackUrl, type BenchOrg } from './harness';
import { benchLayout } from './bench-stack';
import { load, type LoadResult, type LoadTarget } from './load';

export interface HotPathRow {
  target: string;
  connections: number;
  result: LoadResult;
  /** requests per second, ours / raw GetItem at the same concurrency */
  rpsRatio?: number;
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

/** The floor: DynamoDB Local's own HTTP API answering GetItem for the org item, signed once. */
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

export const accessCheck = (orgId: string, bearer: string): LoadTarget => ({ url: `${stackUrl}/support/orgs/${orgId}/access?level=monitor`, headers: { authorization: bearer } });

/** The hot path through the real gateway and handlers, against the raw store, at 10 and 50 connections. */
export async function measureHotPath(seconds: number, progress: (line: string) => void): Promise<HotPathRow[]> {
  const { org, bearer, token } = await hotPathFixture();
  const targets: Record<string, LoadTarget> = {
    'raw GetItem (floor)': await rawGetItem(org.orgId),
    'access decision': accessCheck(org.orgId, bearer),
    introspection: {
      url: `${stackUrl}/oauth/introspect`,
      method: 'POST',
      headers: { authorization: basic(org.product), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    },
  };
  const decided = await call(targets['access decision']!.url, { headers: targets['access decision']!.headers });
  const active = await call(targets.introspection!.url, { method: 'POST', headers: targets.introspection!.headers, body: targets.introspection!.body });
  if (!decided.allowed || !active.active) throw new Error('The hot-path fixture is not live: access must be allowed and the session active.');
  const rows: HotPathRow[] = [];
  for (const connections of [10, 50]) {
    let floor: number | undefined;
    for (const [name, target] of Object.entries(targets)) {
      await load(target, connections, 1); // warm-up: JIT, keep-alive, caches
      const result = await load(target, connections, seconds);
      if (result.bad) throw new Error(`${name}: ${result.bad} failed or non-2xx responses under load.`);
      floor ??= result.rps;
      rows.push({ target: name, connections, result, rpsRatio: result.rps / floor });
      progress(`  ${name} @${connections}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms`);
    }
  }
  return rows;
}
