import { ManualClock } from '../../shared/domain/clock';
import type { GrantDeps } from '../../shared/domain/grant-service';
import type { ExpiryTarget } from '../../shared/ports/scheduler';
import type { MemoryStore } from './memory-store';

/**
 * A domain service's dependencies over a MemoryStore, for unit tests: a clock standing at `now`,
 * ids `id1`, `id2`, …, the platform's limits, and a scheduler and log that record what they are asked.
 */
export function recordingDeps(store: MemoryStore, now: Date, options: { schedulerFails?: boolean } = {}) {
  const scheduled: { name: string; at: string; target: ExpiryTarget }[] = [];
  const cancelled: string[] = [];
  const errors: string[] = [];
  let n = 0;
  const deps: GrantDeps = {
    store,
    clock: new ManualClock(now),
    ids: () => `id${++n}`,
    limits: { maxGrantHours: 4320, minGrantSeconds: 3600, sessionMinutes: 15, requestExpiryHours: 72 },
    scheduler: {
      scheduleAt: async (name, at, target) => {
        if (options.schedulerFails) throw new Error('scheduler down');
        scheduled.push({ name, at: at.toISOString(), target });
      },
      cancel: async (name) => void cancelled.push(name),
    },
    log: { error: (message) => void errors.push(message) },
  };
  return { deps, scheduled, cancelled, errors, clock: deps.clock as ManualClock };
}
