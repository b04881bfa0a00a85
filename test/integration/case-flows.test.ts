import { AgentClient, PortalClient, anonymous } from '../support/clients';
import { db, eventually, getItem, givenOrg, givenUser, layout, orgItems, type GivenOrg, schedules, uniqueAgent } from '../support/fixtures';
import { approvalLinkFor, emailsTo } from '../support/mailbox';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { stackClock } from '../support/clock';

const ALEX = uniqueAgent('alex');
const BEA = uniqueAgent('bea');

afterEach(() => stackClock.reset());


/** Opens a case in the portal as `client` and returns its id. */
async function openCase(client: PortalClient, subject: string, fields: Record<string, string> = {}): Promise<string> {
  const res = await client.post('/cases', { subject, description: 'It broke', environment: 'production', ...fields });
  expect(res.status).toBe(303);
  return /\/cases\/([^?]+)\?done=opened/.exec(res.location ?? '')![1]!;
}

const caseItem = (orgId: string, caseId: string) => getItem(`ORG#${orgId}`, `CASE#${caseId}`);
const requestItem = (orgId: string, requestId: string) => getItem(`ORG#${orgId}`, `REQUEST#${requestId}`);

describe('policy all_cases: activate, link, add personnel, resolve', () => {
  let given: GivenOrg;
  let user: PortalClient;
  let alex: AgentClient;
  let bea: AgentClient;

  beforeAll(async () => {
    given = await givenOrg({}, { remoteAccessPolicy: 'all_cases', maxGrantHours: 48 });
    user = await PortalClient.signIn(given.user.email);
    alex = await AgentClient.signIn(ALEX);
    bea = await AgentClient.signIn(BEA);
  });

  test('a case grant lives while one of its cases is open and ends with the last one', async () => {
    const orgId = given.org.orgId;
    // Prepare: the user opens two cases; the form offers "allowed" by default under all_cases
    const form = await user.get('/cases/new');
    expect(form.html).toMatch(/value="allowed" checked/);
    const first = await openCase(user, 'Invoices do not load');
    const second = await openCase(user, 'Export is slow');
    expect((await user.get(`/cases/${first}`)).html).toContain('<span id="remote-access">allowed</span>');
    const before = await alex.call('GET', `/support/orgs/${orgId}/cases/${first}/access`);
    expect(before.body).toMatchObject({ allowed: false, reason: 'activate' });

    // Act: the agent activates access for the first case
    const activated = await alex.call('POST', `/support/orgs/${orgId}/cases/${first}/activate`, { justification: 'Reproduce the invoice bug' });

    // Assess: a case grant with the org's support profile, the agent as personnel, at most the org maximum
    expect(activated.status).toBe(201);
    const grantId = activated.body.grantId as string;
    expect(activated.body).toMatchObject({ kind: 'case', level: 'monitor', workspaces: 'all', caseIds: [first], personnel: [ALEX] });
    expect(activated.body.actAs.email).toBe(`support-profile:${orgId}`);
    const hours = (Date.parse(activated.body.expiresAt) - Date.parse(activated.body.createdAt)) / 3_600_000;
    expect(hours).toBeCloseTo(48, 3);
    expect(await schedules()).toContain(`grant-${grantId}`);
    const told = await eventually('the activation email', async () => (await emailsTo(`security@${orgId}.test`)).find((e) => e.subject.includes('now has access')));
    expect(told.body.text).toContain(ALEX);
    expect(told.body.text).toContain('Why: Reproduce the invoice bug');
    expect((await alex.call('GET', `/support/orgs/${orgId}/cases/${first}/access`)).body).toMatchObject({ allowed: true, grantId });

    // Act / Assess: activating again is the same grant; another case links to it
    const again = await alex.call('POST', `/support/orgs/${orgId}/cases/${first}/activate`, {});
    expect(again.status).toBe(200);
    expect(again.body.grantId).toBe(grantId);
    const linked = await alex.call('POST', `/support/orgs/${orgId}/cases/${second}/activate`, {});
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ grantId, caseIds: [first, second] });
    const listed = await alex.call('GET', `/support/orgs/${orgId}/grants`);
    expect(listed.body.grants.filter((g: { kind: string }) => g.kind === 'case')).toHaveLength(1);

    // Act / Assess: a colleague is added and the contacts are told again
    const added = await alex.call('POST', `/support/orgs/${orgId}/grants/${grantId}/personnel`, { email: BEA });
    expect(added.status).toBe(200);
    expect(added.body.personnel).toEqual([ALEX, BEA]);
    await eventually('the personnel email', async () => (await emailsTo(`security@${orgId}.test`)).find((e) => e.subject.includes('Another support agent')));
    expect((await bea.call('GET', `/support/orgs/${orgId}/cases/${second}/access`)).body).toMatchObject({ allowed: true, grantId });

    // Act: the agent resolves the first case — the grant stays for the second
    const resolved = await alex.call('POST', `/support/orgs/${orgId}/cases/${first}/resolve`);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ case: { status: 'solved' }, endedGrants: [] });
    expect(await getItem(`ORG#${orgId}`, `GRANT#${grantId}`)).toMatchObject({ status: 'active' });
    expect((await alex.call('GET', `/support/orgs/${orgId}/cases/${first}/access`)).body).toMatchObject({ allowed: false, reason: 'case_solved' });
    const session = await alex.call('POST', `/support/orgs/${orgId}/grants/${grantId}/sessions`, { justification: 'export' });
    expect(session.status).toBe(201);

    // Act: the customer marks the second case solved in the portal
    const solved = await user.post(`/cases/${second}/solve`, {});
    expect(solved.status).toBe(303);

    // Assess: the grant ended with its session and schedule; the agent is refused; the contacts are told
    expect(await getItem(`ORG#${orgId}`, `GRANT#${grantId}`)).toMatchObject({ status: 'ended', endReason: 'case_solved' });
    expect(await getItem(`ORG#${orgId}`, `SESSION#${grantId}#${session.body.sessionId}`)).toMatchObject({ status: 'ended' });
    expect(await schedules()).not.toContain(`grant-${grantId}`);
    const refused = await alex.call('POST', `/support/orgs/${orgId}/grants/${grantId}/sessions`, { justification: 'again' });
    expect(refused.status).toBe(403);
    expect((await user.get(`/cases/${second}`)).html).toContain('<strong id="case-status">solved</strong>');
    await eventually('the "ended" email', async () => (await emailsTo(`security@${orgId}.test`)).find((e) => e.subject.includes('ended')));
  });
});

