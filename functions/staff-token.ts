import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { requireEnv } from '../shared/config';
import { staffAccessTokenClaims } from '../shared/http/agent';

const emailClaim = requireEnv('STAFF_EMAIL_CLAIM');

/**
 * The staff pool's pre-token-generation trigger (V2): Cognito access tokens carry no email, so
 * this adds the agent's verified email under the stage's claim; the support API reads it there.
 */
export async function handler(event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2TriggerEvent> {
  event.response = {
    claimsAndScopeOverrideDetails: {
      accessTokenGeneration: { claimsToAddOrOverride: staffAccessTokenClaims(event.request.userAttributes, emailClaim) },
    },
  };
  return event;
}
