import { customer } from '../../shared/domain/actor';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { UserProfile } from '../../shared/domain/model';
import { expiryShardKey } from '../../shared/adapters/dynamodb/keys/grant';
import { EXPIRY_SHARDS, TABLE } from '../../shared/adapters/dynamodb/table-definition';
import { benchDb, benchLayout } from './bench-stack';
import { createOrg, mailbox } from './harness';
import { eventually } from '../support/eventually';
import { spread, type Spread } from './spread';

export interface ExpiryLagResult {
  grants: number;
  orgs: number;
  /** from the shared expiry second until every grant was marked expired, ms */
  allExpiredMs: number;
  /** until every "access ended" email was in the mailbox, ms */
  allNoticesMs: number;
  /** each grant's endedAt − expiresAt, ms */
  markedLagP50: number;
  markedLagP99: number;
  markedLagMax: number;
}

/** The bursts of one bench run: the figures of the round with the median "all marked", each goal's spread, every round. */
export interface ExpiryLagRounds extends ExpiryLagResult {
  /** median of the rounds (so is `allNoticesMs`), with min and max */
  allExpiredMsSpread: Spread;
  allNoticesMsSpread: Spread;
  rounds: ExpiryLagResult[];
  /** the burst before the rounds, not counted */
  warmUp: ExpiryLagResult;
}

/**
 * One warm-up burst, then `rounds` bursts, one expiry minute after another, each with its own
 * orgs and grants. A burst leans on DynamoDB Local's one write lock, whose pace moves from burst
 * to burst (a collection, the JVM compiling), so one burst alone is no steadier a figure than one
 * load round; and the first burst of a run pays the JVM's compiling of large transactions, which
 * nothing before it in the bench sends — as the load rounds have their warm-up, it is not counted.
 */
export async function measureExpiryLagRounds(count: number, orgs: number, rounds: number, progress: (line: string) => void): Promise<ExpiryLagRounds> {
  const warmUp = await measureExpiryLag(count, orgs, progress);
  progress(`  warm-up burst (not counted): all marked in ${warmUp.allExpiredMs} ms, all notices in ${warmUp.allNoticesMs} ms`);
  const results: ExpiryLagResult[] = [];
  for (let round = 1; round <= rounds; round++) {
    const result = await measureExpiryLag(count, orgs, progress);
    progress(`  round ${round}/${rounds}: all marked in ${result.allExpiredMs} ms, all notices in ${result.allNoticesMs} ms`);
    results.push(result);
  }
  const marked = spread(results.map((r) => r.allExpiredMs));
  const notices = spread(results.map((r) => r.allNoticesMs));
  const middle = results.find((r) => r.allExpiredMs === marked.median)!;
  return { ...middle, allNoticesMs: notices.median, allExpiredMsSpread: marked, allNoticesMsSpread: notices, rounds: results, warmUp };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * `count` grants over `orgs` orgs, all expiring in the same second T (a whole minute), made by the real grant
 * service (its clock pinned to T − 60 s, so each lasts exactly 60 s and its schedule is at T);
 * then the local scheduler, `expire`, the stream poller and the mailer do the rest.
 */
export async function measureExpiryLag(count: number, orgs: number, progress: (line: string) => void): Promise<ExpiryLagResult> {
  const { grantDepsFromEnv } = await import('../../shared/adapters/grant-runtime');
  const { createUserGrant } = await import('../../shared/domain/grant-service');
  const created = await Promise.all(Array.from({ length: orgs }, (_, i) => createOrg(`lag${i}`)));
  const admins: UserProfile[] = created.map((o) => ({ email: o.adminEmail, orgId: o.orgId, name: 'Bench Admin', role: 'admin', level: 'admin', workspaces: 'all' }));
  // On a whole minute, so the schedules' at-time (rounded up to the minute) is the expiry itself
  // and the local scheduler in exact mode fires at it.
  const expiry = Math.ceil((Date.now() + 20_000) / 60_000) * 60_000;
  const deps = { ...grantDepsFromEnv(), clock: { now: () => new Date(expiry - 60_000) } };
  for (let i = 0; i < count; i++) await createUserGrant(deps, customer(admins[i % orgs]!), { durationHours: String(60 / 3600), level: 'manage' } as never);
  if (Date.now() > expiry - 2000) throw new Error('Creating the grants took too long; the shared expiry second came first.');
  progress(`  ${count} grants over ${orgs} orgs expire at ${new Date(expiry).toISOString()}; waiting…`);

  // The burst's "access ended" emails, counted as they arrive: each look asks the emulator only
  // for the emails of the last second seen (it filters by whole seconds), so watching 200 emails
  // arrive does not serialize all of them ten times a second while the burst runs.
  const ended = new Set<string>();
  let since = Math.floor(expiry / 1000);
  const endedMails = async () => {
    for (const m of await mailbox(new Date(since * 1000))) {
      since = Math.max(since, m.at);
      if (m.subject.startsWith('Support login access ended') && admins.some((a) => m.destination.to.includes(a.email))) ended.add(m.messageId);
    }
    return ended.size;
  };
  const grantsOf = async (orgId: string) =>
    (await benchDb.send(new QueryCommand({ TableName: benchLayout.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :g)', ExpressionAttributeValues: { ':pk': `ORG#${orgId}`, ':g': 'GRANT#' }, ConsistentRead: true }))).Items ?? [];
  const allGrants = async () => (await Promise.all(created.map((o) => grantsOf(o.orgId)))).flat();

  await new Promise((r) => setTimeout(r, Math.max(0, expiry - Date.now())));
  // Watched through the sparse active-by-expiry index: one small COUNT per shard for the grants of
  // this expiry second still listed active, every 50 ms, so the watching adds little to
  // the load it watches.
  const index = TABLE.indexes.activeByExpiry;
  // A shard found empty stays empty (an expired grant is never active again): it is not asked again.
  const left = new Map(Array.from({ length: EXPIRY_SHARDS }, (_, shard) => [shard, Infinity]));
  const stillActive = async () => {
    await Promise.all(
      [...left].filter(([, count]) => count > 0).map(async ([shard]) =>
        left.set(
          shard,
          (
            await benchDb.send(
              new QueryCommand({
                TableName: benchLayout.tableName,
                IndexName: index.name,
                KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :due)',
                ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
                ExpressionAttributeValues: { ':pk': expiryShardKey(shard), ':due': `${new Date(expiry).toISOString()}#GRANT#` },
                Select: 'COUNT',
              }),
            )
          ).Count ?? 0,
        ),
      ),
    );
    return [...left.values()].reduce((a, b) => a + b, 0);
  };
  let active = count;
  const expiredAt = await eventually('every grant marked expired', async () => ((active = await stillActive()) === 0 ? Date.now() : undefined), 120_000, 50).catch((error: Error) => {
    throw new Error(`${error.message}: ${active} of ${count} still active`);
  });
  const noticesAt = await eventually('every "access ended" email', async () => ((await endedMails()) >= count ? Date.now() : undefined), 120_000, 100);
  const lags = (await allGrants()).map((g) => Date.parse(String(g.endedAt)) - Date.parse(String(g.expiresAt))).sort((a, b) => a - b);
  return { grants: count, orgs, allExpiredMs: expiredAt - expiry, allNoticesMs: noticesAt - expiry, markedLagP50: percentile(lags, 50), markedLagP99: percentile(lags, 99), markedLagMax: lags.at(-1)! };
}
