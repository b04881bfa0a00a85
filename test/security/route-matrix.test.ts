import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ROUTES, routeKeyOf, type Route } from '../../shared/http/routes';
import { jarFetch } from '../../infra/local/oidc-login';
import { AgentClient, PortalClient } from '../support/clients';
import { db, givenOrg, layout, type GivenOrg, uniqueAgent } from '../support/fixtures';
import { approvalLinkFor } from '../support/mailbox';
import { MATRIX, PRINCIPALS, routesWithoutRow, rowsWithoutRoute, type Cell, type Principal } from './route-matrix';

const ALEX = uniqueAgent('alex');
const BEA = uniqueAgent('bea');
const CAROL = uniqueAgent('carol');

const base = layout.urls.portal;

/** What a matrix cell checks: the org's partition and audit trail, item by item. */
async function orgState(orgId: string): Promise<Record<string, unknown>[]> {
  const partition = async (pk: string) =>
    (await db.send(new QueryCommand({ TableName: layout.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }))).Items ?? [];
  // Every commit moves the audit head, so notices and tokens cannot be written without it changing.
  return [...(await partition(`ORG#${orgId}`)), ...(await partition(`AUDIT#${orgId}`))];
}

interface World {
  a: GivenOrg;
  b: GivenOrg;
  ids: { grantId: string; caseGrantId: string; caseId: string; sessionId: string; sessionToken: string; token: string; endpointId: string };
  adminA: PortalClient;
  userA: PortalClient;
  adminB: PortalClient;
  impersonated: PortalClient;
  alex: AgentClient;
  bea: AgentClient;
}

let world: World;

beforeAll(async () => {
  const a = await givenOrg({}, { remoteAccessPolicy: 'approval_needed' });
  const b = await givenOrg();
  const [adminA, userA, adminB, impersonated, alex, bea] = await Promise.all([
    PortalClient.signIn(a.admin.email),
    PortalClient.signIn(a.user.email),
    PortalClient.signIn(b.admin.email),
    PortalClient.signIn(a.admin.email, { actingAgent: ALEX }),
    AgentClient.signIn(ALEX),
    AgentClient.signIn(BEA),
  ]);
  // A user grant, a denied case with a pending request (an approval link), an allowed case with a case grant, a session.
  expect((await adminA.post('/grants', { durationHours: '1', level: 'monitor', scope: 'all', environment: 'production' })).status).toBe(303);
  const grantId = /\/grants\/([^/]+)\/revoke/.exec((await adminA.get('/')).html)![1]!;
  const denied = await adminA.post('/cases', { subject: 'Matrix denied case', description: 'x', environment: 'production', remoteAccess: 'denied' });
  const caseId = /\/cases\/([^?]+)/.exec(denied.location!)![1]!;
  expect((await alex.call('POST', `/support/orgs/${a.org.orgId}/cases/${caseId}/access-requests`, { justification: 'matrix' })).status).toBe(201);
  const token = (await approvalLinkFor(a.admin.email, 'Matrix denied case')).split('/').pop()!;
  const allowed = await adminA.post('/cases', { subject: 'Matrix allowed case', description: 'x', environment: 'production', remoteAccess: 'allowed' });
  const allowedCaseId = /\/cases\/([^?]+)/.exec(allowed.location!)![1]!;
  const activated = await alex.call('POST', `/support/orgs/${a.org.orgId}/cases/${allowedCaseId}/activate`, {});
  expect(activated.status).toBe(201);
  const session = await alex.call('POST', `/support/orgs/${a.org.orgId}/grants/${grantId}/sessions`, { justification: 'matrix' });
  expect(session.status).toBe(201);
  const webhook = await adminA.post('/settings/webhooks', { url: 'https://siem.example.com/hooks/matrix', kind: 'standard', events: 'grant.revoked' });
  expect(webhook.status).toBe(201);
  const endpointId = /\/settings\/webhooks\/(wh_[a-z0-9]+)/.exec(webhook.html)![1]!;
  world = {
    a,
    b,
    ids: { grantId, caseGrantId: activated.body.grantId, caseId, sessionId: session.body.sessionId, sessionToken: session.body.token, token, endpointId },
    adminA,
    userA,
    adminB,
    impersonated,
    alex,
    bea,
  };
});

