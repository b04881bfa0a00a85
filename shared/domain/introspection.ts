import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { ForbiddenError, UnauthenticatedError } from './errors';
import type { GrantDeps } from './grant-service';
import type { ProductClient } from './model';
import { credentialsMatch, productRefused, type ProductCredentials } from './product-clients';
import { isLive } from './session-service';
import type { TokenSigner } from '../ports/token-signer';

/** What the product-facing side needs: the store and clock, and the keys tokens are signed with. */
export interface ProductDeps extends GrantDeps {
  signer: TokenSigner;
  token: { issuer: string; audience: string };
}

export interface SessionClaims extends JWTPayload {
  sub: string;
  jti: string;
  org: string;
  grant: string;
  case?: string;
  act: { sub: string; email: string };
  level: string;
  workspaces: string[] | 'all';
  env: string;
  scope: string;
}

/**
 * The verification keys, parsed and imported once per signer (per container): a signer publishes
 * a fixed set of keys for its life (rotation is a new deployment), and importing them on every
 * request was most of introspection's own CPU.
 */
const keySets = new WeakMap<TokenSigner, Promise<ReturnType<typeof createLocalJWKSet>>>();
function verificationKeys(signer: TokenSigner): Promise<ReturnType<typeof createLocalJWKSet>> {
  let keys = keySets.get(signer);
  if (!keys) {
    keys = signer.publicJwks().then((jwks) => createLocalJWKSet(jwks));
    // A failed fetch is not kept: the next request tries again.
    keys.catch(() => keySets.delete(signer));
    keySets.set(signer, keys);
  }
  return keys;
}

/**
 * A session token's claims when its signature (a published key), issuer, audience and expiry
 * check out at the clock's now; otherwise undefined. Tampered, expired, wrong-audience and
 * unknown-`kid` tokens all end here.
 */
export async function verifySessionToken(deps: ProductDeps, token: string): Promise<SessionClaims | undefined> {
  try {
    const keys = await verificationKeys(deps.signer);
    const { payload } = await jwtVerify(token, keys, {
      issuer: deps.token.issuer,
      audience: deps.token.audience,
      algorithms: ['ES256'],
      currentDate: deps.clock.now(),
      requiredClaims: ['sub', 'jti', 'exp', 'iat'],
    });
    const claims = payload as SessionClaims;
    return typeof claims.org === 'string' && typeof claims.grant === 'string' ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** The live session behind verified claims of this client's org, or undefined. */
async function liveClaims(deps: ProductDeps, client: ProductClient, claims: SessionClaims | undefined) {
  if (!claims || claims.org !== client.orgId) return undefined;
  const [session, grant] = await Promise.all([deps.store.getSession(claims.org, claims.grant, claims.jti), deps.store.getGrant(claims.org, claims.grant)]);
  return session && isLive(session, grant, deps.clock.now()) ? { claims, session } : undefined;
}

/**
 * RFC 7662 introspection for the org's product: `active: false` the moment the grant expires, is
 * revoked or ends with its case, or the session is ended; otherwise the token's claims. Checked
 * against the table on every call — never cached.
 */
export async function introspect(deps: ProductDeps, credentials: ProductCredentials | undefined, token: string): Promise<Record<string, unknown>> {
  if (!credentials) productRefused();
  // The signature is checked in memory; then the client, the session and its grant are read in
  // one round trip. Nothing read is used before the credentials are known to be the client's.
  const claims = await verifySessionToken(deps, token);
  const read = await deps.store.readTogether({
    client: credentials.clientId,
    ...(claims ? { session: { orgId: claims.org, grantId: claims.grant, sessionId: claims.jti }, grant: { orgId: claims.org, grantId: claims.grant } } : {}),
  });
  const client = credentialsMatch(read.client, credentials);
  if (!claims || claims.org !== client.orgId || !read.session || !isLive(read.session, read.grant, deps.clock.now())) return { active: false };
  return { active: true, token_type: 'Bearer', client_id: client.clientId, username: claims.sub, ...claims };
}

/** One action, as the product reports it (checked by the operation's contract). */
export interface ActivityReport {
  token: string;
  action: string;
  resource: string;
  /** When it happened, ISO 8601; now when absent. */
  at?: string;
}

/**
 * The product reports one thing support did in a session (Celigo: "all activities performed are
 * logged"): an audit event carrying the agent, the user acted as, the case and the justification.
 * Only for a live session of the product's own org; otherwise nothing is recorded.
 */
export async function recordActivity(deps: ProductDeps, client: ProductClient, input: ActivityReport): Promise<{ at: string }> {
  const { action, resource } = input;
  const at = input.at ?? deps.clock.now().toISOString();
  const claims = await verifySessionToken(deps, input.token);
  if (!claims) throw new UnauthenticatedError('The session token is not valid (signature, issuer, audience or expiry).');
  if (claims.org !== client.orgId) throw new ForbiddenError('wrong_org', 'This session token belongs to another organization.');
  const live = await liveClaims(deps, client, claims);
  if (!live) throw new ForbiddenError('session_not_active', 'The session has ended; nothing was recorded.');
  const { session } = live;
  await deps.store.commit({
    orgId: client.orgId,
    writes: [],
    audit: [
      {
        at: deps.clock.now().toISOString(),
        actor: { type: 'agent', id: session.agent.id, email: session.agent.email, actingAs: session.actAs.email },
        action: 'support.activity',
        target: { type: 'resource', id: resource },
        caseId: session.caseId,
        justification: session.justification,
        after: { action, at, sessionId: session.sessionId, grantId: session.grantId, scope: session.scope.join(' ') },
      },
    ],
    notices: [],
  });
  return { at };
}
