import { numberEnv, optionalEnv, requireEnv } from '../shared/config';
import { ForbiddenError, ValidationError } from '../shared/domain/errors';
import { inPerson } from '../shared/domain/actor';
import { allowedEnvironments, assertMayGrant, grantableWorkspaces, maxGrantHours } from '../shared/domain/grant-rules';
import { changeGrantEnd, createUserGrant, listActiveGrants, readEndingEarly, revokeGrant } from '../shared/domain/grant-service';
import { LEVELS } from '../shared/domain/model';
import { profileFromClaims } from '../shared/domain/profile-claims';
import { endSession, liveSessionsFor } from '../shared/domain/session-service';
import type { OidcSignIn } from '../shared/adapters/oidc-client';
import { loadedOnFirstUse } from '../shared/adapters/lazy';
import { grantDepsFromEnv } from '../shared/adapters/grant-runtime';
import { exportStoreFromEnv } from '../shared/adapters/export-runtime';
import { webhookAdminDepsFromEnv } from '../shared/adapters/webhook-runtime';
import type { AuditRouteKey } from './portal/audit-routes';
import type { CaseRouteKey } from './portal/case-routes';
import { flashOf } from './portal/flash';
import type { SettingsRouteKey } from './portal/settings-routes';
import type { WebhookRouteKey } from './portal/webhook-routes';
import { formAction } from '../shared/http/form-action';
import { sessionSecrets } from '../shared/adapters/secrets';
import { httpHandler } from '../shared/http/handler';
import { htmlPage as page, PortalSessions, redirect, renderHtmlError, SESSION_COOKIE, SESSION_SECONDS, type SessionCookie, type Visitor } from '../shared/http/portal-session';
import { endPortalSession, signOutEverywhere, startPortalSession } from '../shared/domain/portal-sessions';
import { cookies, pathParam } from '../shared/http/request';
import { dispatch, routeKeysUnder, routesLoadedOnFirstUse } from '../shared/http/routes';
import { safeReturnTo } from '../shared/http/redirects';
import { newSessionId } from '../shared/http/signed-cookie';
import { dashboardPage, type DashboardModel } from '../shared/http/views/dashboard';
import { durationFromForm, grantFormPage } from '../shared/http/views/grant-form';
import { messagePage, refusalPage } from '../shared/http/views/message-page';
import { PORTAL_SCRIPT } from '../shared/http/assets/portal-script';

const deps = grantDepsFromEnv();
const webhooks = webhookAdminDepsFromEnv(deps.store);
const auditExports = exportStoreFromEnv();
const exportInlineRows = numberEnv('AUDIT_EXPORT_INLINE_ROWS');
const portalUrl = requireEnv('PORTAL_URL');
const issuer = { url: requireEnv('CUSTOMER_ISSUER'), clientId: requireEnv('CUSTOMER_CLIENT_ID') };
/** The OIDC client (openid-client) loads with the first sign-in, not for every cold start. */
const oidc = loadedOnFirstUse<OidcSignIn>(async () => new (await import('../shared/adapters/oidc-client')).OidcSignIn(issuer.url, issuer.clientId, `${portalUrl}/auth/callback`));
const sessions = new PortalSessions(deps, sessionSecrets(), optionalEnv('COOKIE_SECURE') !== 'false');
/** In AWS the user's level and workspaces may come from the customer issuer's claims. */
const profileClaimNames = { level: optionalEnv('PROFILE_LEVEL_CLAIM'), workspaces: optionalEnv('PROFILE_WORKSPACES_CLAIM') };

const SIGNIN_COOKIE = 'sa_signin';
const SIGNIN_SECONDS = 600;

interface SignInState {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}


/** Why this visitor may not grant at all (plan, role, impersonation), or undefined. */
function cannotGrant(who: Visitor): ForbiddenError | undefined {
  try {
    assertMayGrant(who.org, inPerson(who.actor));
    return undefined;
  } catch (error) {
    if (error instanceof ForbiddenError) return error;
    throw error;
  }
}

