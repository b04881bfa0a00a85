import { system } from './actor';
import { expireRequest } from './access-requests';
import { endSessionsOfGrant, expireGrant, type GrantDeps } from './grant-service';
import type { ExpiryTarget } from '../ports/scheduler';

/** The sweep's own dependencies: what a grant needs, how to re-drive a stuck notice and go on with a stalled org deletion. */
export type SweepDeps = GrantDeps & {
  redriveNotice: (noticeId: string) => Promise<unknown>;
  continueDeletion: (orgId: string) => Promise<unknown>;
};

export interface SweepResult {
  found: number;
  expired: number;
  /** Ended grants whose sessions the sweep finished ending. */
  sessionsFinished: number;
  /** Notices not delivered in time, sent again. */
  noticesRedriven: number;
  /** Org deletions left unfinished (their caller went away), taken further. */
  deletionsContinued: number;
  /** Items that failed this run (each logged); the next run tries them again. */
  failed: number;
}

async function sweepOne(deps: SweepDeps, target: ExpiryTarget): Promise<'expired' | 'sessions' | 'notice' | 'deletion' | 'other'> {
  if (target.type === 'deletion') {
    await deps.continueDeletion(target.orgId);
    return 'deletion';
  }
  if (target.type === 'notice') {
    await deps.redriveNotice(target.id);
    return 'notice';
  }
  if (target.type === 'sessions') {
    await endSessionsOfGrant(deps, target.orgId, target.id, system('sweep'));
    return 'sessions';
  }
  const outcome = target.type === 'request' ? await expireRequest(deps, target.orgId, target.id, 'sweep') : await expireGrant(deps, target.orgId, target.id, 'sweep');
  return outcome === 'expired' ? 'expired' : 'other';
}

/**
 * The safety net under the schedules: finds, through the sparse expiry index, active grants and
 * pending requests past their expiry (a schedule deleted behind the product's back, a failed
 * create, a dead-lettered fire), ended grants whose sessions are still to end, and notices not
 * delivered in time (the stream gave up on them), and org deletions whose caller went away, and finishes each. Every item is on its own: one that fails is logged and counted, and the sweep carries on.
 * Each step re-reads and is conditional, so running alongside the scheduler is harmless.
 */
export async function sweep(deps: SweepDeps): Promise<SweepResult> {
  const overdue = await deps.store.listOverdue(deps.clock.now());
  const result: SweepResult = { found: overdue.length, expired: 0, sessionsFinished: 0, noticesRedriven: 0, deletionsContinued: 0, failed: 0 };
  for (const target of overdue) {
    try {
      const outcome = await sweepOne(deps, target);
      if (outcome === 'expired') result.expired++;
      if (outcome === 'sessions') result.sessionsFinished++;
      if (outcome === 'notice') result.noticesRedriven++;
      if (outcome === 'deletion') result.deletionsContinued++;
    } catch (error) {
      result.failed++;
      deps.log?.error('sweep item failed', { ...target, error: String(error) });
    }
  }
  return result;
}
