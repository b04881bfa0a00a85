import { expireRequest } from './access-requests';
import { expireGrant, type GrantDeps } from './grant-service';

/**
 * The safety net under the schedules: finds active grants and pending requests past their expiry
 * through the sparse expiry index and expires them (a schedule deleted behind the product's back,
 * a failed create, a dead-lettered fire). Each expiry re-reads and is conditional, so running
 * alongside the scheduler is harmless.
 */
export async function sweep(deps: GrantDeps): Promise<{ found: number; expired: number }> {
  const overdue = await deps.store.listOverdue(deps.clock.now());
  let expired = 0;
  for (const target of overdue) {
    const outcome = target.type === 'request' ? await expireRequest(deps, target.orgId, target.id, 'sweep') : await expireGrant(deps, target.orgId, target.id, 'sweep');
    if (outcome === 'expired') expired++;
  }
  return { found: overdue.length, expired };
}
