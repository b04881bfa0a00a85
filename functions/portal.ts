import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { optionalEnv, requireEnv } from '../shared/config';
import { DomainError, ForbiddenError, UnauthenticatedError, ValidationError } from '../shared/domain/errors';
import { allowedEnvironments, assertMayGrant, assertNotImpersonated, grantableWorkspaces, maxGrantHours } from '../shared/domain/grant-rules';
import { createUserGrant, extendGrant, listActiveGrants, loadOrg, revokeGrant } from '../shared/domain/grant-service';
import { LEVELS, type Org, type UserProfile } from '../shared/domain/model';
import { profileFromClaims, type ProfileClaims } from '../shared/domain/profile-claims';
import { OidcSignIn } from '../shared/adapters/oidc-client';
import { grantDepsFromEnv } from '../shared/adapters/runtime';
import { sessionSecret } from '../shared/adapters/secrets';
import { errorResponder } from '../shared/http/middlewares';
import { statusOf } from '../shared/http/problem';
import { cookies, formBody, pathParam } from '../shared/http/request';
import { dispatch } from '../shared/http/routes';
import { CookieSealer, newSessionId } from '../shared/http/signed-cookie';
import { dashboardPage } from '../shared/http/views/dashboard';
import { grantFormPage } from '../shared/http/views/grant-form';
import type { PageUser } from '../shared/http/views/layout';
import { messagePage } from '../shared/http/views/message-page';

const deps = grantDepsFromEnv();
const portalUrl = requireEnv('PORTAL_URL');
const oidc = new OidcSignIn(requireEnv('CUSTOMER_ISSUER'), requireEnv('CUSTOMER_CLIENT_ID'), `${portalUrl}/auth/callback`);
const secureCookies = optionalEnv('COOKIE_SECURE') !== 'false';
/** In AWS the user's level and workspaces may come from the customer issuer's claims. */
const profileClaimNames = { level: optionalEnv('PROFILE_LEVEL_CLAIM'), workspaces: optionalEnv('PROFILE_WORKSPACES_CLAIM') };
const sealer = sessionSecret().then((secret) => new CookieSealer(secret, secureCookies));

const SESSION_COOKIE = 'sa_session';
const SIGNIN_COOKIE = 'sa_signin';
const SESSION_SECONDS = 8 * 3600;
const SIGNIN_SECONDS = 600;

interface PortalSession {
  sid: string;
  email: string;
  name: string;
  /** The agent, when this portal session was itself started through "log in as". */
  actor?: string;
  /** Level and workspaces from the issuer's claims, when the stage maps them. */
  profile?: ProfileClaims;
}
interface SignInState {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}
interface Visitor {
  user: UserProfile;
  org: Org;
  session: PortalSession;
  page: PageUser;
}

const page = (statusCode: number, body: string, setCookies: string[] = []): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'self'; style-src 'unsafe-inline'; form-action 'self' *",
  },
  cookies: setCookies,
  body,
});

const redirect = (location: string, setCookies: string[] = []): APIGatewayProxyResultV2 => ({
  statusCode: 303,
  headers: { location, 'cache-control': 'no-store' },
  cookies: setCookies,
});

/** Only same-site paths, never `//host`. */
const safeReturnTo = (value: string | undefined): string =>
  value && value.startsWith('/') && !value.startsWith('//') ? value : '/';

async function visitor(event: APIGatewayProxyEventV2): Promise<Visitor> {
  const seal = await sealer;
  const session = seal.open<PortalSession>(cookies(event)[SESSION_COOKIE], deps.clock.now());
  if (!session) throw new UnauthenticatedError();
  const stored = await deps.store.getUser(session.email);
  if (!stored) throw new ForbiddenError('no_profile', `${session.email} is not set up for Support Access.`);
  const user = { ...stored, ...session.profile };
  const org = await loadOrg(deps.store, user.orgId);
  return {
    user,
    org,
    session,
    page: { name: user.name, email: user.email, orgName: org.name, csrf: seal.csrfToken(session.sid) },
  };
}

/** Every POST carries the session's CSRF token. */
async function postedForm(event: APIGatewayProxyEventV2, who: Visitor): Promise<Record<string, string>> {
  const form = formBody(event);
  if (!(await sealer).checkCsrf(who.session.sid, form.csrf)) {
    throw new ForbiddenError('csrf_failed', 'This form has expired or did not come from this site. Reload the page and try again.');
  }
  return form;
}

/** Why this visitor may not grant at all (plan, role, impersonation), or undefined. */
function cannotGrant(who: Visitor): string | undefined {
  try {
    assertNotImpersonated(who.session.actor);
    assertMayGrant(who.org, who.user);
    return undefined;
  } catch (error) {
    if (error instanceof ForbiddenError) return error.message;
    throw error;
  }
}