async function grantForm(who: Visitor, values: Record<string, string>, errors: Record<string, string>, formError?: string) {
  const now = deps.clock.now();
  const existing = (await listActiveGrants(deps, who.user)).filter((g) => g.actAs.email === who.user.email);
  return grantFormPage(who.page, {
    now,
    existing,
    fractionalHours: deps.limits.minGrantSeconds < 3600,
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

async function dashboard(who: Visitor, extra: Pick<DashboardModel, 'flash' | 'rowError'>): Promise<string> {
  const active = await deps.store.listActiveGrants(who.org.orgId, deps.clock.now());
  const [grants, liveSessions] = await Promise.all([listActiveGrants(deps, who.user, active), liveSessionsFor(deps, who.user, active)]);
  return dashboardPage(who.page, { grants, liveSessions, now: deps.clock.now(), cannotGrant: cannotGrant(who)?.message, maxHours: maxGrantHours(who.org, deps.limits), ...extra });
}

/**
 * The pages only some visits need load with their first request, each group with its views and
 * domain (and the webhook pages with the address checks' library): a sign-in or the dashboard
 * parses none of them.
 */
const casePages = routesLoadedOnFirstUse(routeKeysUnder('portal', '/cases') as CaseRouteKey[], async () => (await import('./portal/case-routes')).caseRoutes(sessions, deps));
const auditPages = routesLoadedOnFirstUse(routeKeysUnder('portal', '/audit') as AuditRouteKey[], async () =>
  (await import('./portal/audit-routes')).auditRoutes(sessions, deps, { store: auditExports, inlineRows: exportInlineRows }),
);
const settingsPages = routesLoadedOnFirstUse<SettingsRouteKey>(['GET /settings', 'POST /settings'], async () => (await import('./portal/settings-routes')).settingsRoutes(sessions, deps));
const webhookPages = routesLoadedOnFirstUse(routeKeysUnder('portal', '/settings/webhooks') as WebhookRouteKey[], async () =>
  (await import('./portal/webhook-routes')).webhookRoutes(sessions, webhooks),
);

const routes = dispatch<'portal'>({
  ...casePages,
  ...auditPages,
  ...settingsPages,
  ...webhookPages,

  'GET /': async (event) => {
    const who = await sessions.visitor(event);
    return page(200, await dashboard(who, { flash: flashOf(event) }));
  },

  'GET /login': async (event) => {
    const seal = await sessions.sealer();
    const start = await oidc.start();
    const state: SignInState = { ...start, returnTo: safeReturnTo(event.queryStringParameters?.returnTo, portalUrl) };
    return redirect(start.url, [seal.cookie(SIGNIN_COOKIE, seal.seal(state, SIGNIN_SECONDS, deps.clock.now()), SIGNIN_SECONDS)]);
  },

  'GET /auth/callback': async (event) => {
    const seal = await sessions.sealer();
    const query = (event.queryStringParameters ?? {}) as Record<string, string>;
    const state = seal.open<SignInState>(cookies(event)[SIGNIN_COOKIE], deps.clock.now());
    if (query.error) return page(400, messagePage('Sign-in failed', `The identity provider said: ${query.error_description ?? query.error}.`));
    if (!state) return page(400, messagePage('Sign-in expired', 'Sign-in took too long or was started in another browser. Please sign in again.'));
    const identity = await oidc.finish(query, state).catch((error: unknown) => {
      if (error instanceof ValidationError) return undefined;
      throw error;
    });
    if (!identity) return page(400, messagePage('Sign-in failed', 'The answer from the identity provider does not match this sign-in. Please sign in again.'), [seal.clear(SIGNIN_COOKIE)]);
    const user = await deps.store.getUser(identity.email);
    if (!user) {
      return page(403, messagePage('No access', `${identity.email} is not set up for Support Access. Ask your administrator to add you.`), [seal.clear(SIGNIN_COOKIE)]);
    }
    const session = await startPortalSession(deps, user, newSessionId(), { actingAgent: identity.actor, profile: profileFromClaims(identity.claims, profileClaimNames) });
    const cookie: SessionCookie = { sid: session.sid, email: session.email, orgId: user.orgId };
    return redirect(state.returnTo, [seal.clear(SIGNIN_COOKIE), seal.cookie(SESSION_COOKIE, seal.seal(cookie, SESSION_SECONDS, deps.clock.now()), SESSION_SECONDS)]);
  },

  'POST /logout': async (event) => {
    const who = await sessions.visitor(event);
    await sessions.postedForm(event, who);
    await endPortalSession(deps, who.actor, who.session);
    return page(200, messagePage('Signed out', 'You are signed out of Support Access.'), [(await sessions.sealer()).clear(SESSION_COOKIE)]);
  },

  /** Ends every sign-in of the user (yours, or as an admin another user's of your org). */
  'POST /sign-out-everywhere': async (event) => {
    const who = await sessions.visitor(event);
    const form = await sessions.postedForm(event, who);
    const ended = await signOutEverywhere(deps, who.actor, form.email);
    const self = !form.email || form.email.trim().toLowerCase() === who.user.email;
    if (self) return page(200, messagePage('Signed out everywhere', `Every sign-in of yours ended (${ended}), this one included.`), [(await sessions.sealer()).clear(SESSION_COOKIE)]);
    return redirect(`/settings?done=signed-out&n=${ended}`);
  },

  'GET /grants/new': async (event) => {
    const who = await sessions.visitor(event);
    const refusal = cannotGrant(who);
    if (refusal) return page(403, refusalPage(refusal, who.page));
    return page(200, await grantForm(who, {}, {}));
  },

  'POST /grants': async (event) => {
    const who = await sessions.visitor(event);
    const form = await sessions.postedForm(event, who);
    return formAction(
      async () => {
        await createUserGrant(deps, who.actor, { ...form, durationHours: durationFromForm(form, maxGrantHours(who.org, deps.limits)) });
        return redirect('/?done=granted');
      },
      (errors, formError) => grantForm(who, form, errors, formError),
    );
  },

  'POST /grants/{grantId}/revoke': async (event) => {
    const grantId = pathParam(event, 'grantId');
    // The grant, its sessions and the audit head are read with the sign-in: one round trip.
    const orgId = await sessions.claimedOrgId(event);
    const early = orgId ? readEndingEarly(deps, orgId, grantId) : undefined;
    const who = await sessions.visitor(event);
    await sessions.postedForm(event, who);
    await revokeGrant(deps, who.actor, grantId, early);
    return redirect('/?done=revoked');
  },

  'POST /grants/{grantId}/extend': async (event) => {
    const who = await sessions.visitor(event);
    const form = await sessions.postedForm(event, who);
    const grantId = pathParam(event, 'grantId');
    try {
      const { change } = await changeGrantEnd(deps, who.actor, grantId, form.durationHours);
      return redirect(`/?done=${change}`);
    } catch (error) {
      // A bad end time stays on the dashboard, in its grant's row, with what was typed.
      if (!(error instanceof ValidationError)) throw error;
      return page(400, await dashboard(who, { rowError: { grantId, message: error.message, value: form.durationHours ?? '' } }));
    }
  },

  /** Local times and live countdowns; public, cacheable, the same for everyone. */
  'GET /assets/portal.js': async () => ({
    statusCode: 200,
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' },
    body: PORTAL_SCRIPT,
  }),

  /** "End session": the user acted as, or an admin, logs support out now. */
  'POST /sessions/{sessionId}/end': async (event) => {
    const who = await sessions.visitor(event);
    await sessions.postedForm(event, who);
    await endSession(deps, who.actor, pathParam(event, 'sessionId'));
    return redirect('/?done=session-ended');
  },
});

export const handler = httpHandler(routes, { render: (error, event) => renderHtmlError(error, event, sessions.pageOf(event)), refusals: deps });
