import { AgentClient, PortalClient, anonymous } from '../support/clients';
import { givenOrg, givenUser, layout, orgItems, type GivenOrg, uniqueAgent } from '../support/fixtures';
import { approvalLinkFor } from '../support/mailbox';

const ALEX = uniqueAgent('alex');
const BEA = uniqueAgent('bea');
const CARL = uniqueAgent('carl');

/**
 * Every refusal of the case, request and settings routes: the status, a message naming the rule,
 * and nothing written (the org's items, audit trail and notices are unchanged).
 */
async function nothingWritten<T>(orgId: string, act: () => Promise<T>): Promise<T> {
  const before = await orgItems(orgId);
  const result = await act();
  expect(await orgItems(orgId)).toEqual(before);
  return result;
}

describe('support API refusals on cases and requests', () => {
  let given: GivenOrg;
  let other: GivenOrg;
  let alex: AgentClient;
  let bea: AgentClient;
  let deniedCase: string;
  let allowedCase: string;

  beforeAll(async () => {
    given = await givenOrg({}, { remoteAccessPolicy: 'approval_needed' });
    other = await givenOrg();
    alex = await AgentClient.signIn(ALEX);
    bea = await AgentClient.signIn(BEA);
    deniedCase = (await alex.call('POST', `/support/orgs/${given.org.orgId}/cases`, { subject: 'Denied one', contactEmail: given.user.email })).body.caseId;
    const user = await PortalClient.signIn(given.user.email);
    const opened = await user.post('/cases', { subject: 'Allowed one', remoteAccess: 'allowed' });
    allowedCase = /\/cases\/([^?]+)/.exec(opened.location!)![1]!;
  });

  const path = (suffix = '') => `/support/orgs/${given.org.orgId}/cases${suffix}`;

  test.each([
    ['no subject', { contactEmail: 'x' }, 400, 'subject', 'Subject is required'],
    ['no contact', { subject: 'Hi' }, 400, 'contactEmail', 'contactEmail is required'],
    ['a contact of another org', { subject: 'Hi', contactEmail: 'user@elsewhere.test' }, 400, 'contactEmail', 'is not a user of this organization'],
    ['an environment the org lacks', { subject: 'Hi', contactEmail: 'user@x.test', environment: 'sandbox' }, 403, undefined, 'Sandbox access is only possible'],
  ])('opening an email-channel case with %s → %i naming the rule', async (_what, body, status, field, message) => {
    const res = await nothingWritten(given.org.orgId, () => alex.call('POST', path(), body));
    expect(res.status).toBe(status);
    expect(res.body.field).toBe(field);
    expect(res.body.detail).toContain(message);
  });

  test('a request without a justification → 400; on an allowed case → 409 pointing at activate', async () => {
    const missing = await nothingWritten(given.org.orgId, () => alex.call('POST', path(`/${deniedCase}/access-requests`), {}));
    expect(missing.status).toBe(400);
    expect(missing.body.field).toBe('justification');
    const allowed = await nothingWritten(given.org.orgId, () => alex.call('POST', path(`/${allowedCase}/access-requests`), { justification: 'x' }));
    expect(allowed.status).toBe(409);
    expect(allowed.body.detail).toContain(`/cases/${allowedCase}/activate`);
  });

  test('a second pending request for the same case → 409 pointing at the first', async () => {
    const c = (await alex.call('POST', path(), { subject: 'Twice', contactEmail: given.user.email })).body.caseId;
    const first = await alex.call('POST', path(`/${c}/access-requests`), { justification: 'one' });
    expect(first.status).toBe(201);
    const second = await nothingWritten(given.org.orgId, () => bea.call('POST', path(`/${c}/access-requests`), { justification: 'two' }));
    expect(second.status).toBe(409);
    expect(second.body.title).toBe('request_pending');
    expect(second.body.detail).toContain(first.body.requestId);
  });

  test('activating on a denied case → 403 saying to request permission', async () => {
    const res = await nothingWritten(given.org.orgId, () => alex.call('POST', path(`/${deniedCase}/activate`), {}));
    expect(res.status).toBe(403);
    expect(res.body.title).toBe('case_access_denied');
    expect(res.body.detail).toContain('request permission');
  });

  test('a solved case refuses requests and activation', async () => {
    const c = (await alex.call('POST', path(), { subject: 'Done soon', contactEmail: given.user.email })).body.caseId;
    expect((await alex.call('POST', path(`/${c}/resolve`))).status).toBe(200);
    const again = await nothingWritten(given.org.orgId, () => alex.call('POST', path(`/${c}/resolve`)));
    expect(again.status).toBe(403);
    const asked = await nothingWritten(given.org.orgId, () => alex.call('POST', path(`/${c}/access-requests`), { justification: 'x' }));
    expect(asked.status).toBe(403);
    expect(asked.body.title).toBe('case_solved');
  });

  test('personnel: only an agent named on the grant may add, a bad email is 400, a duplicate 409', async () => {
    const grant = await alex.call('POST', path(`/${allowedCase}/activate`), {});
    const grantPath = `/support/orgs/${given.org.orgId}/grants/${grant.body.grantId}/personnel`;
    const stranger = await nothingWritten(given.org.orgId, () => bea.call('POST', grantPath, { email: CARL }));
    expect(stranger.status).toBe(403);
    expect(stranger.body.title).toBe('not_personnel');
    const bad = await nothingWritten(given.org.orgId, () => alex.call('POST', grantPath, { email: 'not an email' }));
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('email');
    const dup = await nothingWritten(given.org.orgId, () => alex.call('POST', grantPath, { email: ALEX }));
    expect(dup.status).toBe(409);
  });

  test('another org’s case under this org’s path, or an unknown case → 404, nothing revealed', async () => {
    const elsewhere = `/support/orgs/${other.org.orgId}/cases/${deniedCase}`;
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['GET', '/access', undefined],
      ['POST', '/access-requests', { justification: 'x' }],
      ['POST', '/activate', {}],
      ['POST', '/resolve', undefined],
    ] as const) {
      const res = await nothingWritten(given.org.orgId, () => alex.call(method, `${elsewhere}${suffix}`, body));
      expect([method, suffix, res.status]).toEqual([method, suffix, 404]);
    }
    expect((await alex.call('GET', path('/nope'))).status).toBe(404);
  });

  test('every case route without a staff token → 401; a customer’s portal session is not a staff token', async () => {
    const customer = await PortalClient.signIn(given.admin.email);
    for (const [method, suffix] of [
      ['POST', ''],
      ['GET', `/${deniedCase}`],
      ['GET', `/${deniedCase}/access`],
      ['POST', `/${deniedCase}/access-requests`],
      ['POST', `/${deniedCase}/activate`],
      ['POST', `/${deniedCase}/resolve`],
    ]) {
      const res = await nothingWritten(given.org.orgId, () => anonymous(method!, path(suffix), { headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined }));
      expect([method, suffix, res.status]).toEqual([method, suffix, 401]);
      const cookie = customer.jar.header(`${layout.urls.portal}${path(suffix)}`);
      const asCustomer = await anonymous(method!, path(suffix), { headers: { cookie } });
      expect([method, suffix, asCustomer.status]).toEqual([method, suffix, 401]);
    }
    expect((await anonymous('POST', `/support/orgs/${given.org.orgId}/grants/g/personnel`)).status).toBe(401);
  });
});

