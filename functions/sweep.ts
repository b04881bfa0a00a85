import { deliverNotice } from '../shared/domain/notice-delivery';
import { deleteOrg, DELETION_STEP_MS } from '../shared/domain/org-provisioning';
import { auditArchiveFromEnv } from '../shared/adapters/audit-archive-env';
import { sweep, type SweepResult } from '../shared/domain/sweep';
import { log } from '../shared/adapters/runtime';
import { grantDepsFromEnv } from '../shared/adapters/grant-runtime';
import { deliveryDepsFromEnv } from '../shared/adapters/delivery-runtime';
import { count, METRIC, metrics } from '../shared/adapters/metrics';

/** How long the sweep goes on with all stalled deletions in one run (it may run 60 s). */
const DELETIONS_PER_RUN_MS = 30_000;
let deletionsUntil = 0;

const delivery = deliveryDepsFromEnv();
const grantDeps = grantDepsFromEnv();
const archive = auditArchiveFromEnv();
const deps = {
  ...grantDeps,
  /** A notice the stream gave up on (or whose sender died): delivered again, to whoever does not have it yet. */
  redriveNotice: async (noticeId: string) => {
    const notice = await delivery.outbox.getNotice(noticeId);
    return notice && deliverNotice(delivery, notice, 'sweep');
  },
  /** An org deletion whose caller went away: taken further (the next run goes on if it is not done). */
  continueDeletion: (orgId: string) =>
    deleteOrg({ ...grantDeps, archive }, { type: 'system', id: 'sweep' }, orgId, Math.min(Date.now() + DELETION_STEP_MS, deletionsUntil)),
};

/**
 * Runs on a fixed schedule (an EventBridge rule in AWS, a timer locally): expires what is
 * overdue, finishes interrupted session clean-ups, re-drives stuck notices and goes on with
 * stalled org deletions; failed items are counted (alarmed).
 */
export async function handler(): Promise<SweepResult> {
  // Each stalled deletion takes at least one step; past this, only one each, the rest next run.
  deletionsUntil = Date.now() + DELETIONS_PER_RUN_MS;
  const result = await sweep(deps);
  if (result.found) log.info('sweep', { ...result });
  if (result.failed) {
    count(METRIC.sweepFailures, result.failed);
    metrics.publishStoredMetrics();
  }
  return result;
}
