import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Powertools' metrics, created once per cold start: CloudWatch metrics in EMF, named by
 * POWERTOOLS_* env, which the stack sets; locally off (no CloudWatch). Only the functions that
 * count import this module, so the others do without it in their cold start.
 */
export const metrics = new Metrics();

/** The product metrics the dashboard graphs and the alarms watch. */
export const METRIC = {
  grantsCreated: 'GrantsCreated',
  grantsEnded: 'GrantsEnded',
  expiryLagSeconds: 'ExpiryLagSeconds',
  ttlBackstopExpiries: 'TtlBackstopExpiries',
  noticesSent: 'NoticesSent',
  noticesFailed: 'NoticesFailed',
  noticeRetries: 'NoticeRetries',
  sweepFailures: 'SweepFailures',
} as const;

export const count = (name: string, value = 1) => metrics.addMetric(name, MetricUnit.Count, value);
export const seconds = (name: string, value: number) => metrics.addMetric(name, MetricUnit.Seconds, value);

/**
 * What one stream record says about grants: created, ended, and for an expiry how late it was
 * marked (scheduler or sweep). Read from the committed items, so the numbers are the truth.
 */
export function grantMetrics(eventName: string | undefined, before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): { name: string; value: number; unit: 'count' | 'seconds' }[] {
  if (after?.type !== 'grant') return [];
  if (eventName === 'INSERT') return [{ name: METRIC.grantsCreated, value: 1, unit: 'count' }];
  if (eventName !== 'MODIFY' || before?.status !== 'active' || after.status === 'active') return [];
  const ended = [{ name: METRIC.grantsEnded, value: 1, unit: 'count' as const }];
  if (after.status !== 'expired' || typeof after.endedAt !== 'string' || typeof after.expiresAt !== 'string') return ended;
  const lag = Math.max(0, (Date.parse(after.endedAt) - Date.parse(after.expiresAt)) / 1000);
  return [...ended, { name: METRIC.expiryLagSeconds, value: lag, unit: 'seconds' }];
}
