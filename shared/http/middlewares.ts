import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { ImpersonatedSessionError } from '../domain/actor';
import { recordImpersonatedRefusal, type RefusalDeps } from '../domain/consent-refusals';
import { DomainError } from '../domain/errors';
import { problemResponse } from './problem';
import { logger as defaultLogger, type JsonLogger } from '../adapters/observability';

type HttpMiddleware = MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2>;

/**
 * Each request's log lines carry the API Gateway request id as correlation id, Lambda's request
 * id and whether the request met a cold start; the next request's replace them.
 */
export function logContext(logger: Pick<JsonLogger, 'startInvocation'>): HttpMiddleware {
  let coldStart = true;
  const logContextBefore: NonNullable<HttpMiddleware['before']> = (request) => {
    logger.startInvocation({
      cold_start: coldStart,
      function_name: request.context.functionName,
      function_request_id: request.context.awsRequestId,
      correlation_id: request.event.requestContext?.requestId,
    });
    coldStart = false;
  };
  return { before: logContextBefore };
}

export interface ErrorResponderOptions {
  /** Renders the error for this surface; JSON problem details by default. */
  render?: (error: unknown, event: APIGatewayProxyEventV2) => APIGatewayProxyResultV2;
  logger?: { error(message: string, detail: Record<string, unknown>): void };
}

/**
 * Maps thrown errors to responses, last in the chain: domain errors to their status, anything
 * else to a 500 that is logged (without the event, which carries personal data).
 */
export function errorResponder(options: ErrorResponderOptions = {}): HttpMiddleware {
  const render = options.render ?? ((error, event) => problemResponse(error, event.requestContext?.requestId));
  const logger = options.logger ?? defaultLogger;
  const errorResponderOnError: NonNullable<HttpMiddleware['onError']> = async (request) => {
    if (request.response !== undefined && request.error === undefined) return;
    const error = request.error;
    if (!(error instanceof DomainError)) {
      logger.error('unhandled error', {
        routeKey: request.event.routeKey,
        requestId: request.event.requestContext?.requestId,
        error: error instanceof Error ? error.stack : String(error),
      });
    }
    request.response = render(error, request.event);
  };
  return { onError: errorResponderOnError };
}

/**
 * Every consent act refused to a "log in as" session lands in the org's audit trail once, naming
 * the agent, the user and the route, so the customer sees that support tried. The refusal stands
 * even if recording it fails (logged).
 */
export function recordConsentRefusals(deps: RefusalDeps, logger: { error(message: string, detail: Record<string, unknown>): void } = defaultLogger): HttpMiddleware {
  const recordConsentRefusalsOnError: NonNullable<HttpMiddleware['onError']> = async (request) => {
    if (!(request.error instanceof ImpersonatedSessionError)) return;
    await recordImpersonatedRefusal(deps, request.error, request.event.routeKey).catch((error: unknown) =>
      logger.error('recording an impersonated refusal failed', { routeKey: request.event.routeKey, error: String(error) }),
    );
  };
  return { onError: recordConsentRefusalsOnError };
}

/** Headers every response carries, the function's own and the error pages alike. */
export const SECURITY_HEADERS: Record<string, string> = { 'x-content-type-options': 'nosniff' };

/** Adds `SECURITY_HEADERS` to whatever the route or the error responder answered. */
export function securityHeaders(): HttpMiddleware {
  const add = (request: { response?: APIGatewayProxyResultV2 | null }) => {
    const response = request.response;
    if (response && typeof response === 'object') response.headers = { ...(response.headers ?? {}), ...SECURITY_HEADERS };
  };
  const securityHeadersAfter: NonNullable<HttpMiddleware['after']> = async (request) => add(request);
  const securityHeadersOnError: NonNullable<HttpMiddleware['onError']> = async (request) => add(request);
  return { after: securityHeadersAfter, onError: securityHeadersOnError };
}
