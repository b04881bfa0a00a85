import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { numberEnv, optionalEnv, requireEnv } from '../shared/config';
import { assertMayChangeCase, defaultRemoteAccess, lockedReason } from '../shared/domain/case-rules';
import { loadCase, openCase, setRemoteAccess, solveCase } from '../shared/domain/case-service';
import { ForbiddenError, ValidationError } from '../shared/domain/errors';
import { inPerson } from '../shared/domain/actor';
import { allowedEnvironments, assertMayGrant, grantableWorkspaces, maxGrantHours } from '../shared/domain/grant-rules';
import { changeGrantEnd, createUserGrant, listActiveGrants, readEndingEarly, revokeGrant } from '../shared/domain/grant-service';
import { LEVELS } from '../shared/domain/model';
import { assertMayManageSettings, updateSettings } from '../shared/domain/org-settings';
import { auditCsv, parseAuditFilter, readAudit, verifyAudit } from '../shared/domain/audit-trail';
import { auditPage } from '../shared/http/views/audit';
import { profileFromClaims } from '../shared/domain/profile-claims';
import { endSession, liveSessionsFor } from '../shared/domain/session-service';
import type { OidcSignIn } from '../shared/adapters/oidc-client';
import { loadedOnFirstUse } from '../shared/adapters/lazy';
import { exportStoreFromEnv, grantDepsFromEnv } from '../shared/adapters/runtime';
import { webhookAdminDepsFromEnv } from '../shared/adapters/webhook-runtime';
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
import { caseDetailPage, caseFormPage, casesPage } from '../shared/http/views/cases';
import { dashboardPage, type DashboardModel } from '../shared/http/views/dashboard';
import { durationFromForm, grantFormPage } from '../shared/http/views/grant-form';
import { messagePage, refusalPage } from '../shared/http/views/message-page';
import { PORTAL_SCRIPT } from '../shared/http/assets/portal-script';
import { settingsPage } from '../shared/http/views/settings';

const deps = grantDepsFromEnv();
const webhooks = webhookAdminDepsFromEnv(deps.store);
const exports = exportStoreFromEnv();
const exportInlineRows = numberEnv('AUDIT_EXPORT_INLINE_ROWS');
/** Well under Lambda's 6 MB response, headers and encoding included. */
const EXPORT_INLINE_MAX_BYTES = 4 * 1024 * 1024;
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

function caseForm(who: Visitor, values: Record<string, string>, errors: Record<string, string>, formError?: string) {
  return caseFormPage(who.page, {
    environments: allowedEnvironments(who.org),
    defaultAccess: defaultRemoteAccess(who.org),
    locked: lockedReason(who.org, who.user),
    values,
    errors,
    formError,
  });
}


const FLASH: Record<string, string> = {
  granted: 'Login access granted. Support can now log in as you until it ends.',
  revoked: 'Login access revoked. Support can no longer use it.',
  extended: 'Login access now ends later.',
  shortened: 'Login access now ends earlier.',
  opened: 'Case opened.',
  changed: 'Remote access for this case changed.',
  solved: 'Case marked solved. Support access for it has ended.',
  'session-ended': 'Session ended. Support is logged out and its token no longer works.',
};
const flashOf = (event: APIGatewayProxyEventV2) => FLASH[event.queryStringParameters?.done ?? ''];

/** The webhook pages' code — and the address checks' library — loads with the first request for one of them. */
const webhookPages = routesLoadedOnFirstUse(routeKeysUnder('portal', '/settings/webhooks') as WebhookRouteKey[], async () =>
  (await import('./portal/webhook-routes')).webhookRoutes(sessions, webhooks),
);

