import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { expectedSignature } from '../admin/sigv4';

/**
 * The local stand-in for API Gateway's IAM authorization: one known platform admin whose
 * requests must carry a valid SigV4 signature (`npm run admin` signs with these locally).
 */
export const LOCAL_PLATFORM_ADMIN = {
  accessKeyId: 'AKIALOCALPLATFORMADMIN',
  secretAccessKey: 'local-platform-admin-secret-not-for-aws',
  userArn: 'arn:aws:iam::000000000000:user/local-platform-admin',
  region: 'us-east-1',
};

/** How far a signature's time may be from ours, as in AWS. */
const MAX_SKEW_MS = 5 * 60_000;

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

export type IamDecision = { ok: true; iam: { accessKey: string; userArn: string; callerId: string; accountId: string } } | { ok: false; message: string };

const deny = (message: string): IamDecision => ({ ok: false, message });

/** Verifies a request's SigV4 signature like API Gateway does; the reason is API Gateway's wording. */
export async function authorizeIam(request: { method: string; url: URL; headers: IncomingHttpHeaders; body: Buffer }, now: Date): Promise<IamDecision> {
  const header = request.headers.authorization;
  if (!header) return deny('Missing Authentication Token');
  const m = AUTHORIZATION.exec(header);
  if (!m) return deny('Authorization header requires Credential, SignedHeaders and Signature.');
  const [, accessKey, day, region, service, signedHeaderList, signature] = m as unknown as string[];
  if (accessKey !== LOCAL_PLATFORM_ADMIN.accessKeyId) return deny('The security token included in the request is invalid.');
  if (region !== LOCAL_PLATFORM_ADMIN.region || service !== 'execute-api') return deny(`Credential should be scoped to a valid region and to execute-api, not ${region}/${service}.`);
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const signedAt = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!signedAt || amzDate.slice(0, 8) !== day) return deny('Signature requires a valid X-Amz-Date matching the credential scope.');
  const signingDate = new Date(Date.UTC(+signedAt[1]!, +signedAt[2]! - 1, +signedAt[3]!, +signedAt[4]!, +signedAt[5]!, +signedAt[6]!));
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_SKEW_MS) return deny('Signature expired: the request time is more than 5 minutes from the server time.');
  const signedNames = signedHeaderList!.split(';');
  if (!signedNames.includes('host')) return deny('The host header must be signed.');
  // The signer trusts a payload hash header, so check it against the body actually received.
  const claimedHash = request.headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== createHash('sha256').update(request.body).digest('hex')) return deny('The request body does not match its signed hash.');
  const headers: Record<string, string> = {};
  for (const name of signedNames) {
    const value = request.headers[name];
    if (value === undefined) return deny(`Signed header ${name} is missing.`);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const expected = await expectedSignature(
    { method: request.method, url: request.url, headers, body: request.body },
    { accessKeyId: LOCAL_PLATFORM_ADMIN.accessKeyId, secretAccessKey: LOCAL_PLATFORM_ADMIN.secretAccessKey },
    region!,
    signingDate,
  );
  if (!expected || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature!))) {
    return deny('The request signature we calculated does not match the signature you provided.');
  }
  return { ok: true, iam: { accessKey: accessKey!, userArn: LOCAL_PLATFORM_ADMIN.userArn, callerId: 'local-platform-admin', accountId: '000000000000' } };
}
