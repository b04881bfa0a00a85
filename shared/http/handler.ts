import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { logger } from '../adapters/observability';
import type { RefusalDeps } from '../domain/consent-refusals';
import { errorResponder, logContext, recordConsentRefusals, securityHeaders, type ErrorResponderOptions } from './middlewares';
import type { RouteHandler } from './routes';

/**
 * Every HTTP function's middleware chain: headers normalized first; security headers on every
 * answer; log lines carry the API Gateway request id as correlation id; errors become responses last.
 */
export function httpHandler(routes: RouteHandler, options: ErrorResponderOptions & { refusals?: RefusalDeps } = {}) {
  const chain = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(httpHeaderNormalizer())
    // First in, so its onError runs last: it also marks the error responder's answer.
    .use(securityHeaders())
    .use(logContext(logger));
  // onError runs in reverse: the error responder renders first, then the refusal is recorded.
  if (options.refusals) chain.use(recordConsentRefusals(options.refusals, logger));
  return chain.use(errorResponder({ logger, ...options })).handler(routes);
}
