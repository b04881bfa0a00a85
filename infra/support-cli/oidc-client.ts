/**
 * The support CLI's OAuth client: a public native app (RFC 8252) doing authorization code + PKCE
 * (RFC 7636) against the staff issuer found by discovery, and refreshing its tokens.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface IssuerEndpoints {
  authorization_endpoint: string;
  token_endpoint: string;
}

/** What the CLI asks for: the staff client, its loopback callback and the API's scope. */
export interface ClientSettings {
  issuer: string;
  clientId: string;
  redirectUri: string;
  scope: string;
}

export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  /** Epoch seconds the access token stops working. */
  expiresAt: number;
}

export async function discover(issuer: string): Promise<IssuerEndpoints> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(url).catch((error: unknown) => {
    throw new Error(`Cannot reach the staff issuer at ${issuer} (${error instanceof Error ? error.message : String(error)}).`);
  });
  if (!res.ok) throw new Error(`The staff issuer's discovery document answered ${res.status} (${url}).`);
  const doc = (await res.json()) as Partial<IssuerEndpoints>;
  if (!doc.authorization_endpoint || !doc.token_endpoint) throw new Error(`The staff issuer's discovery document has no authorization or token endpoint (${url}).`);
  return { authorization_endpoint: doc.authorization_endpoint, token_endpoint: doc.token_endpoint };
}

/** A sign-in attempt: the URL to open, and what the callback must bring back. */
export interface Authorization {
  url: string;
  state: string;
  verifier: string;
}

export function authorization(endpoints: IssuerEndpoints, client: ClientSettings): Authorization {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const url = new URL(endpoints.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: client.clientId,
    response_type: 'code',
    // openid for the sign-in itself; the API's scope is what the support routes require.
    scope: ['openid email profile', client.scope].filter(Boolean).join(' '),
    redirect_uri: client.redirectUri,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  return { url: url.toString(), state, verifier };
}

/** The code from the callback URL, after checking its state; the issuer's error otherwise. */
export function codeFrom(callback: URL, expectedState: string): string {
  const error = callback.searchParams.get('error');
  if (error) throw new Error(`Sign-in was refused: ${callback.searchParams.get('error_description') ?? error}.`);
  if (callback.searchParams.get('state') !== expectedState) throw new Error('Sign-in answered with a different state; start again.');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error('Sign-in answered without a code; start again.');
  return code;
}

async function tokenRequest(endpoints: IssuerEndpoints, form: Record<string, string>, previousRefresh?: string): Promise<Tokens> {
  const res = await fetch(endpoints.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; refresh_token?: string; expires_in?: number; error?: string; error_description?: string };
  if (!res.ok || !body.access_token) throw new Error(`The staff issuer refused the token request: ${body.error_description ?? body.error ?? res.status}.`);
  return {
    accessToken: body.access_token,
    // Cognito does not rotate refresh tokens: keep the one we had.
    refreshToken: body.refresh_token ?? previousRefresh,
    expiresAt: Math.floor(Date.now() / 1000) + (body.expires_in ?? 3600),
  };
}

export function exchangeCode(endpoints: IssuerEndpoints, client: ClientSettings, code: string, verifier: string): Promise<Tokens> {
  return tokenRequest(endpoints, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, client_id: client.clientId, code_verifier: verifier });
}

export function refresh(endpoints: IssuerEndpoints, client: ClientSettings, refreshToken: string): Promise<Tokens> {
  return tokenRequest(endpoints, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.clientId }, refreshToken);
}
