import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue as StreamAttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { deliverNotice } from '../shared/domain/notice-delivery';
import { recordTtlExpiry } from '../shared/domain/grant-service';
import type { Grant } from '../shared/domain/model';
import { newId } from '../shared/ports/ids';
import type { Notice } from '../shared/domain/notices';
import { fromItem } from '../shared/adapters/dynamodb/items';
import { isNoticeKey } from '../shared/adapters/dynamodb/keys/notice';
import { log } from '../shared/adapters/runtime';
import { deliveryDepsFromEnv } from '../shared/adapters/delivery-runtime';
import { publishDepsFromEnv } from '../shared/adapters/webhook-runtime';
import { EndpointLists, publishAuditEvent } from '../shared/domain/webhook-delivery';
import type { AuditEvent } from '../shared/domain/audit';
import { isAuditEventKey } from '../shared/adapters/dynamodb/keys/audit';
import { count, grantMetrics, METRIC, metrics, seconds } from '../shared/adapters/metrics';
import { BatchSuppressions, StreamBatch } from '../shared/adapters/stream-batch';

const deps = deliveryDepsFromEnv();
const webhooks = publishDepsFromEnv();
const store = deps.store;

const image = (img: Record<string, StreamAttributeValue> | undefined) =>
  img ? unmarshall(img as Record<string, AttributeValue>) : undefined;

/** A removal by DynamoDB's TTL process (not by the product), per the record's userIdentity. */
const isTtlRemoval = (record: DynamoDBRecord) =>
  record.eventName === 'REMOVE' && record.userIdentity?.type === 'Service' && record.userIdentity?.principalId === 'dynamodb.amazonaws.com';

/** Records of one batch whose work runs at the same time, at most (each notice holds an SES send). */
const CONCURRENCY = 25;

/**
 * The table's stream: delivers new outbox notices, publishes new audit events to the org's
 * webhooks (queues their deliveries), records grants only TTL noticed ending, and counts grants
 * created and ended (with the expiry lag). An org's audit events are published in order; notices
 * go out side by side (`StreamBatch`). Reports the first failed record so the event source
 * retries from there; notices already sent are skipped by their claim, publishing is idempotent.
 */
async function onRecords(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const batch = new StreamBatch(CONCURRENCY);
  const publish = { ...webhooks, listed: new EndpointLists(webhooks.webhooks) };
  const newImages = event.Records.map((record) => image(record.dynamodb?.NewImage));
  const notices = newImages.map((item, i) => (event.Records[i]!.eventName === 'INSERT' && item && isNoticeKey(item.pk) ? fromItem<Notice>(item)! : undefined));
  // The batch's recipients are looked up in the suppression list once, with the first notice.
  const suppressions = new BatchSuppressions(deps.outbox, notices.flatMap((notice) => notice?.to ?? []));
  for (const [i, record] of event.Records.entries()) {
    if (batch.stoppedBefore(i)) break;
    if (isTtlRemoval(record)) {
      const old = image(record.dynamodb?.OldImage);
      if (old?.type !== 'grant') continue;
      // Recorded once: only when everything before it went through.
      const recorded = await batch.alone(i, async () => {
        const outcome = await recordTtlExpiry({ store, clock: deps.clock, ids: newId }, fromItem<Grant>(old)!);
        if (outcome === 'recorded') count(METRIC.ttlBackstopExpiries);
        log.info('ttl removal', { grantId: old.grantId, outcome });
      });
      if (!recorded) break;
      continue;
    }
    const item = newImages[i];
    for (const m of grantMetrics(record.eventName, image(record.dynamodb?.OldImage), item)) (m.unit === 'seconds' ? seconds : count)(m.name, m.value);
    if (record.eventName === 'INSERT' && item && isAuditEventKey(item.pk, item.sk)) {
      const audit = fromItem<AuditEvent>(item)!;
      batch.inOrder(i, audit.orgId, async () => {
        try {
          const queued = await publishAuditEvent(publish, audit);
          if (queued) log.info('webhook deliveries queued', { orgId: audit.orgId, seq: audit.seq, action: audit.action, queued });
        } catch (error) {
          // The queue or the table refused for now: the stream retries from here (publishing is idempotent).
          log.error('webhook publishing failed; will retry', { orgId: audit.orgId, seq: audit.seq, error: String(error) });
          throw error;
        }
      });
      continue;
    }
    const notice = notices[i];
    if (!notice) continue;
    batch.independent(i, async () => {
      try {
        const outcome = await deliverNotice(deps, notice, 'stream', suppressions);
        if (outcome === 'sent') count(METRIC.noticesSent);
        if (outcome === 'failed') count(METRIC.noticesFailed);
        log.info('notice', { noticeId: notice.noticeId, template: notice.template, outcome });
      } catch (error) {
        // Transient (throttled, SES unreachable): the stream retries from here, then the sweep re-drives.
        count(METRIC.noticeRetries);
        log.error('notice delivery failed; will retry', { noticeId: notice.noticeId, error: String(error) });
        throw error;
      }
    });
  }
  const failed = await batch.firstFailure();
  return { batchItemFailures: failed === undefined ? [] : [{ itemIdentifier: event.Records[failed]!.dynamodb?.SequenceNumber ?? '' }] };
}

/** Flushes the batch's metrics (EMF on stdout), if it counted anything. */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  try {
    return await onRecords(event);
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
