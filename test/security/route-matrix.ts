

/**
 * The kinds of caller every route is tried with (columns of the matrix):
 * - `none`: no credentials at all;
 * - `otherOrg`: the right kind of credentials, of another org — a portal user of org B on org A's
 *   ids, an agent naming org B in the path with org A's ids, org B's product credentials;
 * - `nonAdmin`: org A's plain user, on routes that need an admin;
 * - `impersonated`: org A's admin signed in through "log in as" (an `act` claim): reads pass,
 *   every change is refused (403) with exactly one `consent.refused_impersonated` event;
 * - `agentOnCustomerRoute`: an agent's bearer token on a customer (cookie) route;
 * - `customerOnAgentRoute`: org A's admin cookie on an agent (bearer) route;
 * - `otherOrgProduct`: org B's product credentials on a product route with org A's session token.
 */
export const PRINCIPALS = ['none', 'otherOrg', 'nonAdmin', 'impersonated', 'agentOnCustomerRoute', 'customerOnAgentRoute', 'otherOrgProduct'] as const;
export type Principal = (typeof PRINCIPALS)[number];

/** An expected status, or why the column does not apply to the route. */
export type Cell = number | { na: string };
export type Row = Record<Principal, Cell>;

const na = (why: string): { na: string } => ({ na: why });

const NOT_PORTAL = { agentOnCustomerRoute: na('not a customer route') };
const NOT_AGENT = { customerOnAgentRoute: na('not an agent route') };
const NOT_PRODUCT = { otherOrgProduct: na('not a product route') };
const ANY_ROLE = na('no admin needed: a plain user may do this for themselves');
const OWN_ORG = na('acts on the caller\'s own org: no org-A id in the request');

/** A portal page that reads: sign-in first, then shown (read-only to a "log in as" session). */
const portalRead = (over: Partial<Row> = {}): Row => ({
  none: 303,
  otherOrg: OWN_ORG,
  nonAdmin: ANY_ROLE,
  impersonated: 200,
  agentOnCustomerRoute: 303,
  ...NOT_AGENT,
  ...NOT_PRODUCT,
  ...over,
});

/** A portal form post that changes consent: refused to everyone but the customer in person. */
const portalChange = (over: Partial<Row> = {}): Row => ({
  none: 401,
  otherOrg: 404,
  nonAdmin: 403,
  impersonated: 403,
  agentOnCustomerRoute: 401,
  ...NOT_AGENT,
  ...NOT_PRODUCT,
  ...over,
});

/** A support-API route: the bearer token is checked by the gateway's JWT authorizer. */
const agentRoute = (over: Partial<Row> = {}): Row => ({
  none: 401,
  otherOrg: 404,
  nonAdmin: na('agents have no customer roles'),
  impersonated: 401,
  ...NOT_PORTAL,
  customerOnAgentRoute: 401,
  ...NOT_PRODUCT,
  ...over,
});

/** A product route: HTTP Basic product credentials of the org. */
const productRoute = (over: Partial<Row> = {}): Row => ({
  none: 401,
  otherOrg: na('see otherOrgProduct'),
  nonAdmin: na('products have no customer roles'),
  impersonated: 401,
  ...NOT_PORTAL,
  ...NOT_AGENT,
  otherOrgProduct: 403,
  ...over,
});

/** An admin route: IAM (SigV4) only; every other credential is refused by the gateway. */
const adminRoute: Row = {
  none: 403,
  otherOrg: na('platform-wide: no org'),
  nonAdmin: 403,
  impersonated: 403,
  agentOnCustomerRoute: 403,
  customerOnAgentRoute: 403,
  otherOrgProduct: 403,
};

