import fc from 'fast-check';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ROUTES, routeKeyOf, type Route } from '../../shared/http/routes';
import { jarFetch } from '../../infra/local/oidc-login';
import { AgentClient, PortalClient, adminCall } from '../support/clients';
import { db, givenOrg, layout, type GivenOrg, uniqueAgent } from '../support/fixtures';
import { approvalLinkFor } from '../support/mailbox';

const ALEX = uniqueAgent('alex');

const base = layout.urls.portal;

/**
 * Every field each route reads — form fields, JSON members, query parameters — so random input can
 * be thrown at each. A route of the table without an entry fails the suite (like the matrix).
 */
const FIELDS: Record<string, string[]> = {
  'GET /': [],
  'GET /login': ['returnTo'],
  'GET /auth/callback': ['code', 'state', 'error', 'error_description'],
  'POST /logout': ['csrf'],
  'POST /sign-out-everywhere': ['csrf', 'email'],
  'GET /grants/new': [],
  'POST /grants': ['csrf', 'preset', 'durationHours', 'level', 'scope', 'workspaces', 'environment'],
  'POST /grants/{grantId}/revoke': ['csrf'],
  'POST /grants/{grantId}/extend': ['csrf', 'durationHours'],
  'GET /settings': ['done', 'n'],
  'GET /settings/webhooks': ['done'],
  'POST /settings/webhooks': ['csrf', 'url', 'kind', 'events'],
  'GET /settings/webhooks/{endpointId}': ['done'],
  'POST /settings/webhooks/{endpointId}': ['csrf', 'events', 'enabled'],
  'POST /settings/webhooks/{endpointId}/test': ['csrf'],
  'POST /settings/webhooks/{endpointId}/redeliver': ['csrf', 'deliveryId'],
  'POST /settings/webhooks/{endpointId}/delete': ['csrf'],
  'POST /settings': ['csrf', 'remoteAccessPolicy', 'allowNonAdminGrants', 'defaultGrantHours', 'maxGrantHours', 'authorizedContacts', 'supportLevel', 'supportScope', 'supportWorkspaces', 'requiredApprovals', 'confirmNoContacts'],
  'GET /cases': ['done'],
  'GET /cases/new': [],
  'POST /cases': ['csrf', 'subject', 'description', 'environment', 'remoteAccess'],
  'GET /cases/{caseId}': ['done'],
  'POST /cases/{caseId}/remote-access': ['csrf', 'remoteAccess'],
  'POST /cases/{caseId}/solve': ['csrf'],
  'POST /sessions/{sessionId}/end': ['csrf'],
  'GET /audit': ['from', 'to', 'actor', 'action', 'page'],
  'GET /audit/export.csv': ['from', 'to', 'actor', 'action'],
  'GET /audit/verify': [],
  'GET /assets/portal.js': [],
  'GET /approvals/{token}': [],
  'POST /approvals/{token}': ['csrf', 'decision', 'comment'],
  'GET /support/orgs/{orgId}/grants': ['status'],
  'POST /support/orgs/{orgId}/grants/{grantId}/sessions': ['justification', 'caseId', 'scope'],
  'GET /support/orgs/{orgId}/access': ['level', 'workspace', 'environment'],
  'POST /support/orgs/{orgId}/cases': ['subject', 'description', 'environment', 'contactEmail'],
  'GET /support/orgs/{orgId}/cases': ['status', 'limit', 'after'],
  'GET /support/orgs/{orgId}/cases/{caseId}': [],
  'POST /support/orgs/{orgId}/cases/{caseId}/access-requests': ['justification'],
  'POST /support/orgs/{orgId}/cases/{caseId}/activate': ['justification'],
  'POST /support/orgs/{orgId}/cases/{caseId}/resolve': [],
  'GET /support/orgs/{orgId}/cases/{caseId}/access': [],
  'POST /support/orgs/{orgId}/grants/{grantId}/personnel': ['email'],
  'POST /support/orgs/{orgId}/cases/{caseId}/change-requests': ['description', 'grantId', 'until'],
  'DELETE /support/sessions/{sessionId}': [],
  'GET /.well-known/jwks.json': [],
  'GET /openapi.json': [],
  'POST /oauth/introspect': ['token', 'token_type_hint'],
  'POST /activity': ['token', 'action', 'resource', 'at'],
  'GET /admin/orgs': [],
  'POST /admin/orgs': ['name', 'plan', 'environments', 'workspaces', 'firstAdminEmail', 'firstAdminName'],
  'GET /admin/orgs/{orgId}': [],
  'PATCH /admin/orgs/{orgId}': ['plan', 'environments'],
  'POST /admin/orgs/{orgId}/suspend': [],
  'POST /admin/orgs/{orgId}/resume': [],
  'DELETE /admin/orgs/{orgId}': [],
  'GET /admin/orgs/{orgId}/deletion': [],
};

/** Text nobody should be able to break a page, an email or a response with. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('\r\nBcc: x@evil.example', '\u0000', '\u001b[31m', '\u2028', '\ud800', '%E0%A4%A', '<script>alert(1)</script>', '=cmd|calc', '../../etc/passwd', ' '),
  fc.constantFrom('0x10', '1e309', '-0', '+1', 'NaN', 'Infinity', '9'.repeat(400), '1_000', '١٢'),
  fc.string({ minLength: 5000, maxLength: 12000 }),
);
/** For JSON members: hostile text, or any JSON value at all (nested objects, arrays, numbers, null). */
const hostileJson = fc.oneof(hostileText, fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(1e308, -1, 0.1, 2 ** 53, true, null, [], {}));

let a: GivenOrg;
let alex: AgentClient;
const ids: Record<string, string> = {};

