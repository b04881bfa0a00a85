import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnauthenticatedError } from '../domain/errors';
import type { Person } from '../domain/model';

type JwtEvent = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, string | number | boolean | string[]> } } };
};

/**
 * The agent behind a support-API call, from the access token API Gateway's JWT authorizer
 * verified (issuer, audience or client, expiry, the route's scope): `sub`, and the email from the
 * stage's claim (`staffEmailClaim`).
 */
export function agentFrom(emailClaim: string): (event: APIGatewayProxyEventV2) => Person {
  return (event) => {
    const claims = (event as JwtEvent).requestContext.authorizer?.jwt?.claims;
    const sub = claims?.sub;
    const email = claims?.[emailClaim];
    if (typeof sub !== 'string' || typeof email !== 'string' || !email.includes('@')) {
      throw new UnauthenticatedError(`A staff access token with sub and ${emailClaim} is required.`);
    }
    const name = typeof claims?.name === 'string' ? claims.name : undefined;
    return { id: sub, email: email.toLowerCase(), name };
  };
}

/** The user attributes a Cognito trigger receives (all strings). */
export type StaffAttributes = Record<string, string | undefined>;

/**
 * What the staff pool adds to an agent's access token (pre-token-generation, V2): the verified
 * email under the stage's claim name, and the agent's name when the directory has one (customers
 * read it in their emails). An unverified address adds nothing, so the support API refuses the
 * token instead of trusting an email nobody proved.
 */
export function staffAccessTokenClaims(attributes: StaffAttributes, emailClaim: string): Record<string, string> {
  const email = attributes.email;
  if (!email || attributes.email_verified !== 'true') return {};
  return { [emailClaim]: email.toLowerCase(), ...(attributes.name ? { name: attributes.name } : {}) };
}
