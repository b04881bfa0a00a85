import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** HTTP Basic credentials (RFC 7617) from the Authorization header, or undefined. */
export function basicCredentials(event: APIGatewayProxyEventV2): { clientId: string; secret: string } | undefined {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i <= 0) return undefined;
  // RFC 6749 §2.3.1: client id and secret are form-encoded before Basic encoding.
  const unescape = (v: string) => decodeURIComponent(v.replace(/\+/g, ' '));
  try {
    return { clientId: unescape(decoded.slice(0, i)), secret: unescape(decoded.slice(i + 1)) };
  } catch {
    return undefined;
  }
}
