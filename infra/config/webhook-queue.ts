import { FUNCTION_PERMISSIONS } from './function-permissions';

/**
 * The webhook delivery queue and how it feeds the `webhooks` function, declared once: the CDK
 * queue and event source mapping and the local stand-in (`infra/local/queue.ts`) both read it, so
 * the local stack holds message groups, hides failed messages, dead-letters and forgets exactly as
 * SQS FIFO and Lambda's event source do.
 */
export const WEBHOOK_QUEUE = {
  /** Messages per invocation: five posts of at most 5 s each fit the function's timeout. */
  batchSize: 5,
  /** SQS's advice: at least six times the function's timeout. */
  visibilityTimeoutSeconds: 6 * FUNCTION_PERMISSIONS.webhooks.timeoutSeconds,
  /** Longer than the 24 hours of retries (plus a day for a queue that was stopped). */
  retentionSeconds: 4 * 24 * 3600,
  /** Receives before a message goes to the dead-letter queue: well above the backoff's attempts in 24 hours. */
  maxReceiveCount: 50,
  /** SQS's limits: 256 KiB a message, 5 minutes of deduplication, 12 hours of visibility. */
  maxMessageBytes: 262_144,
  deduplicationSeconds: 300,
  maxVisibilitySeconds: 43_200,
} as const;
