import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { Request } from '@middy/core';
import { JsonLogger } from '../../shared/adapters/observability';
import { logContext } from '../../shared/http/middlewares';

/** A logger writing into an array, parsed back. */
function capture(level?: string) {
  const lines: string[] = [];
  const logger = new JsonLogger('support-access', level, (line) => lines.push(line));
  return { logger, lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('the functions\' JSON log lines', () => {
  test('one line per call: level, message, time, service, then the call\'s fields; an Error as name, message and stack', () => {
    // Prepare
    const { logger, lines } = capture('INFO');

    // Act
    logger.info('expire', { target: 'grant', id: 'g-1' });
    logger.error('unhandled error', { error: new TypeError('no such thing') });

    // Assess
    const [info, error] = lines();
    expect(info).toEqual({ level: 'INFO', message: 'expire', timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/), service: 'support-access', target: 'grant', id: 'g-1' });
    expect(error).toMatchObject({ level: 'ERROR', message: 'unhandled error', error: { name: 'TypeError', message: 'no such thing', stack: expect.stringContaining('TypeError: no such thing') } });
  });

  test('lines below the level are not written; the level is read in any case, INFO when unset or unknown', () => {
    const warn = capture('warn');
    warn.logger.info('quiet');
    warn.logger.debug('quieter');
    warn.logger.warn('heard');
    const unset = capture(undefined);
    unset.logger.debug('not at INFO');
    unset.logger.info('at INFO');
    const unknown = capture('LOUD');
    unknown.logger.info('at INFO too');

    expect([warn.lines().map((l) => l.message), unset.lines().map((l) => l.message), unknown.lines().map((l) => l.message)]).toEqual([['heard'], ['at INFO'], ['at INFO too']]);
  });

  test('an HTTP request\'s lines carry its correlation id, Lambda\'s request id and the cold start; the next request\'s replace them', async () => {
    // Prepare
    const { logger, lines } = capture('INFO');
    const before = logContext(logger).before!;
    const requestOf = (requestId: string, awsRequestId: string) =>
      ({ event: { requestContext: { requestId } } as APIGatewayProxyEventV2, context: { functionName: 'portal', awsRequestId } as Context, response: undefined, error: undefined, internal: {} }) as unknown as Request<APIGatewayProxyEventV2, APIGatewayProxyResultV2>;

    // Act
    await before(requestOf('api-1', 'lambda-1'));
    logger.info('first');
    await before(requestOf('api-2', 'lambda-2'));
    logger.info('second');

    // Assess
    expect(lines().map(({ message, cold_start, function_name, function_request_id, correlation_id }) => ({ message, cold_start, function_name, function_request_id, correlation_id }))).toEqual([
      { message: 'first', cold_start: true, function_name: 'portal', function_request_id: 'lambda-1', correlation_id: 'api-1' },
      { message: 'second', cold_start: false, function_name: 'portal', function_request_id: 'lambda-2', correlation_id: 'api-2' },
    ]);
  });
});
