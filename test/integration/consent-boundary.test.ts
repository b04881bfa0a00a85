import { AgentClient, PortalClient } from '../support/clients';
import { db, getItem, givenOrg, layout, orgItems, type GivenOrg, uniqueAgent } from '../support/fixtures';
import { approvalLinkFor } from '../support/mailbox';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';

const ALEX = uniqueAgent('alex');

/** The org's audit events in chain order. */
async function auditEvents(orgId: string): Promise<Record<string, any>[]> {
  const out = await db.send(new QueryCommand({ TableName: layout.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)', ExpressionAttributeValues: { ':pk': `AUDIT#${orgId}`, ':e': 'EVENT#' }, ConsistentRead: true }));
  return out.Items ?? [];
}

const grantIdFrom = (html: string) => /\/grants\/([^/]+)\/revoke/.exec(html)?.[1];

/**
 * Findings of the adversarial run: a portal session that came through "log in as" could extend,
 * rewrite settings, open or allow cases and approve support's own requests, all audited as the
 * customer. Every consent act must be refused (403 impersonated_session), write nothing but one
 * refusal event, and anything done in such a session must be attributed to the agent.
 */
describe('a "log in as" portal session gives no consent', () => {
  let given: GivenOrg;
  let inPerson: PortalClient;
  let impersonated: PortalClient;
  let grantId: string;

  beforeAll(async () => {
    given = await givenOrg({}, { remoteAccessPolicy: 'approval_needed' });
    inPerson = await PortalClient.signIn(given.admin.email);
    impersonated = await PortalClient.signIn(given.admin.email, { actingAgent: ALEX });
    const granted = await inPerson.post('/grants', { durationHours: '1', level: 'monitor', scope: 'all', environment: 'production' });
    expect(granted.status).toBe(303);
    grantId = grantIdFrom((await inPerson.get('/')).html)!;
    expect(grantId).toBeDefined();
  });

  test('the dashboard says why nothing can be changed; the grant form is refused', async () => {
    expect((await impersonated.get('/')).html).toContain('only Test Admin in person can change access');
    expect((await impersonated.get('/grants/new')).status).toBe(403);
  });

  const consentActs: [string, () => Promise<{ status: number; html: string }>][] = [
    ['grant login access', () => impersonated.post('/grants', { durationHours: '1', level: 'monitor', scope: 'all', environment: 'production' })],
    ['extend a grant', () => impersonated.post(`/grants/${grantId}/extend`, { durationHours: '336' })],
    ['revoke a grant', () => impersonated.post(`/grants/${grantId}/revoke`, {})],
    ['rewrite settings', () => impersonated.post('/settings', { remoteAccessPolicy: 'all_cases', maxGrantHours: '336', defaultGrantHours: '120', authorizedContacts: '', supportLevel: 'admin', supportScope: 'all', requiredApprovals: '1', allowNonAdminGrants: 'on' })],
    ['open a case', () => impersonated.post('/cases', { subject: 'Opened by support', description: 'x', environment: 'production', remoteAccess: 'denied' })],
  ];

  test.each(consentActs)('refuses to %s, writes nothing but one refusal event naming the agent', async (_what, act) => {
    // Prepare
    const before = await orgItems(given.org.orgId);
    const eventsBefore = await auditEvents(given.org.orgId);
    // Act
    const res = await act();
    // Assess
    expect(res.status).toBe(403);
    expect(res.html).toContain('only Test Admin in person');
    const events = await auditEvents(given.org.orgId);
    expect(events).toHaveLength(eventsBefore.length + 1);
    expect(events.at(-1)).toMatchObject({ action: 'consent.refused_impersonated', actor: { type: 'agent', email: ALEX, actingAs: given.admin.email } });
    const after = (await orgItems(given.org.orgId)).filter((i) => !String(i.pk).startsWith('AUDIT#'));
    expect(after).toEqual(before.filter((i) => !String(i.pk).startsWith('AUDIT#')));
    expect(await getItem(`ORG#${given.org.orgId}`, `GRANT#${grantId}`)).toMatchObject({ status: 'active' });
  });

  test('refuses to switch a case to allowed and to approve support\'s own request from the emailed link', async () => {
    // Prepare: the admin opens a denied case in person; an agent asks for permission
    const opened = await inPerson.post('/cases', { subject: 'Approve me please', description: 'x', environment: 'production', remoteAccess: 'denied' });
    const caseId = /\/cases\/([^?]+)/.exec(opened.location ?? '')![1]!;
    const alex = await AgentClient.signIn(ALEX);
    expect((await alex.call('POST', `/support/orgs/${given.org.orgId}/cases/${caseId}/access-requests`, { justification: 'Let me in' })).status).toBe(201);
    const link = await approvalLinkFor(given.admin.email, 'Approve me please');

    // Act / Assess: both refused
    const switched = await impersonated.post(`/cases/${caseId}/remote-access`, { remoteAccess: 'allowed' });
    expect(switched.status).toBe(403);
    const shown = await impersonated.get(link);
    expect(shown.status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(shown.html)![1]!;
    const approved = await impersonated.post(link, { decision: 'approve', comment: 'ok' }, { csrf });
    expect(approved.status).toBe(403);
    expect(await getItem(`ORG#${given.org.orgId}`, `CASE#${caseId}`)).toMatchObject({ remoteAccess: 'denied' });
  });

  test('a person of another org opening an approval link sees nothing of the request', async () => {
    // Prepare
    const opened = await inPerson.post('/cases', { subject: 'Secret subject 42', description: 'x', environment: 'production', remoteAccess: 'denied' });
    const caseId = /\/cases\/([^?]+)/.exec(opened.location ?? '')![1]!;
    const alex = await AgentClient.signIn(ALEX);
    await alex.call('POST', `/support/orgs/${given.org.orgId}/cases/${caseId}/access-requests`, { justification: 'Hidden justification 7' });
    const link = await approvalLinkFor(given.admin.email, 'Secret subject 42');
    const other = await givenOrg();
    const stranger = await PortalClient.signIn(other.admin.email);
    // Act
    const res = await stranger.get(link);
    // Assess
    expect(res.status).toBe(403);
    expect(res.html).toContain('This link belongs to another organization');
    expect(res.html).not.toContain('Secret subject 42');
    expect(res.html).not.toContain('Hidden justification 7');
    expect(res.html).not.toContain(given.admin.email);
  });
});
