import { expireRequest, requestScheduleName } from './access-requests';
import { expireGrant, warnGrant, type EndedGrants, type GrantDeps } from './grant-service';
import { grantScheduleName, type ExpiryTarget } from '../ports/scheduler';

export type ExpiryOutcome = Awaited<ReturnType<typeof expireGrant>> | Awaited<ReturnType<typeof warnGrant>> | 'rearmed';

/**
 * The scheduler's target. Scheduler fires within the minute after a time already rounded up, so
 * it is never early by design; if it ever is (a clock skew), the schedule is re-armed for the
 * item's expiry and nothing is thrown: a throw would only be retried by Lambda's async retries
 * and end in the on-failure queue. Every outcome is idempotent under those retries. `ended`: the
 * grants this container has seen ended, which need no read.
 */
export async function expireTarget(deps: GrantDeps, target: ExpiryTarget, by: string, ended?: EndedGrants): Promise<ExpiryOutcome> {
  if (target.type === 'warning') return warnGrant(deps, target.orgId, target.id);
  if (target.type === 'sessions' || target.type === 'notice') throw new Error(`A ${target.type} target is the sweep's job, not a schedule's.`);
  const outcome = target.type === 'grant' ? await expireGrant(deps, target.orgId, target.id, by, ended) : await expireRequest(deps, target.orgId, target.id, by);
  if (outcome !== 'not_due') return outcome;
  const item = target.type === 'grant' ? await deps.store.getGrant(target.orgId, target.id) : await deps.store.getRequest(target.orgId, target.id);
  if (!item) return 'missing';
  const name = target.type === 'grant' ? grantScheduleName(target.id) : requestScheduleName(target.id);
  await deps.scheduler.scheduleAt(name, new Date(item.expiresAt), target);
  deps.log?.error('expiry fired early; re-armed', { ...target, expiresAt: item.expiresAt, at: deps.clock.now().toISOString() });
  return 'rearmed';
}
