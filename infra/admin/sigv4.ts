import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** API Gateway's IAM authorization checks signatures for this service name. */
export const EXECUTE_API = 'execute-api';

export interface RequestToSign {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** The request as the SigV4 signer sees it: only the given headers, path and query as sent. */
function httpRequest({ method, url, headers, body }: RequestToSign): HttpRequest {
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return new HttpRequest({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query,
    headers: { host: url.host, ...headers },
    body,
  });
}

/** Signs a request the way the AWS SDKs do (for execute-api unless told); returns the headers to send (host included). */
export async function signRequest(
  request: RequestToSign,
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider,
  region: string,
  signingDate?: Date,
  service = EXECUTE_API,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials, region, service, sha256: Hash.bind(null, 'sha256'), applyChecksum: true });
  const signed = await signer.sign(httpRequest(request), signingDate ? { signingDate } : {});
  return signed.headers;
}

/** The signature a request would carry, computed over exactly the headers it says it signed. */
export async function expectedSignature(request: RequestToSign, credentials: AwsCredentialIdentity, region: string, signingDate: Date): Promise<string | undefined> {
  const signer = new SignatureV4({ credentials, region, service: EXECUTE_API, sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
  const signed = await signer.sign(httpRequest(request), { signingDate });
  return /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization ?? '')?.[1];
}
