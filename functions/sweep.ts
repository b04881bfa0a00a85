import { sweep, type SweepResult } from '../shared/domain/sweep';
import { grantDepsFromEnv, log } from '../shared/adapters/runtime';
import { count, METRIC, metrics } from '../shared/adapters/observability';

const deps = grantDepsFromEnv();

/**
 * Runs on a fixed schedule (an EventBridge rule in AWS, a timer locally): expires what is
 * overdue and finishes interrupted session clean-ups; failed items are counted (alarmed).
 */
export async function handler(): Promise<SweepResult> {
  const result = await sweep(deps);
  if (result.found) log.info('sweep', { ...result });
  if (result.failed) {
    count(METRIC.sweepFailures, result.failed);
    metrics.publishStoredMetrics();
  }
  return result;
}
