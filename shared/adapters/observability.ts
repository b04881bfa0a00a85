import { Logger } from '@aws-lambda-powertools/logger';
import { mapStackTracesToSources } from './stack-traces';

/**
 * The correlation id's path in the event (`requestContext.requestId`): a plain dotted path, so
 * every function does without a JMESPath engine in its cold start.
 */
export function dottedPath(expression: string, data: unknown): unknown {
  return expression.split('.').reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), data);
}

/** API Gateway's request id, the correlation id of every HTTP function's log lines. */
export const API_GATEWAY_REQUEST_ID = 'requestContext.requestId';

/**
 * Powertools' logger, created once per cold start: structured JSON logs (service, cold start, the
 * request's correlation id). Its names come from POWERTOOLS_* env, which the stack sets; locally
 * logs show warnings up. The metrics are in `metrics.ts`, loaded only by the functions that count.
 */
export const logger = new Logger({ correlationIdSearchFn: dottedPath });

/** Errors logged here, and those the Lambda runtime logs, name the TypeScript file and line (read from the source maps only when a stack is formatted). */
mapStackTracesToSources(import.meta.url);