/** Expected status per route × caller. Every route of the table must have a row. */
export const MATRIX: Record<string, Row> = {
  'GET /': portalRead(),
  'GET /login': portalRead({ none: 303, impersonated: 303, agentOnCustomerRoute: 303 }),
  'GET /auth/callback': portalRead({ none: 400, impersonated: na('exempt: sign-in itself'), agentOnCustomerRoute: 400 }),
  'POST /logout': portalChange({ otherOrg: OWN_ORG, nonAdmin: ANY_ROLE, impersonated: na('exempt: signing out is always allowed') }),
  'POST /sign-out-everywhere': portalChange({ otherOrg: OWN_ORG, nonAdmin: ANY_ROLE }),
  'GET /grants/new': portalRead({ impersonated: 403 }),
  'POST /grants': portalChange({ otherOrg: OWN_ORG, nonAdmin: 403 }),
  'POST /grants/{grantId}/revoke': portalChange(),
  'POST /grants/{grantId}/extend': portalChange(),
  'GET /settings': portalRead({ nonAdmin: 403 }),
  'POST /settings': portalChange({ otherOrg: OWN_ORG }),
  'GET /settings/webhooks': portalRead({ nonAdmin: 403 }),
  'POST /settings/webhooks': portalChange({ otherOrg: OWN_ORG }),
  'GET /settings/webhooks/{endpointId}': portalRead({ nonAdmin: 403, otherOrg: 404 }),
  'POST /settings/webhooks/{endpointId}': portalChange(),
  'POST /settings/webhooks/{endpointId}/test': portalChange(),
  // No delivery of that id exists for org A's endpoint: the only success this matrix could see is not this column's concern.
  'POST /settings/webhooks/{endpointId}/redeliver': portalChange(),
  'POST /settings/webhooks/{endpointId}/delete': portalChange(),
  'GET /cases': portalRead(),
  'GET /cases/new': portalRead(),
  'POST /cases': portalChange({ otherOrg: OWN_ORG, nonAdmin: ANY_ROLE }),
  'GET /cases/{caseId}': portalRead({ otherOrg: 404 }),
  'POST /cases/{caseId}/remote-access': portalChange({ nonAdmin: 403 }),
  'POST /cases/{caseId}/solve': portalChange({ nonAdmin: 403 }),
  'POST /sessions/{sessionId}/end': portalChange(),
  'GET /audit': portalRead(),
  'GET /audit/export.csv': portalRead(),
  'GET /audit/verify': portalRead({ nonAdmin: 403 }),
  // The portal's script: public and the same for everyone (it holds no data).
  'GET /assets/portal.js': {
    none: 200,
    otherOrg: na('public, no org data'),
    nonAdmin: na('public, no org data'),
    impersonated: 200,
    agentOnCustomerRoute: 200,
    ...NOT_AGENT,
    ...NOT_PRODUCT,
  },
  'GET /approvals/{token}': portalRead({ otherOrg: 403, nonAdmin: 403 }),
  'POST /approvals/{token}': portalChange({ otherOrg: 403 }),
  'GET /support/orgs/{orgId}/grants': agentRoute({ otherOrg: na('lists the org named in the path: no org-A id in the request') }),
  'POST /support/orgs/{orgId}/grants/{grantId}/sessions': agentRoute(),
  'GET /support/orgs/{orgId}/access': agentRoute({ otherOrg: na('decides for the org named in the path: no org-A id in the request') }),
  'POST /support/orgs/{orgId}/cases': agentRoute({ otherOrg: 400 }),
  'GET /support/orgs/{orgId}/cases': agentRoute({ otherOrg: na('lists the org named in the path: no org-A id in the request') }),
  'GET /support/orgs/{orgId}/cases/{caseId}': agentRoute(),
  'POST /support/orgs/{orgId}/cases/{caseId}/access-requests': agentRoute(),
  'POST /support/orgs/{orgId}/cases/{caseId}/activate': agentRoute(),
  'POST /support/orgs/{orgId}/cases/{caseId}/resolve': agentRoute(),
  'GET /support/orgs/{orgId}/cases/{caseId}/access': agentRoute(),
  'POST /support/orgs/{orgId}/grants/{grantId}/personnel': agentRoute(),
  'POST /support/orgs/{orgId}/cases/{caseId}/change-requests': agentRoute(),
  'DELETE /support/sessions/{sessionId}': agentRoute({ otherOrg: 403 }),
  'GET /.well-known/jwks.json': productRoute({ none: 200, impersonated: 200, otherOrgProduct: 200 }),
  'GET /openapi.json': productRoute({ none: 200, impersonated: 200, otherOrgProduct: 200 }),
  'POST /oauth/introspect': productRoute({ otherOrgProduct: 200 }),
  'POST /activity': productRoute(),
  'GET /admin/orgs': adminRoute,
  'POST /admin/orgs': adminRoute,
  'GET /admin/orgs/{orgId}': adminRoute,
  'PATCH /admin/orgs/{orgId}': adminRoute,
  'POST /admin/orgs/{orgId}/suspend': adminRoute,
  'POST /admin/orgs/{orgId}/resume': adminRoute,
  'DELETE /admin/orgs/{orgId}': adminRoute,
  'GET /admin/orgs/{orgId}/deletion': adminRoute,
};

const routeKey = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

/** Routes of `routes` that have no row (a new route must say how every caller is treated). */
export function routesWithoutRow(routes: readonly { method: string; path: string }[], matrix: Record<string, Row> = MATRIX): string[] {
  return routes.map(routeKey).filter((key) => !(key in matrix));
}

/** Rows for routes no longer in the table (stale expectations). */
export function rowsWithoutRoute(routes: readonly { method: string; path: string }[], matrix: Record<string, Row> = MATRIX): string[] {
  const keys = new Set(routes.map(routeKey));
  return Object.keys(matrix).filter((key) => !keys.has(key));
}
