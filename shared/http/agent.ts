import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnauthenticatedError } from '../domain/errors';
import type { Person } from '../domain/model';

type JwtEvent = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, string | number | boolean | string[]> } } };
};

/** The agent behind a support-API call, from the claims API Gateway's JWT authorizer verified. */
export function agentOf(event: APIGatewayProxyEventV2): Person {
  const claims = (event as JwtEvent).requestContext.authorizer?.jwt?.claims;
  const sub = claims?.sub;
  const email = claims?.email;
  if (typeof sub !== 'string' || typeof email !== 'string') throw new UnauthenticatedError('A staff token with sub and email is required.');
  const name = typeof claims?.name === 'string' ? claims.name : undefined;
  return { id: sub, email: email.toLowerCase(), name };
}
