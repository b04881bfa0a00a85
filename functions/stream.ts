import { SESv2Client } from '@aws-sdk/client-sesv2';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue as StreamAttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { requireEnv } from '../shared/config';
import { systemClock } from '../shared/domain/clock';
import { deliverNotice } from '../shared/domain/notice-delivery';
import { recordTtlExpiry } from '../shared/domain/grant-service';
import type { Grant } from '../shared/domain/model';
import { newId } from '../shared/ports/ids';
import { DynamoStore } from '../shared/adapters/dynamodb/store';
import type { Notice } from '../shared/domain/notices';
import { fromItem } from '../shared/adapters/dynamodb/items';
import { isNoticeKey } from '../shared/adapters/dynamodb/keys/notice';
import { DynamoOutbox } from '../shared/adapters/dynamodb/outbox';
import { documentClient, log } from '../shared/adapters/runtime';
import { count, grantMetrics, METRIC, metrics, seconds } from '../shared/adapters/observability';
import { SesMailer } from '../shared/adapters/ses-mailer';
import { renderNotice } from '../shared/mail/templates';

const portalUrl = requireEnv('PORTAL_URL');
const store = new DynamoStore(documentClient, requireEnv('TABLE_NAME'));
const deps = {
  outbox: new DynamoOutbox(documentClient, requireEnv('TABLE_NAME')),
  mailer: new SesMailer(new SESv2Client({}), requireEnv('MAIL_FROM')),
  clock: systemClock,
  render: (notice: Notice, link?: string) => renderNotice(notice, { portalUrl, link }),
  portalUrl,
};

const image = (img: Record<string, StreamAttributeValue> | undefined) =>
  img ? unmarshall(img as Record<string, AttributeValue>) : undefined;

/** A removal by DynamoDB's TTL process (not by the product), per the record's userIdentity. */
const isTtlRemoval = (record: DynamoDBRecord) =>
  record.eventName === 'REMOVE' && record.userIdentity?.type === 'Service' && record.userIdentity?.principalId === 'dynamodb.amazonaws.com';

/**
 * The table's stream: delivers new outbox notices, records grants only TTL noticed ending, and
 * counts grants created and ended (with the expiry lag). Reports the first failed record so the
 * event source retries from there; notices already sent are skipped by their claim.
 */
async function onRecords(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  for (const record of event.Records) {
    if (isTtlRemoval(record)) {
      const old = image(record.dynamodb?.OldImage);
      if (old?.type === 'grant') {
        const outcome = await recordTtlExpiry({ store, clock: systemClock, ids: newId }, fromItem<Grant>(old)!);
        if (outcome === 'recorded') count(METRIC.ttlBackstopExpiries);
        log.info('ttl removal', { grantId: old.grantId, outcome });
      }
      continue;
    }
    const item = image(record.dynamodb?.NewImage);
    for (const m of grantMetrics(record.eventName, image(record.dynamodb?.OldImage), item)) (m.unit === 'seconds' ? seconds : count)(m.name, m.value);
    if (record.eventName !== 'INSERT' || !item || !isNoticeKey(item.pk)) continue;
    const notice = fromItem<Notice>(item)!;
    try {
      const outcome = await deliverNotice(deps, notice);
      if (outcome === 'sent') count(METRIC.noticesSent);
      log.info('notice', { noticeId: notice.noticeId, template: notice.template, outcome });
    } catch (error) {
      count(METRIC.noticesFailed);
      log.error('notice delivery failed', { noticeId: notice.noticeId, error: String(error) });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
}

/** Flushes the batch's metrics (EMF on stdout), if it counted anything. */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  try {
    return await onRecords(event);
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
