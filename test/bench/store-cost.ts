import { agentBearer, basic, call, createOrg, mailbox, Portal } from './harness';
import { eventually } from '../support/eventually';
import type { FunctionName, Handler } from '../../infra/local/functions';
import { lambdaContext } from '../../infra/local/lambda-context';
import { roundTrips, type StoreCall, type StoreCounter } from './store-counter';

export interface StoreCostRow {
  op: string;
  calls: number;
  reads: number;
  writes: number;
  readUnits: number;
  writeUnits: number;
  commands: string;
  /** sequential waves of store calls (calls issued together count once), the write included */
  roundTrips: number;
  /** wall time of the request through the in-process gateway, ms */
  ms: number;
}

const READS = /^(Get|BatchGet|Query|Scan)/;

function row(op: string, calls: StoreCall[], ms: number): StoreCostRow {
  const tally = new Map<string, number>();
  for (const c of calls) tally.set(c.command, (tally.get(c.command) ?? 0) + 1);
  return {
    op,
    calls: calls.length,
    reads: calls.filter((c) => READS.test(c.command)).length,
    writes: calls.filter((c) => !READS.test(c.command)).length,
    readUnits: calls.reduce((s, c) => s + c.readUnits, 0),
    writeUnits: calls.reduce((s, c) => s + c.writeUnits, 0),
    commands: [...tally].map(([k, n]) => `${k}×${n}`).join(' '),
    roundTrips: roundTrips(calls),
    ms,
  };
}

/**
 * Every API operation of a grant's and a case's life, once each, through the in-process gateway
 * whose DynamoDB client counts calls and capacity (`ReturnConsumedCapacity: TOTAL`).
 */
export async function measureStoreCost(gateway: { url: string; counter: StoreCounter; handlers: Record<FunctionName, Handler> }, progress: (line: string) => void): Promise<StoreCostRow[]> {
  const ip = gateway.url;
  const org = await createOrg('cost');
  const admin = await Portal.signIn(org.adminEmail);
  const bearer = await agentBearer();
  const headers = { authorization: bearer, 'content-type': 'application/json' };
  const rows: StoreCostRow[] = [];
  const measure = async <T>(op: string, act: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const { result, calls } = await gateway.counter.during(act);
    rows.push(row(op, calls, performance.now() - started));
    progress(`  ${op}: ${calls.length} call(s) in ${rows.at(-1)!.roundTrips} round trip(s): ${rows.at(-1)!.commands}`);
    return result;
  };

  let csrf = await admin.csrf(ip);
  await measure('grant', () => admin.post('/grants', { durationHours: '48', level: 'manage' }, ip, csrf));
  const [grantId] = await admin.grantIds();
  csrf = await admin.csrf(ip);
  await measure('extend', () => admin.post(`/grants/${grantId}/extend`, { durationHours: '72' }, ip, csrf));
  await measure('access check', () => call(`${ip}/support/orgs/${org.orgId}/access?level=monitor`, { headers: { authorization: bearer } }));
  const session = await measure('session start', () =>
    call(`${ip}/support/orgs/${org.orgId}/grants/${grantId}/sessions`, { method: 'POST', headers, body: JSON.stringify({ justification: 'bench' }), expect: 201 }),
  );
  await measure('introspect', () =>
    call(`${ip}/oauth/introspect`, { method: 'POST', headers: { authorization: basic(org.product), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: session.token }).toString() }),
  );
  csrf = await admin.csrf(ip);
  await measure('revoke', () => admin.post(`/grants/${grantId}/revoke`, {}, ip, csrf));

  const opened = await call(`${ip}/support/orgs/${org.orgId}/cases`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ subject: 'Bench case', description: 'Totals wrong', environment: 'production', contactEmail: org.adminEmail }),
    expect: 201,
  });
  await measure('request', () =>
    call(`${ip}/support/orgs/${org.orgId}/cases/${opened.caseId}/access-requests`, { method: 'POST', headers, body: JSON.stringify({ justification: 'Need to see the totals' }), expect: 201 }),
  );
  const link = await eventually('the permission-request email', async () => {
    const mail = (await mailbox()).find((e) => e.destination.to.includes(org.adminEmail) && e.subject.startsWith('Support asks'));
    return mail && /(\/approvals\/[A-Za-z0-9_-]+)/.exec(mail.body.text ?? '')?.[1];
  });
  csrf = await admin.csrf(ip);
  await measure('approve', () => admin.post(link, { decision: 'approve' }, ip, csrf));
  await measure('resolve', () => call(`${ip}/support/orgs/${org.orgId}/cases/${opened.caseId}/resolve`, { method: 'POST', headers, body: '{}' }));

  // The scheduler's target on a grant that is due: made a minute in the past, with no schedule
  // of its own, so nothing else expires it first.
  const { grantDepsFromEnv } = await import('../../shared/adapters/grant-runtime');
  const { createUserGrant } = await import('../../shared/domain/grant-service');
  const { customer } = await import('../../shared/domain/actor');
  const past = Date.now() - 120_000;
  const due = await createUserGrant(
    { ...grantDepsFromEnv(), clock: { now: () => new Date(past) }, scheduler: { scheduleAt: async () => undefined, cancel: async () => undefined } },
    customer({ email: org.adminEmail, orgId: org.orgId, name: 'Bench Admin', role: 'admin', level: 'admin', workspaces: 'all' }),
    { durationHours: String(60 / 3600), level: 'manage' } as never,
  );
  const expired = await measure('expire (scheduler target)', () => gateway.handlers.expire({ type: 'grant', orgId: org.orgId, id: due.grantId }, lambdaContext('expire')));
  if ((expired as { outcome: string }).outcome !== 'expired') throw new Error(`expire said ${JSON.stringify(expired)}`);
  return rows;
}
