import { FUNCTION_PERMISSIONS } from './function-permissions';

/**
 * How the table's stream feeds the `stream` function, declared once: the CDK event source mapping
 * and the local stream poller both read it, so the local stack retries, bisects, gives up and
 * parks failures exactly as Lambda's event source does.
 */
export const STREAM_EVENT_SOURCE = {
  /**
   * Records per invocation (Lambda's default for a stream). Its notices go out 25 at a time
   * (`functions/stream.ts`): even 100 notices of 21 recipients at ~50 ms a send take about 4 s,
   * well inside the timeout.
   */
  batchSize: 100,
  /** A function error splits the batch in two and retries each half. */
  bisectBatchOnError: true,
  /** The handler reports the first failed record; the batch is retried from there. */
  reportBatchItemFailures: true,
  /** Retries of a failing batch before its records go to the on-failure destination. */
  retryAttempts: 10,
  /** Records older than this are not retried any more (they go to the on-failure destination). */
  maxRecordAgeSeconds: 24 * 3600,
} as const;

/** The stream function's timeout, seconds (declared with its permissions): a batch of 100 notices × 21 recipients at ~50 ms a send, 25 at a time, fits with margin. */
export const STREAM_FUNCTION_TIMEOUT_SECONDS = FUNCTION_PERMISSIONS.stream.timeoutSeconds;