describe('policy approval_needed: a request approved from the emailed link', () => {
  let given: GivenOrg;
  let alex: AgentClient;

  beforeAll(async () => {
    given = await givenOrg({}, { remoteAccessPolicy: 'approval_needed' });
    alex = await AgentClient.signIn(ALEX);
  });

  test('email-channel case → request → link → sign-in → approve → activate', async () => {
    const orgId = given.org.orgId;
    const security = `security@${orgId}.test`;
    // Prepare: support logs a case that came in by email; it starts denied
    const opened = await alex.call('POST', `/support/orgs/${orgId}/cases`, { subject: 'Payroll totals wrong', contactEmail: given.user.email, environment: 'production' });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ channel: 'email', remoteAccess: 'denied', status: 'open', contact: given.user.email });
    const caseId = opened.body.caseId as string;
    expect((await alex.call('GET', `/support/orgs/${orgId}/cases/${caseId}`)).body.caseId).toBe(caseId);
    expect((await alex.call('GET', `/support/orgs/${orgId}/cases/${caseId}/access`)).body).toMatchObject({ allowed: false, reason: 'request_permission' });

    // Act: the agent asks for permission
    const asked = await alex.call('POST', `/support/orgs/${orgId}/cases/${caseId}/access-requests`, { justification: 'Need to see the payroll run' });

    // Assess: pending, asked of the contact and the authorized contacts, each with their own link
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ status: 'pending', askedOf: [given.user.email, security], requiredApprovals: 1 });
    const requestId = asked.body.requestId as string;
    expect(await schedules()).toContain(`request-${requestId}`);
    expect((await alex.call('GET', `/support/orgs/${orgId}/cases/${caseId}/access`)).body).toMatchObject({ allowed: false, reason: 'awaiting_approval', requestId });
    const contactLink = await approvalLinkFor(given.user.email, 'Payroll totals wrong');
    const securityLink = await approvalLinkFor(security, 'Payroll totals wrong');
    expect(contactLink).not.toBe(securityLink);
    const mail = (await emailsTo(given.user.email)).find((e) => e.subject.startsWith('Support asks'))!;
    expect(mail.body.text).toContain('Need to see the payroll run');
    expect(mail.body.html).toContain(contactLink);
    // Only the hash of the token is stored
    const raw = contactLink.split('/').pop()!;
    expect(JSON.stringify(await orgItems(orgId))).not.toContain(raw);

    // Act / Assess: opening the link without a session asks to sign in, and changes nothing
    const before = await orgItems(orgId);
    const anonymousGet = await anonymous('GET', contactLink);
    expect(anonymousGet.status).toBe(303);
    expect(anonymousGet.headers.get('location')).toBe(`/login?returnTo=${encodeURIComponent(contactLink)}`);
    const contact = await PortalClient.signIn(given.user.email);
    const signedIn = await orgItems(orgId); // signing in is itself audited
    const shown = await contact.get(contactLink);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain(ALEX);
    expect(shown.html).toContain('Payroll totals wrong');
    expect(shown.html).toContain('Need to see the payroll run');
    expect(shown.html).toContain('What approving means');
    expect(await contact.get(contactLink)).toMatchObject({ status: 200 });
    expect(signedIn.filter((i) => i.action !== 'user.signed_in' && i.sk !== 'HEAD')).toEqual(before.filter((i) => i.sk !== 'HEAD'));
    expect(await orgItems(orgId)).toEqual(signedIn);

    // Act: the contact approves with a comment
    const decided = await contact.post(contactLink, { decision: 'approve', comment: 'Go ahead' });

    // Assess: approved, the case allowed with history, the link used, the expiry schedule gone, everyone told
    expect(decided.status).toBe(200);
    expect(decided.html).toContain('The request is approved');
    expect(await requestItem(orgId, requestId)).toMatchObject({ status: 'approved', decisions: [{ by: given.user.email, decision: 'approve', comment: 'Go ahead' }] });
    const allowedCase = await caseItem(orgId, caseId);
    expect(allowedCase).toMatchObject({ remoteAccess: 'allowed' });
    expect(allowedCase!.pendingRequestId).toBeUndefined();
    expect(await schedules()).not.toContain(`request-${requestId}`);
    const agentMail = await eventually('the agent’s decision email', async () => (await emailsTo(ALEX)).find((e) => e.subject.includes('Payroll totals wrong') && e.subject.includes('approved')));
    expect(agentMail.body.text).toContain('Go ahead');
    await eventually('the other approver’s decision email', async () => (await emailsTo(security)).find((e) => e.subject.includes('approved')));
    expect((await contact.get(`/cases/${caseId}`)).html).toContain('<span id="remote-access">allowed</span>');

    // Assess: every dead link says why; asking again on an allowed case points at activate
    const reused = await contact.get(contactLink);
    expect(reused.status).toBe(410);
    expect(reused.html).toContain('already used');
    const other = await contact.get(securityLink);
    expect(other.status).toBe(410);
    expect(other.html).toContain('already approved');
    const unknown = await contact.get('/approvals/not-a-real-token');
    expect(unknown.status).toBe(410);
    expect(unknown.html).toContain('not valid');
    const again = await alex.call('POST', `/support/orgs/${orgId}/cases/${caseId}/access-requests`, { justification: 'more' });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('activate');

    // Act / Assess: now the agent can activate
    const activated = await alex.call('POST', `/support/orgs/${orgId}/cases/${caseId}/activate`, {});
    expect(activated.status).toBe(201);
    expect(activated.body.caseIds).toEqual([caseId]);
  });

  test('two approvals required: the first is counted, the second approves; a deny ends a request', async () => {
    const multi = await givenOrg({}, { remoteAccessPolicy: 'approval_needed', requiredApprovals: 2 });
    const orgId = multi.org.orgId;
    await db.send(new UpdateCommand({ TableName: layout.tableName, Key: { pk: `ORG#${orgId}`, sk: 'ORG' }, UpdateExpression: 'SET settings.authorizedContacts = :a', ExpressionAttributeValues: { ':a': [multi.admin.email] } }));
    const caseId = (await alex.call('POST', `/support/orgs/${orgId}/cases`, { subject: 'Two keys', contactEmail: multi.user.email })).body.caseId as string;
    const asked = await alex.call('POST', `/support/orgs/${orgId}/cases/${caseId}/access-requests`, { justification: 'Check the ledger' });
    expect(asked.body.askedOf).toEqual([multi.user.email, multi.admin.email]);

    // Act: the contact approves first
    const contact = await PortalClient.signIn(multi.user.email);
    const first = await contact.post(await approvalLinkFor(multi.user.email, 'Two keys'), { decision: 'approve' });

    // Assess: counted, still pending, case still denied
    expect(first.status).toBe(200);
    expect(first.html).toContain('1 more approver(s) needed');
    expect(await requestItem(orgId, asked.body.requestId)).toMatchObject({ status: 'pending' });
    expect(await caseItem(orgId, caseId)).toMatchObject({ remoteAccess: 'denied' });

    // Act: the admin approves second
    const admin = await PortalClient.signIn(multi.admin.email);
    const adminLink = await approvalLinkFor(multi.admin.email, 'Two keys');
    expect((await admin.get(adminLink)).html).toContain('1 of 2 approvals so far');
    const second = await admin.post(adminLink, { decision: 'approve' });
    expect(second.html).toContain('The request is approved');
    expect(await caseItem(orgId, caseId)).toMatchObject({ remoteAccess: 'allowed' });

    // Act / Assess: on another case, a deny ends the request at once; support may ask again
    const denyCase = (await alex.call('POST', `/support/orgs/${orgId}/cases`, { subject: 'No thanks', contactEmail: multi.user.email })).body.caseId as string;
    const denied = await alex.call('POST', `/support/orgs/${orgId}/cases/${denyCase}/access-requests`, { justification: 'Peek' });
    const no = await contact.post(await approvalLinkFor(multi.user.email, 'No thanks'), { decision: 'deny', comment: 'Not now' });
    expect(no.html).toContain('The request is denied');
    expect(await requestItem(orgId, denied.body.requestId)).toMatchObject({ status: 'denied' });
    expect(await caseItem(orgId, denyCase)).toMatchObject({ remoteAccess: 'denied' });
    await eventually('the denial email', async () => (await emailsTo(ALEX)).find((e) => e.subject.includes('No thanks') && e.subject.includes('denied')));
    const retry = await alex.call('POST', `/support/orgs/${orgId}/cases/${denyCase}/access-requests`, { justification: 'Please, it is urgent' });
    expect(retry.status).toBe(201);
  });

  test('an unanswered request expires on its schedule: the agent is told, the link says expired', async () => {
    const orgId = given.org.orgId;
    const caseId = (await alex.call('POST', `/support/orgs/${orgId}/cases`, { subject: 'Nobody answers', contactEmail: given.user.email })).body.caseId as string;
    const asked = await alex.call('POST', `/support/orgs/${orgId}/cases/${caseId}/access-requests`, { justification: 'Quick look' });
    const requestId = asked.body.requestId as string;
    const link = await approvalLinkFor(given.user.email, 'Nobody answers');

    // Act: 72 hours pass (the stage's request expiry), and the minute its schedule fires in
    expect(Date.parse(asked.body.expiresAt) - Date.parse(asked.body.createdAt)).toBe(72 * 3_600_000);
    await stackClock.advance(72 * 3_600_000 + 2 * 60_000);

    // Assess: the scheduler marked it expired and freed the case; the agent is told; the link is dead
    const expired = await requestItem(orgId, requestId);
    expect(expired).toMatchObject({ status: 'expired' });
    // Decided when the expiry fired: after the request's end, and no later than the stack's now.
    const decidedAt = Date.parse(expired!.decidedAt as string);
    expect(decidedAt).toBeGreaterThanOrEqual(Date.parse(asked.body.expiresAt));
    expect(decidedAt).toBeLessThanOrEqual((await stackClock.now()).getTime());
    expect((await caseItem(orgId, caseId))!.pendingRequestId).toBeUndefined();
    await eventually('the expiry email', async () => (await emailsTo(ALEX)).find((e) => e.subject.includes('Nobody answers') && e.subject.includes('expired')));
    const contact = await PortalClient.signIn(given.user.email);
    const dead = await contact.get(link);
    expect(dead.status).toBe(410);
    expect(dead.html).toContain('expired');
    expect((await alex.call('GET', `/support/orgs/${orgId}/cases/${caseId}/access`)).body).toMatchObject({ reason: 'request_permission' });
  });
});

