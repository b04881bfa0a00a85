import { expireRequest } from '../shared/domain/access-requests';
import { expireGrant, warnGrant } from '../shared/domain/grant-service';
import { grantDepsFromEnv, log } from '../shared/adapters/runtime';
import type { ExpiryTarget } from '../shared/ports/scheduler';

const deps = grantDepsFromEnv();

/**
 * EventBridge Scheduler target: the schedule's Input is the event. Re-reads and conditionally
 * expires; a schedule that fired before the expiry second throws, so Scheduler retries it.
 */
export async function handler(event: ExpiryTarget): Promise<{ outcome: string }> {
  if (!event?.orgId || !event.id) throw new Error('Unknown expiry target.');
  const expire = { grant: expireGrant, request: expireRequest, warning: warnGrant }[event.type];
  if (!expire) throw new Error(`Unknown expiry target type ${String(event.type)}.`);
  const outcome = await expire(deps, event.orgId, event.id, 'scheduler');
  log.info('expire', { target: event.type, id: event.id, outcome });
  if (outcome === 'not_due') throw new Error(`${event.type} ${event.id} is not due yet; retrying.`);
  return { outcome };
}
