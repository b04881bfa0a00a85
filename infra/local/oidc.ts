import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider from 'oidc-provider';
import { escapeHtml } from '../../shared/http/html';
import { CUSTOMER_CLIENT_ID, DEMO_PASSWORD, STAFF_CLIENT_ID, type LocalLayout } from './layout';
import type { Store } from '../../shared/ports/store';
import { DEMO_AGENTS } from './seed-data';
import { fileAdapterFactory } from './oidc-file-adapter';
import { staffAccessTokenClaims } from '../../shared/http/agent';
import { supportCliCallback } from '../config/stage-config';

interface Account {
  email: string;
  name: string;
}

/** The staff directory stand-in: the demo agents, and anyone at the demo vendor's domain. */
export const STAFF_DOMAIN = 'vendor.test';
function findStaff(email: string): Account | undefined {
  const known = DEMO_AGENTS.find((a) => a.email === email);
  if (known) return known;
  return email.endsWith(`@${STAFF_DOMAIN}`) ? { email, name: email.split('@')[0]! } : undefined;
}

/** Signing keys kept under the data folder, so tokens survive a restart. */
async function issuerKeys(dataDir: string, name: string): Promise<JWK[]> {
  const path = join(dataDir, 'keys', `${name}-issuer.json`);
  if (!existsSync(path)) {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    mkdirSync(join(dataDir, 'keys'), { recursive: true });
    writeFileSync(path, JSON.stringify([{ ...(await exportJWK(privateKey)), kid: `${name}-1`, alg: 'RS256', use: 'sig' }]), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(path, 'utf8')) as JWK[];
}

function loginPage(title: string, uid: string, error?: string, email = '', impersonation = false): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}label{display:block;margin-top:1rem}input{font:inherit;width:100%;box-sizing:border-box;padding:.4rem}button{font:inherit;padding:.4rem 1rem}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>Local identity provider. Demo accounts use the password <code>demo</code>.</p>
${error ? `<p role="alert" style="color:#a4161a">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" value="${escapeHtml(email)}" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
${impersonation ? `<details><summary>Simulate a "log in as" session</summary>
<label for="actingAgent">Support agent acting as this user</label><input id="actingAgent" name="actingAgent" type="email"></details>` : ''}
<p><button type="submit">Sign in</button></p></form></body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * One real OIDC provider (oidc-provider) per issuer, with a sign-in page for the seeded accounts.
 * Consent is implied for the first-party clients, so sign-in goes straight back to the client.
 */
async function startIssuer(
  layout: LocalLayout,
  options: {
    name: string;
    title: string;
    url: string;
    port: number;
    /** The directory: finds an account by sign-in email. */
    findByEmail: (email: string) => Promise<Account | undefined>;
    client: Record<string, unknown>;
    /** The customer issuer can mark a sign-in as made through "log in as" (an RFC 8693 `act` claim). */
    impersonation?: boolean;
    /**
     * JWT access tokens for an API (the staff issuer): the resource, the scope they carry, and the
     * claims added per account (what the Cognito trigger adds in AWS). Refresh tokens too.
     */
    accessTokens?: { resource: string; scope: string; claims: (account: Account) => Record<string, string> };
  },
): Promise<Server> {
  const subPrefix = `${options.name}-`;
  const ACT = '|act|';
  const subOf = (email: string, agent?: string) => `${subPrefix}${email}${agent ? `${ACT}${agent}` : ''}`;
  const api = options.accessTokens;
  const accountOf = async (id: string) => {
    const [email] = id.slice(subPrefix.length).split(ACT);
    return id.startsWith(subPrefix) && email ? options.findByEmail(email) : undefined;
  };
  const provider = new Provider(options.url, {
    adapter: fileAdapterFactory(join(layout.dataDir, 'oidc', `${options.name}-issuer.json`)),
    clients: [options.client as never],
    jwks: { keys: await issuerKeys(layout.dataDir, options.name) } as never,
    cookies: { keys: [`${options.name}-local-cookie-key-0123456789`] },
    claims: { openid: ['sub', 'act'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: api
        ? {
            enabled: true,
            defaultResource: () => api.resource,
            useGrantedResource: () => true,
            getResourceServerInfo: (_ctx: unknown, indicator: string) => {
              if (indicator !== api.resource) throw new Error(`unknown resource ${indicator}`);
              // oidc-provider requires an audience: the client, which is what Cognito's client_id says.
              return { scope: api.scope, audience: String(options.client.client_id), accessTokenFormat: 'jwt', accessTokenTTL: 3600, jwt: { sign: { alg: 'RS256' } } };
            },
          }
        : { enabled: false },
    },
    ...(api
      ? {
          issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
          extraTokenClaims: async (_ctx: unknown, token: { kind: string; accountId?: string }) => {
            const account = token.kind === 'AccessToken' && token.accountId ? await accountOf(token.accountId) : undefined;
            return account ? { token_use: 'access', ...api.claims(account) } : undefined;
          },
        }
      : {}),
    ttl: { IdToken: 8 * 3600, AccessToken: 3600, Session: 8 * 3600, Grant: 8 * 3600, Interaction: 600, AuthorizationCode: 60 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx: unknown, id: string) {
      const agent = id.split(ACT)[1];
      const account = await accountOf(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: subOf(account.email),
          email: account.email,
          email_verified: true,
          name: account.name,
          ...(agent ? { act: { sub: agent } } : {}),
        }),
      };
    },
  } as never);
  provider.proxy = false;
  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action?: string) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(options.title, uid, undefined, '', options.impersonation));
      return;
    }
    if (action !== 'login') throw new Error('unknown interaction action');
    const form = await readForm(req);
    const email = (form.get('email') ?? '').trim().toLowerCase();
    const account = email ? await options.findByEmail(email) : undefined;
    if (!account || form.get('password') !== DEMO_PASSWORD) {
      res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(options.title, uid, 'Unknown email or wrong password.', email, options.impersonation));
      return;
    }
    const agent = options.impersonation ? (form.get('actingAgent') ?? '').trim().toLowerCase() || undefined : undefined;
    const accountId = subOf(account.email, agent);
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id as string });
    grant.addOIDCScope('openid email profile');
    if (api) grant.addResourceScope(api.resource, api.scope);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  const server = createServer((req, res) => {
    const match = /^\/interaction\/([^/?]+)(?:\/(login))?/.exec(req.url ?? '');
    if (!match) return callback(req, res);
    interaction(req, res, match[1]!, match[2]).catch((error) => {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`Sign-in failed: ${String(error?.message ?? error)}. Start again from the application.`);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return server;
}

/** Starts the customer issuer (portal sign-in) and the staff issuer (agents' access tokens for the support API). */
export async function startIdentityProviders(layout: LocalLayout, store: Store): Promise<Server[]> {
  const customer = await startIssuer(layout, {
    name: 'customer',
    title: 'Sign in to your account',
    url: layout.urls.customerIssuer,
    port: layout.ports.customerIdp,
    impersonation: true,
    // Every customer user the table knows can sign in (password "demo").
    findByEmail: async (email) => {
      const user = await store.getUser(email);
      return user && { email: user.email, name: user.name };
    },
    client: {
      client_id: CUSTOMER_CLIENT_ID,
      token_endpoint_auth_method: 'none',
      redirect_uris: [`${layout.urls.portal}/auth/callback`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  });
  const staff = await startIssuer(layout, {
    name: 'staff',
    title: 'Vendor staff sign-in',
    url: layout.urls.staffIssuer,
    port: layout.ports.staffIdp,
    findByEmail: async (email) => findStaff(email),
    // Access tokens shaped like the staff pool's: the stage's scope, the email under the stage's
    // claim (the same mapping as the pool's trigger), for the support API at the gateway.
    accessTokens: {
      resource: layout.urls.portal,
      scope: layout.stage.staffScope,
      claims: (account) => staffAccessTokenClaims({ email: account.email, email_verified: 'true', name: account.name }, layout.stage.staffEmailClaim),
    },
    client: {
      client_id: STAFF_CLIENT_ID,
      token_endpoint_auth_method: 'none',
      redirect_uris: [supportCliCallback(layout.stage)],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
  });
  return [customer, staff];
}
