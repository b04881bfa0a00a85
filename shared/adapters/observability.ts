import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The correlation id's path in the event (`requestContext.requestId`): a plain dotted path, so
 * every function does without a JMESPath engine in its cold start.
 */
export function dottedPath(expression: string, data: unknown): unknown {
  return expression.split('.').reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), data);
}

/**
 * Powertools, created once per cold start: structured JSON logs (service, cold start, the
 * request's correlation id) and CloudWatch metrics in EMF. Names come from POWERTOOLS_* env,
 * which the stack sets; locally metrics are off (no CloudWatch) and logs show warnings up.
 */
export const logger = new Logger({ correlationIdSearchFn: dottedPath });
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
