/**
 * `npm run token -- <agent email>`: signs an agent in at the local staff issuer without a browser
 * (authorization code + PKCE, the support CLI's client) and prints the access token the support
 * API takes as its bearer: the stage's scope, the email claim, for the staff client.
 */
import { supportCliCallback } from '../config/stage-config';
import { authorization, codeFrom, discover, exchangeCode, type ClientSettings, type Tokens } from '../support-cli/oidc-client';
import { localLayout, STAFF_CLIENT_ID, DEMO_PASSWORD, type LocalLayout } from './layout';
import { CookieJar, signInThrough } from './oidc-login';
import { DEMO_AGENTS } from './seed-data';

/** The support CLI's client on the local stack. */
export const localStaffClient = (layout: LocalLayout): ClientSettings => ({
  issuer: layout.urls.staffIssuer,
  clientId: STAFF_CLIENT_ID,
  redirectUri: supportCliCallback(layout.stage),
  scope: layout.stage.staffScope,
});

/** Signs `email` in at the local staff issuer's form, as a browser would, and redeems the code. */
export async function agentTokens(client: ClientSettings, email: string, password = DEMO_PASSWORD): Promise<Tokens> {
  const endpoints = await discover(client.issuer);
  const attempt = authorization(endpoints, client);
  const callback = new URL(await signInThrough(new CookieJar(), attempt.url, client.redirectUri, email, password));
  return exchangeCode(endpoints, client, codeFrom(callback, attempt.state), attempt.verifier);
}

export async function agentToken(layout: LocalLayout, email: string, password = DEMO_PASSWORD): Promise<string> {
  return (await agentTokens(localStaffClient(layout), email, password)).accessToken;
}

async function main() {
  const email = process.argv[2];
  if (!email) {
    console.error(`Usage: npm run token -- <agent email>   (agents: ${DEMO_AGENTS.map((a) => a.email).join(', ')})`);
    process.exit(2);
  }
  try {
    console.log(await agentToken(localLayout(), email));
  } catch (error) {
    console.error(`Could not get a token for ${email}: ${error instanceof Error ? error.message : String(error)} (is npm start running?)`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
