import { defaultRemoteAccess, assertMayChangeCase, lockedReason } from '../../shared/domain/case-rules';
import { loadCase, openCase, setRemoteAccess, solveCase } from '../../shared/domain/case-service';
import { allowedEnvironments } from '../../shared/domain/grant-rules';
import type { GrantDeps } from '../../shared/domain/grant-service';
import { liveSessionsFor } from '../../shared/domain/session-service';
import { formAction } from '../../shared/http/form-action';
import { htmlPage as page, redirect, type PortalSessions, type Visitor } from '../../shared/http/portal-session';
import { pathParam } from '../../shared/http/request';
import type { RouteHandler, RouteKey } from '../../shared/http/routes';
import { caseDetailPage, caseFormPage, casesPage } from '../../shared/http/views/cases';
import { flashOf } from './flash';

export type CaseRouteKey = Extract<RouteKey<'portal'>, `${string} /cases${string}`>;

/** The portal's case pages: the cases a user may see, opening one, its remote access, solving it. */
export function caseRoutes(sessions: PortalSessions, deps: GrantDeps): Record<CaseRouteKey, RouteHandler> {
  const caseForm = (who: Visitor, values: Record<string, string>, errors: Record<string, string>, formError?: string) =>
    caseFormPage(who.page, {
      environments: allowedEnvironments(who.org),
      defaultAccess: defaultRemoteAccess(who.org),
      locked: lockedReason(who.org, who.user),
      values,
      errors,
      formError,
    });

  return {
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
  };
}