/** The route's path with org A's real ids (org B in the path for `otherOrg` on agent routes). */
function pathOf(route: Route, orgId: string): string {
  const { ids } = world;
  return route.path
    .replace('{orgId}', orgId)
    .replace('{grantId}', route.path.includes('/personnel') ? ids.caseGrantId : ids.grantId)
    .replace('{caseId}', ids.caseId)
    .replace('{sessionId}', ids.sessionId)
    .replace('{token}', ids.token)
    .replace('{endpointId}', ids.endpointId);
}

/** A body that would be valid for the route, so only the caller can be the reason for a refusal. */
function bodyOf(route: Route): Record<string, string> | undefined {
  const { a, ids } = world;
  const key = routeKeyOf(route);
  const bodies: Record<string, Record<string, string>> = {
    'POST /grants': { durationHours: '1', level: 'monitor', scope: 'all', environment: 'production' },
    'POST /grants/{grantId}/extend': { durationHours: '2' },
    'POST /settings': { remoteAccessPolicy: 'all_cases', maxGrantHours: '336', defaultGrantHours: '120', authorizedContacts: '', supportLevel: 'admin', supportScope: 'all', requiredApprovals: '1', allowNonAdminGrants: 'on' },
    'POST /settings/webhooks': { url: 'https://siem.example.com/hooks/other', kind: 'slack', events: 'grant.created' },
    'POST /settings/webhooks/{endpointId}': { events: 'grant.created', enabled: 'on' },
    'POST /settings/webhooks/{endpointId}/redeliver': { deliveryId: '000000000001' },
    'POST /cases': { subject: 'Matrix case', description: 'x', environment: 'production', remoteAccess: 'allowed' },
    'POST /cases/{caseId}/remote-access': { remoteAccess: 'allowed' },
    'POST /approvals/{token}': { decision: 'approve', comment: 'ok' },
    'POST /support/orgs/{orgId}/grants/{grantId}/sessions': { justification: 'matrix' },
    'POST /support/orgs/{orgId}/cases': { subject: 'Matrix email case', description: 'x', environment: 'production', contactEmail: a.user.email },
    'POST /support/orgs/{orgId}/cases/{caseId}/access-requests': { justification: 'matrix' },
    'POST /support/orgs/{orgId}/grants/{grantId}/personnel': { email: CAROL },
    'POST /support/orgs/{orgId}/cases/{caseId}/change-requests': { description: 'matrix', grantId: ids.caseGrantId, until: new Date(Date.now() + 600_000).toISOString() },
    'POST /oauth/introspect': { token: ids.sessionToken },
    'POST /activity': { token: ids.sessionToken, action: 'matrix', resource: 'x' },
    'POST /admin/orgs': { name: 'Matrix Org', adminEmail: 'admin@matrix.test', plan: 'paid' },
    'PATCH /admin/orgs/{orgId}': { plan: 'free' },
  };
  return bodies[key] ?? (route.method === 'GET' ? undefined : {});
}

const basic = (p: { clientId: string; secret: string }) => `Basic ${Buffer.from(`${encodeURIComponent(p.clientId)}:${encodeURIComponent(p.secret)}`).toString('base64')}`;

