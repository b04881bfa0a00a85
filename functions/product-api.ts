import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { requireEnv } from '../shared/config';
import { PRODUCT_CONTRACTS } from '../shared/contracts/product-api';
import { withStaffScope } from '../shared/contracts/served-openapi';
import { UnauthenticatedError } from '../shared/domain/errors';
import { introspect, recordActivity } from '../shared/domain/introspection';
import { authenticateProduct } from '../shared/domain/product-clients';
import { readDepsFromEnv } from '../shared/adapters/runtime';
import { signerFromEnv } from '../shared/adapters/signer-runtime';
import { basicCredentials } from '../shared/http/basic-auth';
import { contractRequest } from '../shared/http/contract-request';
import { httpHandler } from '../shared/http/handler';
import { json, problemResponse } from '../shared/http/problem';
import { dispatch } from '../shared/http/routes';

/** The customer's product talks to these: keys to verify tokens, introspection, activity reports. */
const deps = {
  ...readDepsFromEnv(),
  signer: signerFromEnv(),
  token: { issuer: requireEnv('TOKEN_ISSUER'), audience: requireEnv('TOKEN_AUDIENCE') },
};
const staffScope = requireEnv('STAFF_SCOPE');

const product = (event: APIGatewayProxyEventV2) => authenticateProduct(deps.store, basicCredentials(event));

let document: string | undefined;

const routes = dispatch<'product-api'>({
  /** Public keys for verifying session tokens; cacheable, rotation keeps old keys listed. */
  'GET /.well-known/jwks.json': async () =>
    json(200, await deps.signer.publicJwks(), { 'cache-control': 'public, max-age=300' }),

  /**
   * RFC 7662: is this session token live right now? Never cached. One round trip: the client is
   * read with the session and grant; bad input is answered only to an authenticated caller.
   */
  'POST /oauth/introspect': async (event) => {
    const credentials = basicCredentials(event);
    let token: string;
    try {
      token = contractRequest(PRODUCT_CONTRACTS['POST /oauth/introspect'], event, 'invalid_request').body.token;
    } catch (error) {
      await product(event);
      throw error;
    }
    return json(200, await introspect(deps, credentials, token));
  },

  /** One action support took in a session, reported by the product; recorded in the audit trail. */
  'POST /activity': async (event) => {
    const client = await product(event);
    const { body } = contractRequest(PRODUCT_CONTRACTS['POST /activity'], event);
    return json(201, { recorded: true, ...(await recordActivity(deps, client, body)) });
  },

  /**
   * The support, product and admin APIs described (OpenAPI 3.1): the document generated from the
   * contracts at build time, with this stage's staff scope; loaded with the first request for it.
   */
  'GET /openapi.json': async () => {
    document ??= withStaffScope(JSON.stringify((await import('../docs/openapi.json', { with: { type: 'json' } })).default), staffScope);
    return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }, body: document };
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
