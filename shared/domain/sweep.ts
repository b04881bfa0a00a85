import { system } from './actor';
import { expireRequest } from './access-requests';
import { endSessionsOfGrant, expireGrant, type GrantDeps } from './grant-service';
import type { ExpiryTarget } from '../ports/scheduler';

/** The sweep's own dependencies: what a grant needs, and how to re-drive a stuck notice. */
export type SweepDeps = GrantDeps & { redriveNotice: (noticeId: string) => Promise<unknown> };

export interface SweepResult {
  found: number;
  expired: number;
  /** Ended grants whose sessions the sweep finished ending. */
  sessionsFinished: number;
  /** Notices not delivered in time, sent again. */
  noticesRedriven: number;
  /** Items that failed this run (each logged); the next run tries them again. */
  failed: number;
}

async function sweepOne(deps: SweepDeps, target: ExpiryTarget): Promise<'expired' | 'sessions' | 'notice' | 'other'> {
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
 * delivered in time (the stream gave up on them), and finishes each. Every item is on its own: one that fails is logged and counted, and the sweep carries on.
 * Each step re-reads and is conditional, so running alongside the scheduler is harmless.
 */
export async function sweep(deps: SweepDeps): Promise<SweepResult> {
  const overdue = await deps.store.listOverdue(deps.clock.now());
  const result: SweepResult = { found: overdue.length, expired: 0, sessionsFinished: 0, noticesRedriven: 0, failed: 0 };
  for (const target of overdue) {
    try {
      const outcome = await sweepOne(deps, target);
      if (outcome === 'expired') result.expired++;
      if (outcome === 'sessions') result.sessionsFinished++;
      if (outcome === 'notice') result.noticesRedriven++;
    } catch (error) {
      result.failed++;
      deps.log?.error('sweep item failed', { ...target, error: String(error) });
    }
  }
  return result;
}
