import { AgentClient, PortalClient, introspect } from '../support/clients';
import { allNoticesSent, eventually, getItem, givenOrg, orgItems, schedules, type GivenOrg, uniqueAgent } from '../support/fixtures';
import { emailsTo } from '../support/mailbox';
import { stackClock } from '../support/clock';

const ALEX = uniqueAgent('alex');
const BEA = uniqueAgent('bea');

afterEach(() => stackClock.reset());

const openCase = async (client: PortalClient, subject: string, fields: Record<string, string> = {}) => {
  const res = await client.post('/cases', { subject, description: 'x', environment: 'production', ...fields });
  expect(res.status).toBe(303);
  return /\/cases\/([^?]+)/.exec(res.location!)![1]!;
};

const startSession = (agent: AgentClient, orgId: string, grantId: string, body: Record<string, unknown> = {}) =>
  agent.call('POST', `/support/orgs/${orgId}/grants/${grantId}/sessions`, { justification: 'Ticket 9', ...body });

/**
 * Findings: switching a case back to "Denied" left its case grant active (the case page showed
 * "denied" above a live grant, `…/access` still answered allowed, new sessions started); an
 * approved change request unlocked `write` on any grant of the org; a free-plan org could open a
 * case "Allowed" that support can never use.
 */
describe('withdrawing consent ends access at once', () => {
  let given: GivenOrg;
  let contact: PortalClient;
  let alex: AgentClient;

  beforeAll(async () => {
    given = await givenOrg({}, { remoteAccessPolicy: 'all_cases' });
    contact = await PortalClient.signIn(given.user.email);
    alex = await AgentClient.signIn(ALEX);
  });

  test('denying the only allowed case ends its case grant (consent_withdrawn): access, sessions, introspection and the notice', async () => {
    // Prepare: an allowed case, activated, with a live session
    const orgId = given.org.orgId;
    const caseId = await openCase(contact, 'Withdraw me', { remoteAccess: 'allowed' });
    const grantId = (await alex.call('POST', `/support/orgs/${orgId}/cases/${caseId}/activate`, { justification: 'Look at the report' })).body.grantId as string;
    const live = await startSession(alex, orgId, grantId, { caseId });
    expect(live.status).toBe(201);
    expect((await introspect(given.product, live.body.token)).body.active).toBe(true);

    // Act: the contact switches the case to denied
    const denied = await contact.post(`/cases/${caseId}/remote-access`, { remoteAccess: 'denied' });
    expect(denied.status).toBe(303);

    // Assess: the grant ended in the same change, with its reason and its audit event
    expect(await getItem(`ORG#${orgId}`, `GRANT#${grantId}`)).toMatchObject({ status: 'ended', endReason: 'consent_withdrawn' });
    expect((await orgItems(orgId)).filter((i) => i.action === 'grant.ended' && (i.target as { id: string }).id === grantId)).toHaveLength(1);
    expect(await schedules()).not.toContain(`grant-${grantId}`);
    // …access answers not allowed, a new session is refused with the reason, the old token is dead
    expect((await alex.call('GET', `/support/orgs/${orgId}/cases/${caseId}/access`)).body).toMatchObject({ allowed: false });
    const refused = await startSession(alex, orgId, grantId, { caseId });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ title: 'grant_ended', endReason: 'consent_withdrawn' });
    expect((await introspect(given.product, live.body.token)).body).toEqual({ active: false });
    // …the case page shows no access for the denied case
    const page = await contact.get(`/cases/${caseId}`);
    expect(page.html).toContain('<span id="remote-access">denied</span>');
    expect(page.html).not.toContain(grantId);
    // …and the contact and authorized contacts are told once
    const withdrawnMails = async (to: string) => (await emailsTo(to)).filter((e) => e.subject.includes('ended') && e.body.text?.includes('withdrew consent'));
    await eventually('the "consent withdrawn" email', async () => (await withdrawnMails(`security@${orgId}.test`)).length > 0);
    await allNoticesSent(orgId);
    expect(await withdrawnMails(`security@${orgId}.test`)).toHaveLength(1);
    expect(await withdrawnMails(given.user.email)).toHaveLength(1);
  });

  test('denying one of two linked cases keeps the grant for the other', async () => {
    // Prepare
    const orgId = given.org.orgId;
    const bea = await AgentClient.signIn(BEA);
    const first = await openCase(contact, 'Two cases, first', { remoteAccess: 'allowed' });
    const second = await openCase(contact, 'Two cases, second', { remoteAccess: 'allowed' });
    const grantId = (await bea.call('POST', `/support/orgs/${orgId}/cases/${first}/activate`, {})).body.grantId as string;
    expect((await bea.call('POST', `/support/orgs/${orgId}/cases/${second}/activate`, {})).body.grantId).toBe(grantId);

    // Act
    expect((await contact.post(`/cases/${first}/remote-access`, { remoteAccess: 'denied' })).status).toBe(303);

    // Assess: unlinked from the denied case only; still active for the other
    expect(await getItem(`ORG#${orgId}`, `GRANT#${grantId}`)).toMatchObject({ status: 'active', caseIds: [second] });
    expect((await bea.call('GET', `/support/orgs/${orgId}/cases/${first}/access`)).body).toMatchObject({ allowed: false });
    expect((await bea.call('GET', `/support/orgs/${orgId}/cases/${second}/access`)).body).toMatchObject({ allowed: true, grantId });
    expect((await startSession(bea, orgId, grantId, { caseId: first })).body.title).toBe('case_not_linked');
    expect((await startSession(bea, orgId, grantId, { caseId: second })).status).toBe(201);
  });

  test('switching the policy to never changes no existing case', async () => {
    const orgId = given.org.orgId;
    const caseId = await openCase(contact, 'Policy change', { remoteAccess: 'allowed' });
    const admin = await PortalClient.signIn(given.admin.email);
    const settings = { remoteAccessPolicy: 'never', maxGrantHours: '336', defaultGrantHours: '120', authorizedContacts: `security@${orgId}.test`, supportLevel: 'monitor', supportScope: 'all', requiredApprovals: '1' };
    expect((await admin.post('/settings', settings)).status).toBe(303);
    expect(await getItem(`ORG#${orgId}`, `CASE#${caseId}`)).toMatchObject({ remoteAccess: 'allowed' });
    // …but only admins may allow from now on
    expect((await contact.post(`/cases/${caseId}/remote-access`, { remoteAccess: 'denied' })).status).toBe(303);
    expect((await contact.post(`/cases/${caseId}/remote-access`, { remoteAccess: 'allowed' })).status).toBe(403);
    expect((await admin.post('/settings', { ...settings, remoteAccessPolicy: 'all_cases' })).status).toBe(303);
  });
});

