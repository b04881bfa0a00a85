import { createEndpoint, deleteEndpoint, endpointWithDeliveries, listEndpoints, redeliver, sendTestEvent, updateEndpoint, type WebhookAdminDeps } from '../../shared/domain/webhook-endpoints';
import { formAction } from '../../shared/http/form-action';
import { htmlPage as page, redirect, type PortalSessions } from '../../shared/http/portal-session';
import { pathParam } from '../../shared/http/request';
import type { RouteHandler, RouteKey } from '../../shared/http/routes';
import { endpointPage, webhooksPage } from '../../shared/http/views/webhooks';

export type WebhookRouteKey = Extract<RouteKey<'portal'>, `${string} /settings/webhooks${string}`>;

/** The portal's webhook pages (Settings → Webhooks): org admins, in person for every change. */
export function webhookRoutes(sessions: PortalSessions, webhooks: WebhookAdminDeps): Record<WebhookRouteKey, RouteHandler> {
  return {
    'GET /settings/webhooks': async (event) => {
      const who = await sessions.visitor(event);
      return page(200, webhooksPage(who.page, { endpoints: await listEndpoints(webhooks, who.user), errors: {}, flash: event.queryStringParameters?.done }));
    },

    'POST /settings/webhooks': async (event) => {
      const who = await sessions.visitor(event);
      const form = await sessions.postedForm(event, who);
      return formAction(
        async () => {
          const { endpoint, secret } = await createEndpoint(webhooks, who.actor, form);
          // The secret is shown this once, on the page the form answers (never in a URL).
          return page(201, endpointPage(who.page, { endpoint, deliveries: [], secret, errors: {} }));
        },
        async (errors, formError) => webhooksPage(who.page, { endpoints: await listEndpoints(webhooks, who.user), values: form, errors, formError }),
      );
    },

    'GET /settings/webhooks/{endpointId}': async (event) => {
      const who = await sessions.visitor(event);
      const { endpoint, deliveries } = await endpointWithDeliveries(webhooks, who.user, pathParam(event, 'endpointId'));
      return page(200, endpointPage(who.page, { endpoint, deliveries, errors: {}, flash: event.queryStringParameters?.done }));
    },

    'POST /settings/webhooks/{endpointId}': async (event) => {
      const who = await sessions.visitor(event);
      const form = await sessions.postedForm(event, who);
      const endpointId = pathParam(event, 'endpointId');
      return formAction(
        async () => {
          await updateEndpoint(webhooks, who.actor, endpointId, form);
          return redirect(`/settings/webhooks/${endpointId}?done=saved`);
        },
        async (errors, formError) => endpointPage(who.page, { ...(await endpointWithDeliveries(webhooks, who.user, endpointId)), errors, formError }),
      );
    },

    'POST /settings/webhooks/{endpointId}/test': async (event) => {
      const who = await sessions.visitor(event);
      await sessions.postedForm(event, who);
      const endpointId = pathParam(event, 'endpointId');
      await sendTestEvent(webhooks, who.actor, endpointId);
      return redirect(`/settings/webhooks/${endpointId}?done=test`);
    },

    'POST /settings/webhooks/{endpointId}/redeliver': async (event) => {
      const who = await sessions.visitor(event);
      const form = await sessions.postedForm(event, who);
      const endpointId = pathParam(event, 'endpointId');
      await redeliver(webhooks, who.actor, endpointId, form.deliveryId);
      return redirect(`/settings/webhooks/${endpointId}?done=redeliver`);
    },

    'POST /settings/webhooks/{endpointId}/delete': async (event) => {
      const who = await sessions.visitor(event);
      await sessions.postedForm(event, who);
      await deleteEndpoint(webhooks, who.actor, pathParam(event, 'endpointId'));
      return redirect('/settings/webhooks?done=deleted');
    },
  };
}
