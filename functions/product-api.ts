import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { requireEnv } from '../shared/config';
import { UnauthenticatedError } from '../shared/domain/errors';
import { introspect, recordActivity } from '../shared/domain/introspection';
import { authenticateProduct } from '../shared/domain/product-clients';
import { readDepsFromEnv, signerFromEnv } from '../shared/adapters/runtime';
import { basicCredentials } from '../shared/http/basic-auth';
import { httpHandler } from '../shared/http/handler';
import { json, problemResponse } from '../shared/http/problem';
import { formBody, jsonBody } from '../shared/http/request';
import { dispatch } from '../shared/http/routes';

/** The customer's product talks to these: keys to verify tokens, introspection, activity reports. */
const deps = {
  ...readDepsFromEnv(),
  signer: signerFromEnv(),
  token: { issuer: requireEnv('TOKEN_ISSUER'), audience: requireEnv('TOKEN_AUDIENCE') },
};

const product = (event: APIGatewayProxyEventV2) => authenticateProduct(deps.store, basicCredentials(event));

const routes = dispatch<'product-api'>({
  /** Public keys for verifying session tokens; cacheable, rotation keeps old keys listed. */
  'GET /.well-known/jwks.json': async () =>
    json(200, await deps.signer.publicJwks(), { 'cache-control': 'public, max-age=300' }),

  /** RFC 7662: is this session token live right now? Never cached. */
  'POST /oauth/introspect': async (event) => {
    const client = await product(event);
    return json(200, await introspect(deps, client, formBody(event).token));
  },

  /** One action support took in a session, reported by the product; recorded in the audit trail. */
  'POST /activity': async (event) => {
    const client = await product(event);
    return json(201, { recorded: true, ...(await recordActivity(deps, client, jsonBody(event))) });
  },
});

/** Unauthenticated product calls say how to authenticate (RFC 7235). */
function render(error: unknown, event: APIGatewayProxyEventV2): APIGatewayProxyResultV2 {
  const response = problemResponse(error, event.requestContext?.requestId);
  if (error instanceof UnauthenticatedError && event.routeKey === 'POST /oauth/introspect') {
    response.headers = { ...response.headers, 'www-authenticate': 'Basic realm="support-access"' };
  }
  return response;
}

export const handler = httpHandler(routes, { render });