describe('write access follows exactly what the customer approved', () => {
  let given: GivenOrg;
  let admin: PortalClient;
  let alex: AgentClient;
  let caseId: string;
  let caseGrant: string;
  let other: string;

  /** Asks for a change on `grantId` until `until`, approves it in writing, returns the request. */
  async function approvedChange(grantId: string, until: string) {
    const asked = await alex.call('POST', `/support/orgs/${given.org.orgId}/cases/${caseId}/change-requests`, { description: 'Fix the VAT rate', grantId, until });
    expect(asked.status).toBe(201);
    const mail = await eventually('the change email', async () => (await emailsTo(`security@${given.org.orgId}.test`)).filter((e) => e.subject.includes('asks to change')).find((e) => e.body.text?.includes(asked.body.requestId) || e.body.text?.includes(until.slice(0, 16).replace('T', ' '))));
    const link = /https?:\/\/[^\s]+(\/approvals\/[A-Za-z0-9_-]+)/.exec(mail.body.text!)![1]!;
    const page = await admin.get(link);
    expect(page.html).toContain(grantId);
    expect(page.html).toContain(until.slice(0, 16).replace('T', ' '));
    expect((await admin.post(link, { decision: 'approve', comment: 'Approved in writing' })).status).toBe(200);
    return asked.body;
  }

  beforeAll(async () => {
    given = await givenOrg({ environments: ['production', 'sandbox'] }, { remoteAccessPolicy: 'all_cases', supportProfile: { level: 'manage', workspaces: 'all' } });
    admin = await PortalClient.signIn(given.admin.email);
    alex = await AgentClient.signIn(ALEX);
    const user = await PortalClient.signIn(given.user.email);
    caseId = await openCase(user, 'Tax rate', { remoteAccess: 'allowed', environment: 'sandbox' });
    caseGrant = (await alex.call('POST', `/support/orgs/${given.org.orgId}/cases/${caseId}/activate`, {})).body.grantId;
    // An unrelated user grant of the admin, in production
    expect((await admin.post('/grants', { durationHours: '4', level: 'manage', scope: 'all', environment: 'production' })).status).toBe(303);
    other = [...(await admin.get('/')).html.matchAll(/data-grant="([^"]+)"/g)].map((m) => m[1]!).find((id) => id !== caseGrant)!;
  });

  test('a change request names its grant and an end no later than the grant\'s; bad ones are refused naming the field', async () => {
    const orgId = given.org.orgId;
    const before = await orgItems(orgId);
    const grant = await getItem(`ORG#${orgId}`, `GRANT#${caseGrant}`);
    const ask = (body: Record<string, unknown>) => alex.call('POST', `/support/orgs/${orgId}/cases/${caseId}/change-requests`, { description: 'x', ...body });
    expect((await ask({ until: grant!.expiresAt })).body).toMatchObject({ status: 400, field: 'grantId' });
    expect((await ask({ grantId: caseGrant })).body).toMatchObject({ status: 400, field: 'until' });
    expect((await ask({ grantId: caseGrant, until: 'tomorrow' })).body).toMatchObject({ status: 400, field: 'until' });
    expect((await ask({ grantId: caseGrant, until: new Date(Date.parse(grant!.expiresAt as string) + 1000).toISOString() })).body).toMatchObject({ status: 400, field: 'until' });
    expect((await ask({ grantId: caseGrant, until: new Date(Date.now() - 60_000).toISOString() })).body).toMatchObject({ status: 400, field: 'until' });
    expect((await ask({ grantId: other, until: new Date(Date.now() + 3_600_000).toISOString() })).body).toMatchObject({ status: 403, title: 'grant_not_for_case' });
    expect(await orgItems(orgId)).toEqual(before);
  });

  test('approved on the case grant until a time: write on that grant only, and only until then', async () => {
    // Prepare
    const orgId = given.org.orgId;
    const until = new Date(Math.floor((Date.now() + 3_600_000) / 60_000) * 60_000).toISOString();
    await approvedChange(caseGrant, until);

    // Assess: write on the approved grant, capped at `until`
    const writing = await startSession(alex, orgId, caseGrant, { caseId, scope: 'read write' });
    expect(writing.body.scope).toBe('read write');
    expect(Date.parse(writing.body.expiresAt)).toBeLessThanOrEqual(Date.parse(until));
    // …not on an unrelated user grant in production, even naming the case
    const unrelated = await startSession(alex, orgId, other, { caseId, scope: 'read write' });
    expect(unrelated.status).toBe(201);
    expect(unrelated.body.scope).toBe('read');
    expect(unrelated.body.refusedScopes.write).toContain(`approved for grant ${caseGrant}`);
    // …and not after `until`
    await stackClock.set(new Date(Date.parse(until)));
    const late = await startSession(alex, orgId, caseGrant, { caseId, scope: 'read write' });
    expect(late.body.scope).toBe('read');
    expect(late.body.refusedScopes.write).toContain('ended at');
  });
});

