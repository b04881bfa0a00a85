import { deliverNotice } from '../shared/domain/notice-delivery';
import { sweep, type SweepResult } from '../shared/domain/sweep';
import { deliveryDepsFromEnv, grantDepsFromEnv, log } from '../shared/adapters/runtime';
import { count, METRIC, metrics } from '../shared/adapters/observability';

const delivery = deliveryDepsFromEnv();
const deps = {
  ...grantDepsFromEnv(),
  /** A notice the stream gave up on (or whose sender died): delivered again, to whoever does not have it yet. */
  redriveNotice: async (noticeId: string) => {
    const notice = await delivery.outbox.getNotice(noticeId);
    return notice && deliverNotice(delivery, notice, 'sweep');
  },
};

/**
 * Runs on a fixed schedule (an EventBridge rule in AWS, a timer locally): expires what is
 * overdue, finishes interrupted session clean-ups and re-drives stuck notices; failed items are
 * counted (alarmed).
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