const routes = dispatch<'portal'>({
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

  'GET /settings': async (event) => {
    const who = await sessions.visitor(event);
    assertMayManageSettings(who.user);
    const done = event.queryStringParameters?.done;
    return page(200, settingsPage(who.page, { org: who.org, platformMaxHours: deps.limits.maxGrantHours, errors: {}, saved: done === 'saved', signedOut: done === 'signed-out' ? String(Number(event.queryStringParameters?.n ?? 0)) : undefined }));
  },

  'POST /settings': async (event) => {
    const who = await sessions.visitor(event);
    const form = await sessions.postedForm(event, who);
    assertMayManageSettings(who.user);
    return formAction(
      async () => {
        await updateSettings(deps, who.actor, form);
        return redirect('/settings?done=saved');
      },
      (errors, formError) => settingsPage(who.page, { org: who.org, platformMaxHours: deps.limits.maxGrantHours, values: form, errors, formError }),
    );
  },

  'GET /cases': async (event) => {
    const who = await sessions.visitor(event);
    const all = await deps.store.listCases(who.org.orgId);
    const visible = who.user.role === 'admin' ? all : all.filter((c) => c.contact.email === who.user.email);
    return page(200, casesPage(who.page, visible, flashOf(event)));
  },

  'GET /cases/new': async (event) => {
    const who = await sessions.visitor(event);
    return page(200, caseForm(who, {}, {}));
  },

  'POST /cases': async (event) => {
    const who = await sessions.visitor(event);
    const form = await sessions.postedForm(event, who);
    return formAction(
      async () => redirect(`/cases/${(await openCase(deps, who.actor, form)).caseId}?done=opened`),
      (errors, formError) => caseForm(who, form, errors, formError),
    );
  },

  'GET /cases/{caseId}': async (event) => {
    const who = await sessions.visitor(event);
    const c = await loadCase(deps, who.org.orgId, pathParam(event, 'caseId'));
    assertMayChangeCase(c, who.user);
    const now = deps.clock.now();
    const active = await deps.store.listActiveGrants(who.org.orgId, now);
    const live = await liveSessionsFor(deps, who.user, active);
    const grants = active.filter((g) => g.caseIds.includes(c.caseId));
    const liveSessions = live.filter((s) => s.caseId === c.caseId);
    return page(200, caseDetailPage(who.page, { case: c, grants, liveSessions, now, locked: lockedReason(who.org, who.user), flash: flashOf(event) }));
  },

  'POST /cases/{caseId}/remote-access': async (event) => {
    const who = await sessions.visitor(event);
    const form = await sessions.postedForm(event, who);
    const caseId = pathParam(event, 'caseId');
    await setRemoteAccess(deps, who.actor, caseId, form.remoteAccess);
    return redirect(`/cases/${caseId}?done=changed`);
  },

  'POST /cases/{caseId}/solve': async (event) => {
    const who = await sessions.visitor(event);
    await sessions.postedForm(event, who);
    const caseId = pathParam(event, 'caseId');
    await solveCase(deps, who.actor, who.org.orgId, caseId);
    return redirect(`/cases/${caseId}?done=solved`);
  },

  /** The audit trail, filtered and paged; a bad filter shows the form with the field's error. */
  /** Local times and live countdowns; public, cacheable, the same for everyone. */
  'GET /assets/portal.js': async () => ({
    statusCode: 200,
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' },
    body: PORTAL_SCRIPT,
  }),

  'GET /audit': async (event) => {
    const who = await sessions.visitor(event);
    const values = event.queryStringParameters ?? {};
    try {
      const filter = parseAuditFilter(values);
      return page(200, auditPage(who.page, { page: await readAudit(deps, who.user, filter), values: values as Record<string, string>, errors: {} }));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return page(400, auditPage(who.page, { page: { rows: [], total: 0, page: 1, pages: 1 }, values: values as Record<string, string>, errors: { [error.field]: error.message } }));
    }
  },

  /**
   * Every row of the filter as CSV, not just the page shown. Up to the stage's row limit (and
   * 4 MB) it is the answer itself; a larger one — Lambda answers at most 6 MB — goes to the
   * archive and the browser is sent a download link that works for five minutes.
   */
  'GET /audit/export.csv': async (event) => {
    const who = await sessions.visitor(event);
    const { rows } = await readAudit(deps, who.user, parseAuditFilter(event.queryStringParameters ?? {}), true);
    const csv = auditCsv(rows);
    const filename = `audit-${who.org.orgId}.csv`;
    if (rows.length > exportInlineRows || Buffer.byteLength(csv) > EXPORT_INLINE_MAX_BYTES) {
      const key = `exports/${who.org.orgId}/${deps.clock.now().toISOString().replace(/[:.]/g, '-')}-${deps.ids()}.csv`;
      return redirect(await exports.save(key, csv, filename));
    }
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' },
      body: csv,
    };
  },

  /** Recomputes the whole chain (admins) and says whether it is intact or where it breaks. */
  'GET /audit/verify': async (event) => {
    const who = await sessions.visitor(event);
    const verified = await verifyAudit(deps, who.user);
    const filter = parseAuditFilter({});
    return page(200, auditPage(who.page, { page: await readAudit(deps, who.user, filter), values: {}, errors: {}, verified }));
  },

  /** "End session": the user acted as, or an admin, logs support out now. */
  'POST /sessions/{sessionId}/end': async (event) => {
    const who = await sessions.visitor(event);
    await sessions.postedForm(event, who);
    await endSession(deps, who.actor, pathParam(event, 'sessionId'));
    return redirect('/?done=session-ended');
  },
});

export const handler = httpHandler(routes, { render: (error, event) => renderHtmlError(error, event, sessions.pageOf(event)), refusals: deps });
