import { expiryShard } from './grant';

/** Keys of a permission request, under its org; in the expiry index while pending. */
export const requestKey = (orgId: string, requestId: string) => ({ pk: `ORG#${orgId}`, sk: `REQUEST#${requestId}` });

export const pendingRequestIndexKeys = (orgId: string, requestId: string, expiresAt: string) => ({
  gsi2pk: expiryShard(requestId),
  gsi2sk: `${expiresAt}#REQUEST#${orgId}#${requestId}`,
});
