import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnauthenticatedError } from '../domain/errors';
import type { PlatformActor } from '../domain/org-provisioning';

type IamEvent = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: { iam?: { userArn?: string; callerId?: string } } };
};

/**
 * The platform admin behind an admin-API call: the IAM principal API Gateway's IAM authorization
 * verified the SigV4 signature of. A request without it never came through the authorizer.
 */
export function platformAdminOf(event: APIGatewayProxyEventV2): PlatformActor {
  const iam = (event as IamEvent).requestContext.authorizer?.iam;
  const id = iam?.userArn ?? iam?.callerId;
  if (!id) throw new UnauthenticatedError('An IAM-signed (SigV4) request is required.');
  return { type: 'platform', id };
}