/** Sends the route's request as `principal`; returns the status. */
async function call(route: Route, principal: Principal): Promise<number> {
  const { a, b } = world;
  const isPortal = route.fn === 'portal' || route.fn === 'approvals';
  const formEncoded = isPortal || route.path === '/oauth/introspect';
  const fields = bodyOf(route);
  const body = fields === undefined ? undefined : formEncoded ? new URLSearchParams(fields).toString() : JSON.stringify(fields);
  const contentType: Record<string, string> = fields === undefined ? {} : { 'content-type': formEncoded ? 'application/x-www-form-urlencoded' : 'application/json' };
  const orgInPath = principal === 'otherOrg' && route.fn === 'support-api' ? b.org.orgId : a.org.orgId;
  const url = `${base}${pathOf(route, orgInPath)}`;
  const send = (headers: Record<string, string> = {}) => fetch(url, { method: route.method, headers: { ...contentType, ...headers }, body, redirect: 'manual' });

  const cookieClient: Partial<Record<Principal, PortalClient>> = {
    otherOrg: world.adminB,
    nonAdmin: world.userA,
    impersonated: world.impersonated,
    customerOnAgentRoute: world.adminA,
  };
  if (principal === 'none') return (await send()).status;
  if (principal === 'otherOrgProduct') return (await send({ authorization: basic(b.product) })).status;
  if (principal === 'agentOnCustomerRoute') return (await send({ authorization: `Bearer ${world.alex.token}` })).status;
  if (principal === 'otherOrg' && route.fn === 'support-api') {
    // Without an org in the path, "another" means an agent who is not the session's.
    const agent = route.path.includes('{orgId}') ? world.alex : world.bea;
    return (await agent.call(route.method, pathOf(route, orgInPath), fields)).status;
  }
  if (principal === 'otherOrg' && route.fn === 'product-api') return (await send({ authorization: basic(b.product) })).status;
  const client = cookieClient[principal]!;
  if (isPortal && route.method === 'POST') return (await client.post(pathOf(route, orgInPath), fields ?? {})).status;
  return (await jarFetch(client.jar, url, { method: route.method, headers: contentType, body })).status;
}

const cells = ROUTES.flatMap((route) =>
  PRINCIPALS.map((principal) => [routeKeyOf(route), principal, route, MATRIX[routeKeyOf(route)]?.[principal]] as [string, Principal, Route, Cell | undefined]),
);

describe('the security matrix: every route of the table × every kind of caller', () => {
  test('every route has a row, and every row a route', () => {
    expect(routesWithoutRow(ROUTES)).toEqual([]);
    expect(rowsWithoutRoute(ROUTES)).toEqual([]);
  });

  test('a route added to the table without a row is caught', () => {
    const extended = [...ROUTES, { method: 'POST', path: '/grants/{grantId}/transfer', fn: 'portal', auth: 'none' }] as const;
    expect(routesWithoutRow(extended)).toEqual(['POST /grants/{grantId}/transfer']);
  });

  test.each(cells.filter(([, , , cell]) => typeof cell === 'number'))('%s as %s', async (_key, principal, route, cell) => {
    // Prepare
    const orgId = world.a.org.orgId;
    const before = await orgState(orgId);
    const beforeB = await orgState(world.b.org.orgId);
    // Act
    const status = await call(route, principal);
    // Assess: the status, and nothing written to either org — except one refusal event for an impersonated change
    expect(status).toBe(cell);
    const after = await orgState(orgId);
    const refused = principal === 'impersonated' && route.method !== 'GET' && (route.fn === 'portal' || route.fn === 'approvals');
    if (refused) {
      const added = after.filter((item) => !before.some((b) => b.pk === item.pk && b.sk === item.sk));
      expect(added.map((e) => e.action)).toEqual(['consent.refused_impersonated']);
      expect(added[0]).toMatchObject({ actor: { type: 'agent', email: ALEX, actingAs: world.a.admin.email }, target: { type: 'route', id: routeKeyOf(route) } });
      expect(after.filter((i) => !String(i.pk).startsWith('AUDIT#'))).toEqual(before.filter((i) => !String(i.pk).startsWith('AUDIT#')));
    } else {
      expect(after).toEqual(before);
    }
    expect(await orgState(world.b.org.orgId)).toEqual(beforeB);
  });
});
