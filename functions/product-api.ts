import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { signerFromEnv } from '../shared/adapters/runtime';
import { errorResponder } from '../shared/http/middlewares';
import { json } from '../shared/http/problem';
import { dispatch } from '../shared/http/routes';

const signer = signerFromEnv();

const routes = dispatch<'product-api'>({
  /** Public keys for verifying session tokens; cacheable, rotation keeps old keys listed. */
  'GET /.well-known/jwks.json': async () =>
    json(200, await signer.publicJwks(), { 'cache-control': 'public, max-age=300' }),
});

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(httpHeaderNormalizer())
  .use(errorResponder())
  .handler(routes);
