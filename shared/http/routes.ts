import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { NotFoundError } from '../domain/errors';
import { loadOnce } from '../adapters/lazy';

/**
 * The route table, declared once: the CDK HTTP API and the local gateway both build from it,
 * and each function dispatches on the `routeKey` API Gateway fills in.
 */
export const ROUTES = [
  // portal: customer HTML forms (session cookie, checked in the function)
  { method: 'GET', path: '/', fn: 'portal', auth: 'none' },
  { method: 'GET', path: '/login', fn: 'portal', auth: 'none' },
  { method: 'GET', path: '/auth/callback', fn: 'portal', auth: 'none' },
  { method: 'POST', path: '/logout', fn: 'portal', auth: 'none' },
  { method: 'POST', path: '/sign-out-everywhere', fn: 'portal', auth: 'none' },
  { method: 'GET', path: '/grants/new', fn: 'portal', auth: 'none' },
  { method: 'POST', path: '/grants', fn: 'portal', auth: 'none' },
  { method: 'POST', path: '/grants/{grantId}/revoke', fn: 'portal', auth: 'none' },
  { method: 'POST', path: '/grants/{grantId}/extend', fn: 'portal', auth: 'none' },
  { method: 'GET', path: '/settings', fn: 'portal', auth: 'none' },
  { method: 'POST', path: '/settings', fn: 'portal', auth: 'none' },
  { method: 'GET', path: '/settings/webhooks', fn: 'portal', auth: 'none' },
  { method: 'POST', path: '/settings/webhooks', fn: 'portal', auth: 'none' },
  { method: 'GET', path: '/settings/webhooks/{endpointId}', fn: 'portal', auth: 'none' },
  { method: 'POST', path: '/settings/webhooks/{endpointId}', fn: 'portal', auth: 'none' },
  { method: 'POST', path: '/settings/webhooks/{endpointId}/test', fn: 'portal', auth: 'none' },
  { method: 'POST', path: '/settings/webhooks/{endpointId}/redeliver', fn: 'portal', auth: 'none' },
  { method: 'POST', path: '/settings/webhooks/{endpointId}/delete', fn: 'portal', auth: 'none' },
  { method: 'GET', path: '/cases', fn: 'portal', auth: 'none' },
  { method: 'GET', path: '/cases/new', fn: 'portal', auth: 'none' },
  { method: 'POST', path: '/cases', fn: 'portal', auth: 'none' },
  { method: 'GET', path: '/cases/{caseId}', fn: 'portal', auth: 'none' },
  { method: 'POST', path: '/cases/{caseId}/remote-access', fn: 'portal', auth: 'none' },
  { method: 'POST', path: '/cases/{caseId}/solve', fn: 'portal', auth: 'none' },
  { method: 'POST', path: '/sessions/{sessionId}/end', fn: 'portal', auth: 'none' },
  { method: 'GET', path: '/audit', fn: 'portal', auth: 'none' },
  { method: 'GET', path: '/audit/export.csv', fn: 'portal', auth: 'none' },
  { method: 'GET', path: '/audit/verify', fn: 'portal', auth: 'none' },
  { method: 'GET', path: '/assets/portal.js', fn: 'portal', auth: 'none' },
  // approvals: the pages emailed links open (sign-in required; only POST decides)
  { method: 'GET', path: '/approvals/{token}', fn: 'approvals', auth: 'none' },
  { method: 'POST', path: '/approvals/{token}', fn: 'approvals', auth: 'none' },
  // support-api: agents, bearer JWT from the staff issuer (API Gateway JWT authorizer)
  { method: 'GET', path: '/support/orgs/{orgId}/grants', fn: 'support-api', auth: 'staff-jwt' },
  { method: 'POST', path: '/support/orgs/{orgId}/grants/{grantId}/sessions', fn: 'support-api', auth: 'staff-jwt' },
  { method: 'GET', path: '/support/orgs/{orgId}/access', fn: 'support-api', auth: 'staff-jwt' },
  { method: 'POST', path: '/support/orgs/{orgId}/cases', fn: 'support-api', auth: 'staff-jwt' },
  { method: 'GET', path: '/support/orgs/{orgId}/cases', fn: 'support-api', auth: 'staff-jwt' },
  { method: 'GET', path: '/support/orgs/{orgId}/cases/{caseId}', fn: 'support-api', auth: 'staff-jwt' },
  { method: 'POST', path: '/support/orgs/{orgId}/cases/{caseId}/access-requests', fn: 'support-api', auth: 'staff-jwt' },
  { method: 'POST', path: '/support/orgs/{orgId}/cases/{caseId}/activate', fn: 'support-api', auth: 'staff-jwt' },
  { method: 'POST', path: '/support/orgs/{orgId}/cases/{caseId}/resolve', fn: 'support-api', auth: 'staff-jwt' },
  { method: 'GET', path: '/support/orgs/{orgId}/cases/{caseId}/access', fn: 'support-api', auth: 'staff-jwt' },
  { method: 'POST', path: '/support/orgs/{orgId}/grants/{grantId}/personnel', fn: 'support-api', auth: 'staff-jwt' },
  { method: 'POST', path: '/support/orgs/{orgId}/cases/{caseId}/change-requests', fn: 'support-api', auth: 'staff-jwt' },
  { method: 'DELETE', path: '/support/sessions/{sessionId}', fn: 'support-api', auth: 'staff-jwt' },
  // product-api: the customer's product verifies session tokens (JWKS), introspects them and
  // reports activity, with the org's product credentials (HTTP Basic, checked in the function)
  { method: 'GET', path: '/.well-known/jwks.json', fn: 'product-api', auth: 'none' },
  { method: 'POST', path: '/oauth/introspect', fn: 'product-api', auth: 'none' },
  { method: 'POST', path: '/activity', fn: 'product-api', auth: 'none' },
  // the description of the support, product and admin APIs (OpenAPI 3.1), public like the JWKS
  { method: 'GET', path: '/openapi.json', fn: 'product-api', auth: 'none' },
  // admin-api: the vendor's platform admins, IAM-signed requests (SigV4, API Gateway IAM auth)
  { method: 'GET', path: '/admin/orgs', fn: 'admin-api', auth: 'iam' },
  { method: 'POST', path: '/admin/orgs', fn: 'admin-api', auth: 'iam' },
  { method: 'GET', path: '/admin/orgs/{orgId}', fn: 'admin-api', auth: 'iam' },
  { method: 'PATCH', path: '/admin/orgs/{orgId}', fn: 'admin-api', auth: 'iam' },
  { method: 'POST', path: '/admin/orgs/{orgId}/suspend', fn: 'admin-api', auth: 'iam' },
  { method: 'POST', path: '/admin/orgs/{orgId}/resume', fn: 'admin-api', auth: 'iam' },
  { method: 'DELETE', path: '/admin/orgs/{orgId}', fn: 'admin-api', auth: 'iam' },
  { method: 'GET', path: '/admin/orgs/{orgId}/deletion', fn: 'admin-api', auth: 'iam' },
] as const;