describe('portal refusals on cases and approval links', () => {
  let given: GivenOrg;
  let user: PortalClient;
  let caseId: string;

  beforeAll(async () => {
    given = await givenOrg({}, { remoteAccessPolicy: 'approval_needed' });
    user = await PortalClient.signIn(given.user.email);
    caseId = /\/cases\/([^?]+)/.exec((await user.post('/cases', { subject: 'Mine' })).location!)![1]!;
  });

  test('a case without a subject → the form again with the field error (400)', async () => {
    const res = await nothingWritten(given.org.orgId, () => user.post('/cases', { subject: '  ', description: 'kept' }));
    expect(res.status).toBe(400);
    expect(res.html).toContain('id="subject-error"');
    expect(res.html).toContain('Subject is required');
    expect(res.html).toContain('kept');
  });

  test('another user’s case (not the contact, not an admin) → 403; another org’s case → 404', async () => {
    const colleague = await PortalClient.signIn((await givenUser(given.org.orgId, 'colleague')).email);
    expect((await colleague.get(`/cases/${caseId}`)).status).toBe(403);
    const tried = await nothingWritten(given.org.orgId, () => colleague.post(`/cases/${caseId}/solve`, {}));
    expect(tried.status).toBe(403);
    expect(tried.html).toContain('Only the case contact');
    const outsider = await PortalClient.signIn((await givenOrg()).admin.email);
    expect((await outsider.get(`/cases/${caseId}`)).status).toBe(404);
    const crossOrg = await nothingWritten(given.org.orgId, () => outsider.post(`/cases/${caseId}/remote-access`, { remoteAccess: 'allowed' }));
    expect(crossOrg.status).toBe(404);
  });

  test('a bad remote-access value → 400; no session → sign-in or 401; no CSRF → 403', async () => {
    const bad = await nothingWritten(given.org.orgId, () => user.post(`/cases/${caseId}/remote-access`, { remoteAccess: 'sometimes' }));
    expect(bad.status).toBe(400);
    const get = await anonymous('GET', `/cases/${caseId}`);
    expect(get.status).toBe(303);
    expect(get.headers.get('location')).toBe(`/login?returnTo=${encodeURIComponent(`/cases/${caseId}`)}`);
    const post = await nothingWritten(given.org.orgId, () =>
      anonymous('POST', `/cases/${caseId}/solve`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' }),
    );
    expect(post.status).toBe(401);
    const noCsrf = await nothingWritten(given.org.orgId, () => user.post(`/cases/${caseId}/solve`, {}, { csrf: null }));
    expect(noCsrf.status).toBe(403);
  });

  test('an approval POST without CSRF, without a session, or without a decision changes nothing', async () => {
    const alex = await AgentClient.signIn(ALEX);
    await alex.call('POST', `/support/orgs/${given.org.orgId}/cases/${caseId}/access-requests`, { justification: 'Look' });
    const link = await approvalLinkFor(given.user.email, 'Mine');
    const noCsrf = await nothingWritten(given.org.orgId, () => user.post(link, { decision: 'approve' }, { csrf: null }));
    expect(noCsrf.status).toBe(403);
    const noSession = await nothingWritten(given.org.orgId, () =>
      anonymous('POST', link, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=approve' }),
    );
    expect(noSession.status).toBe(401);
    const noDecision = await nothingWritten(given.org.orgId, () => user.post(link, { decision: 'maybe' }));
    expect(noDecision.status).toBe(400);
    expect(noDecision.html).toContain('Choose approve or deny');
    const outsider = await PortalClient.signIn((await givenOrg()).admin.email);
    const crossOrg = await nothingWritten(given.org.orgId, () => outsider.post(link, { decision: 'approve' }));
    expect(crossOrg.status).toBe(403);
  });
});

describe('org settings', () => {
  let given: GivenOrg;
  let admin: PortalClient;

  const valid = {
    remoteAccessPolicy: 'never',
    allowNonAdminGrants: 'on',
    defaultGrantHours: '24',
    maxGrantHours: '72',
    authorizedContacts: 'sec@example.test, ciso@example.test',
    supportLevel: 'manage',
    supportScope: 'workspaces',
    supportWorkspaces: 'finance',
    requiredApprovals: '2',
  };

  beforeAll(async () => {
    given = await givenOrg();
    admin = await PortalClient.signIn(given.admin.email);
  });

  test('the page explains each policy; a save is stored and audited as old → new', async () => {
    const page = await admin.get('/settings');
    expect(page.status).toBe(200);
    for (const policy of ['all_cases', 'approval_needed', 'never']) expect(page.html).toContain(`value="${policy}"`);
    expect(page.html).toContain('only an administrator');

    const saved = await admin.post('/settings', valid);
    expect(saved.status).toBe(303);
    expect(saved.location).toBe('/settings?done=saved');
    const items = await orgItems(given.org.orgId);
    expect(items.find((i) => i.sk === 'ORG')!.settings).toEqual({
      remoteAccessPolicy: 'never',
      allowNonAdminGrants: true,
      defaultGrantHours: 24,
      maxGrantHours: 72,
      authorizedContacts: ['sec@example.test', 'ciso@example.test'],
      supportProfile: { level: 'manage', workspaces: ['finance'] },
      requiredApprovals: 2,
    });
    const audit = items.filter((i) => i.action === 'org.settings_changed');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: { type: 'user', id: given.admin.email },
      before: { remoteAccessPolicy: 'approval_needed', maxGrantHours: 336, requiredApprovals: 1 },
      after: { remoteAccessPolicy: 'never', maxGrantHours: 72, requiredApprovals: 2 },
    });
    expect((await admin.get('/settings?done=saved')).html).toMatch(/value="never" checked/);
  });

  test('four invalid fields at once: every one reported under an error summary linking to it, nothing written', async () => {
    const res = await nothingWritten(given.org.orgId, () =>
      admin.post('/settings', { ...valid, maxGrantHours: '4321', requiredApprovals: '4', authorizedContacts: 'bob', supportWorkspaces: 'marketing' }),
    );
    expect(res.status).toBe(400);
    for (const field of ['maxGrantHours', 'requiredApprovals', 'authorizedContacts', 'supportWorkspaces']) {
      expect([field, res.html.includes(`id="${field}-error"`), res.html.includes(`<a href="#${field}">`)]).toEqual([field, true, true]);
    }
    expect(res.html).toMatch(/<div class="error-summary" role="alert" tabindex="-1" autofocus/);
  });

  test('removing every authorized contact asks for confirmation first', async () => {
    const fresh = await givenOrg();
    const freshAdmin = await PortalClient.signIn(fresh.admin.email);
    const asked = await nothingWritten(fresh.org.orgId, () => freshAdmin.post('/settings', { ...valid, authorizedContacts: '' }));
    expect(asked.status).toBe(400);
    expect(asked.html).toContain('id="authorizedContacts-error"');
    expect(asked.html).toContain('name="confirmNoContacts"');
    const confirmed = await freshAdmin.post('/settings', { ...valid, authorizedContacts: '', confirmNoContacts: 'yes' });
    expect(confirmed.status).toBe(303);
    expect((await orgItems(fresh.org.orgId)).find((i) => i.sk === 'ORG')!.settings).toMatchObject({ authorizedContacts: [] });
  });

  test.each([
    ['a maximum above the platform cap', { maxGrantHours: '4321' }, 'maxGrantHours', 'between 1 and 4320 hours'],
    ['a default above the maximum', { defaultGrantHours: '100', maxGrantHours: '72' }, 'defaultGrantHours', 'between'],
    ['required approvals 0', { requiredApprovals: '0' }, 'requiredApprovals', '1, 2 or 3'],
    ['required approvals 4', { requiredApprovals: '4' }, 'requiredApprovals', '1, 2 or 3'],
    ['an unknown policy', { remoteAccessPolicy: 'sometimes' }, 'remoteAccessPolicy', 'Choose a remote-access policy'],
    ['a contact that is not an email', { authorizedContacts: 'bob' }, 'authorizedContacts', 'Not an email address: bob'],
    ['an unknown workspace', { supportWorkspaces: 'marketing' }, 'supportWorkspaces', 'Unknown workspace: marketing'],
  ])('%s → the form again with the field error (400), nothing written', async (_what, change, field, message) => {
    const res = await nothingWritten(given.org.orgId, () => admin.post('/settings', { ...valid, ...change }));
    expect(res.status).toBe(400);
    expect(res.html).toContain(`id="${field}-error"`);
    expect(res.html).toContain(message);
  });

  test('a non-admin → 403 for the page and the save; no session → sign-in or 401', async () => {
    const user = await PortalClient.signIn(given.user.email);
    expect((await user.get('/settings')).status).toBe(403);
    const res = await nothingWritten(given.org.orgId, () => user.post('/settings', valid));
    expect(res.status).toBe(403);
    expect(res.html).toContain('Only an administrator');
    expect((await anonymous('GET', '/settings')).status).toBe(303);
    const post = await nothingWritten(given.org.orgId, () => anonymous('POST', '/settings', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'requiredApprovals=3' }));
    expect(post.status).toBe(401);
  });
});
