import type { GrantDeps } from '../../shared/domain/grant-service';
import { assertMayManageSettings, updateSettings } from '../../shared/domain/org-settings';
import { formAction } from '../../shared/http/form-action';
import { htmlPage as page, redirect, type PortalSessions } from '../../shared/http/portal-session';
import type { RouteHandler, RouteKey } from '../../shared/http/routes';
import { settingsPage } from '../../shared/http/views/settings';

export type SettingsRouteKey = Extract<RouteKey<'portal'>, `${string} /settings`>;

/** The org's remote access settings (admins; changes in person only). */
export function settingsRoutes(sessions: PortalSessions, deps: GrantDeps): Record<SettingsRouteKey, RouteHandler> {
  return {
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
  };
}