describe('policy never: only administrators open access', () => {
  let given: GivenOrg;
  let alex: AgentClient;
  let user: PortalClient;

  beforeAll(async () => {
    given = await givenOrg({}, { remoteAccessPolicy: 'never', authorizedContacts: [] });
    alex = await AgentClient.signIn(ALEX);
    user = await PortalClient.signIn(given.user.email);
  });

  test('a non-admin is not offered "allowed", is told why, and is refused if they post it', async () => {
    const form = await user.get('/cases/new');
    expect(form.html).toContain('id="remote-access-locked"');
    expect(form.html).not.toContain('value="allowed"');
    expect(form.html).toMatch(/name="remoteAccess" value="denied" checked/);
    const before = await orgItems(given.org.orgId);
    const refused = await user.post('/cases', { subject: 'Let me in', remoteAccess: 'allowed' });
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('policy is Never');
    expect(await orgItems(given.org.orgId)).toEqual(before);

    const caseId = await openCase(user, 'Locked case');
    const page = await user.get(`/cases/${caseId}`);
    expect(page.html).not.toContain('Allow remote access');
    expect(page.html).toContain('only an administrator can allow');
    const beforeSwitch = await orgItems(given.org.orgId);
    const switched = await user.post(`/cases/${caseId}/remote-access`, { remoteAccess: 'allowed' });
    expect(switched.status).toBe(403);
    expect(await orgItems(given.org.orgId)).toEqual(beforeSwitch);
  });

  test('the contact cannot approve; an administrator can, with a forwarded link', async () => {
    const orgId = given.org.orgId;
    const caseId = await openCase(user, 'Admin must say yes');
    const asked = await alex.call('POST', `/support/orgs/${orgId}/cases/${caseId}/access-requests`, { justification: 'Need to look' });
    expect(asked.status).toBe(201);
    expect((await alex.call('GET', `/support/orgs/${orgId}/cases/${caseId}/access`)).body.reason).toBe('awaiting_approval');
    const link = await approvalLinkFor(given.user.email, 'Admin must say yes');

    const before = await orgItems(orgId);
    const page = await user.get(link);
    expect(page.status).toBe(403);
    expect(page.html).toContain('Only an administrator');
    const tried = await user.post(link, { decision: 'approve' });
    expect(tried.status).toBe(403);
    expect(await orgItems(orgId)).toEqual(before);

    const admin = await PortalClient.signIn(given.admin.email);
    const approved = await admin.post(link, { decision: 'approve' });
    expect(approved.status).toBe(200);
    expect(await caseItem(orgId, caseId)).toMatchObject({ remoteAccess: 'allowed' });
  });

  test('an administrator may allow a case directly', async () => {
    const admin = await PortalClient.signIn(given.admin.email);
    const caseId = await openCase(user, 'Admin allows');
    const res = await admin.post(`/cases/${caseId}/remote-access`, { remoteAccess: 'allowed' });
    expect(res.status).toBe(303);
    const page = await admin.get(`/cases/${caseId}`);
    expect(page.html).toContain('<span id="remote-access">allowed</span>');
    expect(page.html).toContain(`${given.admin.email} allowed support to access the account for this case (it was denied).`);
    const audit = (await orgItems(given.org.orgId)).filter((i) => i.action === 'case.remote_access_changed' && i.caseId === caseId);
    expect(audit).toEqual([expect.objectContaining({ before: { remoteAccess: 'denied' }, after: { remoteAccess: 'allowed' } })]);
  });

  test('an ineligible user of the org is shown who can approve (403)', async () => {
    const bystander = await givenUser(given.org.orgId, 'bystander');
    const c = await alex.call('POST', `/support/orgs/${given.org.orgId}/cases`, { subject: 'Bystander check', contactEmail: given.user.email });
    await alex.call('POST', `/support/orgs/${given.org.orgId}/cases/${c.body.caseId}/access-requests`, { justification: 'x' });
    const link = await approvalLinkFor(given.user.email, 'Bystander check');
    const client = await PortalClient.signIn(bystander.email);
    const page = await client.get(link);
    expect(page.status).toBe(403);
    expect(page.html).toContain(`Only an administrator of ${given.org.name}`);
  });
});

describe('the case page shows who is logged in for the case', () => {
  test('an admin sees the case session with End session; the contact is told how to end it', async () => {
    const given = await givenOrg({}, { remoteAccessPolicy: 'all_cases' });
    const user = await PortalClient.signIn(given.user.email);
    const admin = await PortalClient.signIn(given.admin.email);
    const alex = await AgentClient.signIn(ALEX);
    const caseId = await openCase(user, 'Sessions on the case page');
    const activated = await alex.call('POST', `/support/orgs/${given.org.orgId}/cases/${caseId}/activate`, {});
    const started = await alex.call('POST', `/support/orgs/${given.org.orgId}/grants/${activated.body.grantId}/sessions`, { justification: 'Look at the case', caseId });
    expect(started.status).toBe(201);

    const adminView = await admin.get(`/cases/${caseId}`);
    expect(adminView.html).toContain(`<tr data-session="${started.body.sessionId}">`);
    expect(adminView.html).toContain(`action="/sessions/${started.body.sessionId}/end"`);
    const contactView = await user.get(`/cases/${caseId}`);
    expect(contactView.html).not.toContain('data-session=');
    expect(contactView.html).toContain('Setting remote access to Denied ends any session for it.');
  });
});