beforeAll(async () => {
  a = await givenOrg({}, { remoteAccessPolicy: 'approval_needed' });
  const admin = await PortalClient.signIn(a.admin.email);
  alex = await AgentClient.signIn(ALEX);
  expect((await admin.post('/grants', { durationHours: '1', level: 'monitor', scope: 'all', environment: 'production' })).status).toBe(303);
  ids.grantId = /\/grants\/([^/]+)\/revoke/.exec((await admin.get('/')).html)![1]!;
  ids.caseId = /\/cases\/([^?]+)/.exec((await admin.post('/cases', { subject: 'Fuzz me', description: 'x', environment: 'production', remoteAccess: 'denied' })).location!)![1]!;
  await alex.call('POST', `/support/orgs/${a.org.orgId}/cases/${ids.caseId}/access-requests`, { justification: 'fuzz' });
  ids.token = (await approvalLinkFor(a.admin.email, 'Fuzz me')).split('/').pop()!;
  ids.sessionId = (await alex.call('POST', `/support/orgs/${a.org.orgId}/grants/${ids.grantId}/sessions`, { justification: 'fuzz' })).body.sessionId;
  ids.endpointId = /\/settings\/webhooks\/(wh_[a-z0-9]+)/.exec((await admin.post('/settings/webhooks', { url: 'https://siem.example.com/fuzz', events: 'grant.created' })).html)![1]!;
});

async function orgState(orgId: string): Promise<unknown[]> {
  const partition = async (pk: string) => (await db.send(new QueryCommand({ TableName: layout.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }))).Items ?? [];
  return [...(await partition(`ORG#${orgId}`)), ...(await partition(`AUDIT#${orgId}`))];
}

const pathOf = (route: Route) =>
  route.path.replace('{orgId}', a.org.orgId).replace('{grantId}', ids.grantId!).replace('{caseId}', ids.caseId!).replace('{sessionId}', ids.sessionId!).replace('{token}', ids.token!).replace('{endpointId}', ids.endpointId!);

/** Sends the route with `field` set to `value`, as the caller the route is meant for; returns the status. */
async function send(admin: PortalClient, route: Route, field: string, value: unknown): Promise<number> {
  const path = pathOf(route);
  const isQuery = route.method === 'GET';
  if (isQuery) {
    const url = `${path}?${new URLSearchParams({ [field]: String(value) })}`;
    if (route.fn === 'support-api') return (await alex.call('GET', url)).status;
    if (route.fn === 'admin-api') return (await adminCall('GET', url)).status;
    return (await jarFetch(admin.jar, `${base}${url}`)).status;
  }
  if (route.fn === 'portal' || route.fn === 'approvals') {
    const csrf = await admin.csrf();
    const form = new URLSearchParams({ csrf });
    form.set(field, String(value));
    const res = await jarFetch(admin.jar, `${base}${path}`, { method: route.method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    return res.status;
  }
  if (route.fn === 'support-api') return (await alex.call(route.method, path, { [field]: value })).status;
  if (route.fn === 'admin-api') return (await adminCall(route.method, path, { [field]: value })).status;
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(a.product.clientId)}:${encodeURIComponent(a.product.secret)}`).toString('base64')}`;
  const form = route.path === '/oauth/introspect';
  const res = await fetch(`${base}${path}`, {
    method: route.method,
    headers: { authorization: basic, 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? new URLSearchParams({ [field]: String(value) }).toString() : JSON.stringify({ [field]: value }),
  });
  return res.status;
}

const jsonRoute = (route: Route) => route.method !== 'GET' && (route.fn === 'support-api' || route.fn === 'admin-api' || route.path === '/activity');

describe('random input never breaks a route: a 4xx that writes nothing, never a 5xx', () => {
  test('every route of the table names the fields it reads', () => {
    expect(ROUTES.map(routeKeyOf).filter((k) => !(k in FIELDS))).toEqual([]);
    expect(Object.keys(FIELDS).filter((k) => !ROUTES.some((r) => routeKeyOf(r) === k))).toEqual([]);
  });

  const cases = ROUTES.flatMap((route) => (FIELDS[routeKeyOf(route)] ?? []).map((field) => [routeKeyOf(route), field, route] as const));

  test.each(cases)('%s — %s', async (_key, field, route) => {
    // A sign-in of its own: some input legitimately signs it out (an empty email on sign-out-everywhere).
    const client = { client: await PortalClient.signIn(a.admin.email) };
    await fc.assert(
      fc.asyncProperty(jsonRoute(route) ? hostileJson : hostileText, async (value) => {
        // A previous run may have signed this client out for good reason (sign out everywhere): sign in again.
        if ((await client.client.get('/')).status !== 200) client.client = await PortalClient.signIn(a.admin.email);
        const before = await orgState(a.org.orgId);
        const status = await send(client.client, route, field, value);
        expect(status).toBeLessThan(500);
        if (status >= 400) expect(await orgState(a.org.orgId)).toEqual(before);
      }),
      { numRuns: 6, endOnFailure: true },
    );
  });

  test('JSON routes refuse a body that is not a JSON object, naming the body', async () => {
    for (const route of ROUTES.filter(jsonRoute)) {
      for (const body of ['[1,2]', '"text"', '42', 'null', '{"a":', '\u0000']) {
        const res = route.fn === 'admin-api' ? await adminCall(route.method, pathOf(route), undefined, { sendBody: body, headers: { 'content-type': 'application/json' } }) : await alex.call(route.method, pathOf(route), body);
        expect([routeKeyOf(route), body, res.status < 500]).toEqual([routeKeyOf(route), body, true]);
      }
    }
  });
});