function grantForm(who: Visitor, values: Record<string, string>, errors: Record<string, string>, formError?: string) {
  return grantFormPage(who.page, {
    levels: LEVELS.filter((_, i) => i <= LEVELS.indexOf(who.user.level)),
    environments: allowedEnvironments(who.org),
    wholeAccount: who.user.workspaces === 'all',
    workspaces: grantableWorkspaces(who.org, who.user),
    defaultHours: Math.min(who.org.settings.defaultGrantHours, maxGrantHours(who.org, deps.limits)),
    maxHours: maxGrantHours(who.org, deps.limits),
    values,
    errors,
    formError,
  });
}

const FLASH: Record<string, string> = {
  granted: 'Login access granted. Support can now log in as you until it ends.',
  revoked: 'Login access revoked. Support can no longer use it.',
  extended: 'Login access extended.',
};

const routes = dispatch<'portal'>({
  'GET /': async (event) => {
    const who = await visitor(event);
    const grants = await listActiveGrants(deps, who.user);
    const flash = FLASH[event.queryStringParameters?.done ?? ''];
    return page(200, dashboardPage(who.page, { grants, now: deps.clock.now(), flash, cannotGrant: cannotGrant(who), maxHours: maxGrantHours(who.org, deps.limits) }));
  },

  'GET /login': async (event) => {
    const start = await oidc.start();
    const state: SignInState = { ...start, returnTo: safeReturnTo(event.queryStringParameters?.returnTo) };
    const value = (await sealer).seal(state, SIGNIN_SECONDS, deps.clock.now());
    return redirect(start.url, [(await sealer).cookie(SIGNIN_COOKIE, value, SIGNIN_SECONDS)]);
  },

  'GET /auth/callback': async (event) => {
    const seal = await sealer;
    const query = (event.queryStringParameters ?? {}) as Record<string, string>;
    const state = seal.open<SignInState>(cookies(event)[SIGNIN_COOKIE], deps.clock.now());
    if (query.error) return page(400, messagePage('Sign-in failed', `The identity provider said: ${query.error_description ?? query.error}.`));
    if (!state) return page(400, messagePage('Sign-in expired', 'Sign-in took too long or was started in another browser. Please sign in again.'));
    const identity = await oidc.finish(query, state);
    const user = await deps.store.getUser(identity.email);
    if (!user) {
      return page(403, messagePage('No access', `${identity.email} is not set up for Support Access. Ask your administrator to add you.`), [
        seal.clear(SIGNIN_COOKIE),
      ]);
    }
    const session: PortalSession = {
      sid: newSessionId(),
      email: user.email,
      name: user.name,
      actor: identity.actor,
      profile: profileFromClaims(identity.claims, profileClaimNames),
    };
    return redirect(state.returnTo, [
      seal.clear(SIGNIN_COOKIE),
      seal.cookie(SESSION_COOKIE, seal.seal(session, SESSION_SECONDS, deps.clock.now()), SESSION_SECONDS),
    ]);
  },

  'POST /logout': async (event) => {
    const who = await visitor(event);
    await postedForm(event, who);
    return page(200, messagePage('Signed out', 'You are signed out of Support Access.'), [(await sealer).clear(SESSION_COOKIE)]);
  },

  'GET /grants/new': async (event) => {
    const who = await visitor(event);
    const reason = cannotGrant(who);
    if (reason) return page(403, messagePage('Login access unavailable', reason, who.page));
    return page(200, grantForm(who, {}, {}));
  },

  'POST /grants': async (event) => {
    const who = await visitor(event);
    const form = await postedForm(event, who);
    try {
      await createUserGrant(deps, who.user, form, { actor: who.session.actor });
      return redirect('/?done=granted');
    } catch (error) {
      if (error instanceof ValidationError) return page(400, grantForm(who, form, { [error.field]: error.message }));
      if (error instanceof DomainError) return page(statusOf(error), grantForm(who, form, {}, error.message));
      throw error;
    }
  },

  'POST /grants/{grantId}/revoke': async (event) => {
    const who = await visitor(event);
    await postedForm(event, who);
    await revokeGrant(deps, who.user, pathParam(event, 'grantId'));
    return redirect('/?done=revoked');
  },

  'POST /grants/{grantId}/extend': async (event) => {
    const who = await visitor(event);
    const form = await postedForm(event, who);
    await extendGrant(deps, who.user, pathParam(event, 'grantId'), form.durationHours);
    return redirect('/?done=extended');
  },
});

/** Portal errors: sign-in redirects for GETs, a readable page for everything else. */
function renderPortalError(error: unknown, event: APIGatewayProxyEventV2): APIGatewayProxyResultV2 {
  if (error instanceof UnauthenticatedError) {
    if (event.requestContext.http.method === 'GET') {
      return redirect(`/login?returnTo=${encodeURIComponent(event.rawPath)}`);
    }
    return page(401, messagePage('Please sign in', 'Your session has ended. Sign in again, then retry.'));
  }
  if (error instanceof DomainError) return page(statusOf(error), messagePage('That did not work', error.message));
  return page(500, messagePage('Something went wrong', 'Something went wrong on our side. Nothing was changed.'));
}

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(httpHeaderNormalizer())
  .use(errorResponder({ render: renderPortalError }))
  .handler(routes);
