import { expireTarget } from '../shared/domain/expiry';
import { EndedGrants } from '../shared/domain/grant-service';
import { log } from '../shared/adapters/runtime';
import { grantDepsFromEnv } from '../shared/adapters/grant-runtime';
import type { ExpiryTarget } from '../shared/ports/scheduler';

const deps = grantDepsFromEnv();
/** Grants this container has seen ended: the schedules of grants ended with others of their org find them here. */
const ended = new EndedGrants();

const TYPES: ExpiryTarget['type'][] = ['grant', 'request', 'warning'];

/**
 * EventBridge Scheduler's target, invoked asynchronously: the schedule's Input is the event.
 * Re-reads and conditionally expires; never throws for a time reason (an early fire re-arms), so
 * only a real failure reaches Lambda's retries and then the on-failure queue.
 */
export async function handler(event: ExpiryTarget): Promise<{ outcome: string }> {
  if (!event?.orgId || !event.id || !TYPES.includes(event.type)) throw new Error(`Unknown expiry target ${JSON.stringify(event)}.`);
  const outcome = await expireTarget(deps, event, 'scheduler', ended);
  log.info('expire', { target: event.type, id: event.id, outcome });
  return { outcome };
}