describe('remote access on a free or trial plan', () => {
  test.each([['free'], ['trial']] as const)('a %s-plan case cannot be allowed in the portal or asked for through the support API', async (plan) => {
    // Prepare
    const given = await givenOrg({ plan }, { remoteAccessPolicy: 'all_cases' });
    const admin = await PortalClient.signIn(given.admin.email);
    const before = await orgItems(given.org.orgId);
    // Act / Assess: the form does not offer it, says why, and the server refuses it
    const form = await admin.get('/cases/new');
    expect(form.html).not.toMatch(/value="allowed"[^>]*checked/);
    expect(form.html).toContain('paid plan');
    const refused = await admin.post('/cases', { subject: 'Free case', description: 'x', environment: 'production', remoteAccess: 'allowed' });
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('paid plan');
    expect(await orgItems(given.org.orgId)).toEqual(before);
    // A denied case opens; switching it to allowed and asking for access are refused
    const caseId = await openCase(admin, 'Free case');
    expect(await getItem(`ORG#${given.org.orgId}`, `CASE#${caseId}`)).toMatchObject({ remoteAccess: 'denied' });
    expect((await admin.post(`/cases/${caseId}/remote-access`, { remoteAccess: 'allowed' })).status).toBe(403);
    const alex = await AgentClient.signIn(ALEX);
    const asked = await alex.call('POST', `/support/orgs/${given.org.orgId}/cases/${caseId}/access-requests`, { justification: 'Let me in' });
    expect(asked.status).toBe(403);
    expect(asked.body.title).toBe('plan_not_eligible');
  });
});
