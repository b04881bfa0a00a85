import type { APIGatewayProxyEventV2, PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { agentFrom, staffAccessTokenClaims } from '../../shared/http/agent';
import { UnauthenticatedError } from '../../shared/domain/errors';

const eventWith = (claims: Record<string, string>) => ({ requestContext: { authorizer: { jwt: { claims, scopes: ['support-access/agent'] } } } }) as unknown as APIGatewayProxyEventV2;

describe("the agent's email: added to access tokens by the staff pool, read by the support API", () => {
  test('a verified email is added under the stage claim, lower-cased; an unverified or missing one adds nothing', () => {
    expect(staffAccessTokenClaims({ email: 'Alex@Vendor.test', email_verified: 'true' }, 'email')).toEqual({ email: 'alex@vendor.test' });
    expect(staffAccessTokenClaims({ email: 'alex@vendor.test', email_verified: 'true', name: 'Alex Agent' }, 'email')).toEqual({ email: 'alex@vendor.test', name: 'Alex Agent' });
    expect(staffAccessTokenClaims({ email: 'alex@vendor.test', email_verified: 'true' }, 'https://vendor.example/email')).toEqual({ 'https://vendor.example/email': 'alex@vendor.test' });
    expect(staffAccessTokenClaims({ email: 'alex@vendor.test', email_verified: 'false' }, 'email')).toEqual({});
    expect(staffAccessTokenClaims({ email: 'alex@vendor.test' }, 'email')).toEqual({});
    expect(staffAccessTokenClaims({ email_verified: 'true' }, 'email')).toEqual({});
  });

  test('the support API reads the email from the configured claim only', () => {
    const agentOf = agentFrom('agent_email');
    expect(agentOf(eventWith({ sub: 's-1', agent_email: 'Bea@Vendor.test' }))).toEqual({ id: 's-1', email: 'bea@vendor.test', name: undefined });
    // A token with `email` but not the configured claim is not an agent's token.
    expect(() => agentOf(eventWith({ sub: 's-1', email: 'bea@vendor.test' }))).toThrow(UnauthenticatedError);
    expect(() => agentOf(eventWith({ sub: 's-1', agent_email: 'not-an-email' }))).toThrow(/agent_email/);
    expect(() => agentOf(eventWith({ agent_email: 'bea@vendor.test' }))).toThrow(UnauthenticatedError);
    expect(() => agentOf({ requestContext: {} } as unknown as APIGatewayProxyEventV2)).toThrow(UnauthenticatedError);
  });

  test('the pre-token-generation trigger answers in the V2 shape Cognito reads', async () => {
    process.env.STAFF_EMAIL_CLAIM = 'email';
    const { handler } = await import('../../functions/staff-token');
    const event = {
      version: '2',
      triggerSource: 'TokenGeneration_HostedAuth',
      region: 'us-east-1',
      userPoolId: 'us-east-1_x',
      userName: 'alex',
      callerContext: { awsSdkVersion: '1', clientId: 'c' },
      request: { userAttributes: { sub: 's-1', email: 'alex@vendor.test', email_verified: 'true' }, groupConfiguration: {}, scopes: ['openid', 'support-access/agent'] },
      response: {},
    } as unknown as PreTokenGenerationV2TriggerEvent;
    const answered = await handler(event);
    expect(answered.response).toEqual({ claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: { email: 'alex@vendor.test' } } } });
    // Everything Cognito sent comes back unchanged beside the response.
    expect(answered.request).toBe(event.request);
  });
});
