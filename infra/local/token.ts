/**
 * `npm run token -- <agent email>`: signs an agent in at the local staff issuer (authorization
 * code + PKCE, as any client would) and prints the ID token to use as the support API's bearer.
 */
import { createHash, randomBytes } from 'node:crypto';
import { localLayout, STAFF_CLIENT_ID, DEMO_PASSWORD } from './layout';
import { CookieJar, signInThrough } from './oidc-login';
import { DEMO_AGENTS } from './seed-data';

export async function agentToken(issuer: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const redirectUri = `${issuer}/cli/callback`;
  const authorize = new URL(`${issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: STAFF_CLIENT_ID,
    response_type: 'code',
    scope: 'openid email profile',
    redirect_uri: redirectUri,
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const callback = new URL(await signInThrough(new CookieJar(), authorize.toString(), redirectUri, email, password));
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`The issuer did not return a code: ${callback.search}`);
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: STAFF_CLIENT_ID, code_verifier: verifier }).toString(),
  });
  const body = (await response.json()) as { id_token?: string; error_description?: string };
  if (!body.id_token) throw new Error(`Token request failed: ${body.error_description ?? response.status}`);
  return body.id_token;
}

async function main() {
  const email = process.argv[2];
  if (!email) {
    console.error(`Usage: npm run token -- <agent email>   (agents: ${DEMO_AGENTS.map((a) => a.email).join(', ')})`);
    process.exit(2);
  }
  try {
    console.log(await agentToken(localLayout().urls.staffIssuer, email));
  } catch (error) {
    console.error(`Could not get a token for ${email}: ${error instanceof Error ? error.message : String(error)} (is npm start running?)`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