export type Route = (typeof ROUTES)[number];
export type HttpFunctionName = Route['fn'];
export type RouteKey<F extends HttpFunctionName = HttpFunctionName> = Extract<Route, { fn: F }> extends infer R
  ? R extends Route
    ? `${R['method']} ${R['path']}`
    : never
  : never;

export const routeKeyOf = (route: Route): string => `${route.method} ${route.path}`;

export type RouteHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

/**
 * Routes whose handlers' module loads with the first request to any of them, so what only those
 * routes need (their pages, their domain, its libraries) stays out of the function's cold start.
 * The keys are the route table's; a module that lacks one of them fails on its first request.
 */
export function routesLoadedOnFirstUse<K extends string>(keys: readonly K[], load: () => Promise<Record<K, RouteHandler>>): Record<K, RouteHandler> {
  const loaded = loadOnce(load);
  return Object.fromEntries(
    keys.map((key) => [
      key,
      async (event: APIGatewayProxyEventV2) => {
        const handler = (await loaded())[key];
        if (!handler) throw new Error(`The lazily loaded routes lack ${key}.`);
        return handler(event);
      },
    ]),
  ) as Record<K, RouteHandler>;
}

/** The route keys of a function under a path prefix, from the route table. */
export const routeKeysUnder = <F extends HttpFunctionName>(fn: F, prefix: string): RouteKey<F>[] =>
  ROUTES.filter((r) => r.fn === fn && r.path.startsWith(prefix)).map((r) => routeKeyOf(r) as RouteKey<F>);

/** Dispatches on `event.routeKey`; the type makes every route of the function have a handler. */
export function dispatch<F extends HttpFunctionName>(handlers: Record<RouteKey<F>, RouteHandler>): RouteHandler {
  const table = handlers as Record<string, RouteHandler>;
  return async (event) => {
    const handler = table[event.routeKey];
    if (!handler) throw new NotFoundError('route', event.routeKey);
    return handler(event);
  };
}
