import { createRemoteJWKSet, jwtVerify } from 'jose';
import { AgentClient, PortalClient, anonymous, introspect, productCall } from '../support/clients';
import { eventually, givenOrg, layout, orgItems, type GivenOrg, uniqueAgent } from '../support/fixtures';
import { emailsTo } from '../support/mailbox';
import { claimsOf, signWithStackKey, signWithStrangerKey, tamper } from '../support/tokens';
import { stackClock } from '../support/clock';

const ALEX = uniqueAgent('alex');
const BEA = uniqueAgent('bea');

afterEach(() => stackClock.reset());

/** Grants login access as `client` and returns the new grant's id. */
async function grantAs(client: PortalClient, fields: Record<string, string> = {}): Promise<string> {
  const before = new Set([...(await client.get('/')).html.matchAll(/data-grant="([^"]+)"/g)].map((m) => m[1]));
  const res = await client.post('/grants', { durationHours: '2', level: 'manage', ...fields });
  expect(res.status).toBe(303);
  const after = [...(await client.get('/')).html.matchAll(/data-grant="([^"]+)"/g)].map((m) => m[1]!);
  return after.find((id) => !before.has(id))!;
}

const startSession = (agent: AgentClient, orgId: string, grantId: string, body: Record<string, unknown> = {}) =>
  agent.call('POST', `/support/orgs/${orgId}/grants/${grantId}/sessions`, { justification: 'Ticket 7: totals wrong', ...body });

describe('"log in as" session tokens, introspection and ending sessions', () => {
  let given: GivenOrg;
  let admin: PortalClient;
  let alex: AgentClient;
  let bea: AgentClient;

  beforeAll(async () => {
    given = await givenOrg();
    admin = await PortalClient.signIn(given.admin.email);
    alex = await AgentClient.signIn(ALEX);
    bea = await AgentClient.signIn(BEA);
  });

  test('the token carries every claim, verifies against the JWKS over HTTP, and the user is emailed', async () => {
    const grantId = await grantAs(admin);
    const started = await startSession(alex, given.org.orgId, grantId);
    expect(started.status).toBe(201);

    const jwksResponse = await anonymous('GET', '/.well-known/jwks.json');
    expect(jwksResponse.headers.get('cache-control')).toBe('public, max-age=300');
    const { payload, protectedHeader } = await jwtVerify(started.body.token, createRemoteJWKSet(new URL(`${layout.urls.portal}/.well-known/jwks.json`)), {
      issuer: layout.urls.portal,
      audience: 'product',
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: expect.any(String) });
    expect(payload).toMatchObject({
      sub: given.admin.email,
      act: { sub: `staff-${ALEX}`, email: ALEX },
      org: given.org.orgId,
      grant: grantId,
      level: 'manage',
      workspaces: 'all',
      env: 'production',
      scope: 'read',
      jti: started.body.sessionId,
    });
    expect(payload.exp! - payload.iat!).toBe(15 * 60);

    const mail = await eventually('the "signed in as you" email', async () => (await emailsTo(given.admin.email)).find((e) => e.subject.includes('signed in')));
    expect(mail.subject).toBe(`Support signed in to ${given.org.name} as ${given.admin.email}`);
    expect(mail.body.text).toContain(ALEX);
    expect(mail.body.text).toContain('Ticket 7: totals wrong');
  });

  test('introspection: active with the claims; inactive for another org, tampered, expired, wrong-audience or unknown-kid tokens', async () => {
    const grantId = await grantAs(admin);
    const { token } = (await startSession(alex, given.org.orgId, grantId)).body;

    const live = await introspect(given.product, token);
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ active: true, sub: given.admin.email, org: given.org.orgId, grant: grantId, scope: 'read', client_id: given.product.clientId, token_type: 'Bearer' });
    expect(live.headers.get('cache-control')).toBe('no-store');

    const other = await givenOrg();
    expect((await introspect(other.product, token)).body).toEqual({ active: false });
    expect((await introspect(given.product, tamper(token))).body).toEqual({ active: false });
    const claims = claimsOf(token);
    const now = Math.floor(Date.now() / 1000);
    expect((await introspect(given.product, await signWithStackKey({ ...claims, iat: now - 120, exp: now - 60 }))).body).toEqual({ active: false });
    expect((await introspect(given.product, await signWithStackKey({ ...claims, aud: 'someone-else' }))).body).toEqual({ active: false });
    expect((await introspect(given.product, await signWithStackKey(claims, { kid: 'no-such-key' }))).body).toEqual({ active: false });
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
    expect((await introspect(given.product, await signWithStrangerKey(claims, header.kid))).body).toEqual({ active: false });
    // The same claims signed by the real key again are live: the refusals above were for the reasons named.
    expect((await introspect(given.product, await signWithStackKey(claims))).body.active).toBe(true);
  });

  test('introspection without, or with wrong, credentials → 401 with a Basic challenge; no token → 400', async () => {
    const noCredentials = await introspect(undefined, 'x');
    expect(noCredentials.status).toBe(401);
    expect(noCredentials.headers.get('www-authenticate')).toBe('Basic realm="support-access"');
    expect((await introspect({ ...given.product, secret: 'wrong' }, 'x')).status).toBe(401);
    expect((await introspect({ clientId: 'nobody', secret: 'x' }, 'x')).status).toBe(401);
    const missing = await productCall(given.product, '/oauth/introspect', {});
    expect(missing.status).toBe(400);
    expect(missing.body.field).toBe('token');
  });

  test('revoking the grant makes introspection inactive at once', async () => {
    const grantId = await grantAs(admin);
    const { token } = (await startSession(alex, given.org.orgId, grantId)).body;
    expect((await introspect(given.product, token)).body.active).toBe(true);
    expect((await admin.post(`/grants/${grantId}/revoke`, {})).status).toBe(303);
    expect((await introspect(given.product, token)).body).toEqual({ active: false });
  });

  test('a thirty-second grant: introspection is active until the millisecond before its expiry and inactive from it', async () => {
    const grantId = await grantAs(admin, { durationHours: String(30 / 3600) });
    const started = await startSession(alex, given.org.orgId, grantId);
    const exp = claimsOf(started.body.token).exp!;
    expect((await introspect(given.product, started.body.token)).body.active).toBe(true);
    await stackClock.set(new Date(exp * 1000 - 1));
    expect((await introspect(given.product, started.body.token)).body.active).toBe(true);
    await stackClock.set(new Date(exp * 1000));
    expect((await introspect(given.product, started.body.token)).body).toEqual({ active: false });
  });

  test('the customer sees who is logged in as them and ends it; the agent’s token goes inactive', async () => {
    const grantId = await grantAs(admin);
    const started = await startSession(alex, given.org.orgId, grantId);
    const dashboard = await admin.get('/');
    expect(dashboard.html).toContain(`data-session="${started.body.sessionId}"`);
    expect(dashboard.html).toContain(ALEX);

    const ended = await admin.post(`/sessions/${started.body.sessionId}/end`, {});
    expect(ended.status).toBe(303);
    expect(ended.location).toBe('/?done=session-ended');
    expect((await admin.get('/')).html).not.toContain(`data-session="${started.body.sessionId}"`);
    expect((await introspect(given.product, started.body.token)).body).toEqual({ active: false });
    const audit = (await orgItems(given.org.orgId)).filter((i) => i.action === 'session.ended');
    expect(audit.at(-1)).toMatchObject({ actor: { type: 'user', email: given.admin.email }, target: { id: started.body.sessionId } });
    const again = await alex.call('DELETE', `/support/sessions/${started.body.sessionId}`);
    expect(again.status).toBe(409);
    expect(again.body.title).toBe('session_ended');
  });

  test('the agent ends their own session; another agent may not; unknown → 404; no token → 401', async () => {
    const grantId = await grantAs(admin);
    const started = await startSession(alex, given.org.orgId, grantId);
    const path = `/support/sessions/${started.body.sessionId}`;
    const stranger = await bea.call('DELETE', path);
    expect(stranger.status).toBe(403);
    expect(stranger.body.title).toBe('not_your_session');
    expect((await anonymous('DELETE', path)).status).toBe(401);
    expect((await alex.call('DELETE', '/support/sessions/nope')).status).toBe(404);
    expect((await introspect(given.product, started.body.token)).body.active).toBe(true);

    const ended = await alex.call('DELETE', path);
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ sessionId: started.body.sessionId, status: 'ended' });
    expect((await introspect(given.product, started.body.token)).body).toEqual({ active: false });
  });

  test('portal refusals for ending a session: another org → 404, a user not acted as → 403, no CSRF → 403, no session → 401', async () => {
    const grantId = await grantAs(admin);
    const { sessionId, token } = (await startSession(alex, given.org.orgId, grantId)).body;
    const outsider = await PortalClient.signIn((await givenOrg()).admin.email);
    expect((await outsider.post(`/sessions/${sessionId}/end`, {})).status).toBe(404);
    const user = await PortalClient.signIn(given.user.email);
    expect((await user.get('/')).html).not.toContain(`data-session="${sessionId}"`);
    const notTheirs = await user.post(`/sessions/${sessionId}/end`, {});
    expect(notTheirs.status).toBe(403);
    expect((await admin.post(`/sessions/${sessionId}/end`, {}, { csrf: null })).status).toBe(403);
    const anon = await anonymous('POST', `/sessions/${sessionId}/end`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(anon.status).toBe(401);
    expect((await introspect(given.product, token)).body.active).toBe(true);
  });
});

describe('scope: write only under an approved change request; activity reports', () => {
  let given: GivenOrg;
  let alex: AgentClient;
  let caseId: string;
  let grantId: string;

  beforeAll(async () => {
    given = await givenOrg({}, { remoteAccessPolicy: 'all_cases', supportProfile: { level: 'manage', workspaces: 'all' } });
    alex = await AgentClient.signIn(ALEX);
    const user = await PortalClient.signIn(given.user.email);
    caseId = /\/cases\/([^?]+)/.exec((await user.post('/cases', { subject: 'Fix the tax rate' })).location!)![1]!;
    grantId = (await alex.call('POST', `/support/orgs/${given.org.orgId}/cases/${caseId}/activate`, {})).body.grantId;
  });

  test('before approval, write is refused with the reason; other scopes never exist', async () => {
    const res = await startSession(alex, given.org.orgId, grantId, { caseId, scope: 'read write users:manage' });
    expect(res.status).toBe(201);
    expect(res.body.scope).toBe('read');
    expect(res.body.refusedScopes.write).toContain('no approved change request');
    expect(res.body.refusedScopes['users:manage']).toContain('never');
    expect(claimsOf(res.body.token).scope).toBe('read');
  });

  test('a change request → emailed link → a comment is required → approved → sessions get write', async () => {
    const orgId = given.org.orgId;
    const security = `security@${orgId}.test`;
    const missing = await alex.call('POST', `/support/orgs/${orgId}/cases/${caseId}/change-requests`, {});
    expect(missing.status).toBe(400);
    expect(missing.body.field).toBe('description');

    const until = new Date(Date.now() + 3_600_000).toISOString();
    const asked = await alex.call('POST', `/support/orgs/${orgId}/cases/${caseId}/change-requests`, { description: 'Set the VAT rate of product 12 to 19%', grantId, until });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ kind: 'change', status: 'pending', askedOf: [security] });
    const mail = await eventually('the change-approval email', async () => (await emailsTo(security)).find((e) => e.subject.includes('asks to change')));
    expect(mail.body.text).toContain('Set the VAT rate of product 12 to 19%');
    const link = /https?:\/\/[^\s]+(\/approvals\/[A-Za-z0-9_-]+)/.exec(mail.body.text!)![1]!;

    // The authorized contact signs in (an admin here) and must write a comment
    const approver = await PortalClient.signIn(given.admin.email);
    const page = await approver.get(link);
    expect(page.html).toContain('Support asks to make a change');
    const before = await orgItems(orgId);
    const noComment = await approver.post(link, { decision: 'approve', comment: ' ' });
    expect(noComment.status).toBe(400);
    expect(noComment.html).toContain('A comment is required');
    expect(await orgItems(orgId)).toEqual(before);

    const approved = await approver.post(link, { decision: 'approve', comment: 'Approved in writing: rate 19% from today' });
    expect(approved.status).toBe(200);
    const audit = (await orgItems(orgId)).find((i) => i.action === 'change.approved_by');
    expect(audit).toMatchObject({ caseId, justification: 'Approved in writing: rate 19% from today', actor: { email: given.admin.email } });
    await eventually('the agent’s decision email', async () => (await emailsTo(ALEX)).find((e) => e.subject.startsWith('Change request for case "Fix the tax rate" was approved')));

    const writing = await startSession(alex, orgId, grantId, { caseId, scope: 'read write' });
    expect(writing.body.scope).toBe('read write');
    expect(writing.body.refusedScopes).toBeUndefined();
    expect((await introspect(given.product, writing.body.token)).body.scope).toBe('read write');
    // Without naming the case, no write
    expect((await startSession(alex, orgId, grantId, { scope: 'read write' })).body.scope).toBe('read');
  });

  test('a monitor-level grant never writes, even with an approved change', async () => {
    const monitor = await givenOrg({}, { remoteAccessPolicy: 'all_cases', supportProfile: { level: 'monitor', workspaces: 'all' } });
    const user = await PortalClient.signIn(monitor.user.email);
    const c = /\/cases\/([^?]+)/.exec((await user.post('/cases', { subject: 'Look only' })).location!)![1]!;
    const g = (await alex.call('POST', `/support/orgs/${monitor.org.orgId}/cases/${c}/activate`, {})).body.grantId;
    const res = await startSession(alex, monitor.org.orgId, g, { caseId: c, scope: 'write' });
    expect(res.body.scope).toBe('read');
    expect(res.body.refusedScopes.write).toContain('monitor level');
  });

  test('a session on someone else’s case grant → 403; on a case not linked to the grant → 403', async () => {
    const bea = await AgentClient.signIn(BEA);
    const before = await orgItems(given.org.orgId);
    const res = await startSession(bea, given.org.orgId, grantId, { caseId });
    expect(res.status).toBe(403);
    expect(res.body.title).toBe('not_personnel');
    expect(await orgItems(given.org.orgId)).toEqual(before);
    const user = await PortalClient.signIn(given.user.email);
    const other = /\/cases\/([^?]+)/.exec((await user.post('/cases', { subject: 'Unlinked' })).location!)![1]!;
    const after = await orgItems(given.org.orgId);
    const unlinked = await startSession(alex, given.org.orgId, grantId, { caseId: other });
    expect(unlinked.status).toBe(403);
    expect(unlinked.body.title).toBe('case_not_linked');
    expect(await orgItems(given.org.orgId)).toEqual(after);
  });

  test('activity is recorded with agent, user acted as, case and justification; not for an ended session', async () => {
    const orgId = given.org.orgId;
    const started = await startSession(alex, orgId, grantId, { caseId, justification: 'Apply the approved rate' });
    const recorded = await productCall(given.product, '/activity', { token: started.body.token, action: 'invoice.updated', resource: 'invoice/981' });
    expect(recorded.status).toBe(201);
    const event = (await orgItems(orgId)).filter((i) => i.action === 'support.activity').at(-1);
    expect(event).toMatchObject({
      actor: { type: 'agent', email: ALEX, actingAs: `support-profile:${orgId}` },
      target: { type: 'resource', id: 'invoice/981' },
      caseId,
      justification: 'Apply the approved rate',
      after: { action: 'invoice.updated', sessionId: started.body.sessionId },
    });

    const bad = await productCall(given.product, '/activity', { token: started.body.token, resource: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('action');
    expect((await productCall(undefined, '/activity', { token: started.body.token, action: 'a', resource: 'r' })).status).toBe(401);
    const other = await givenOrg();
    expect((await productCall(other.product, '/activity', { token: started.body.token, action: 'a', resource: 'r' })).status).toBe(403);
    expect((await productCall(given.product, '/activity', { token: tamper(started.body.token), action: 'a', resource: 'r' })).status).toBe(401);

    await alex.call('DELETE', `/support/sessions/${started.body.sessionId}`);
    const before = await orgItems(orgId);
    const late = await productCall(given.product, '/activity', { token: started.body.token, action: 'invoice.updated', resource: 'invoice/982' });
    expect(late.status).toBe(403);
    expect(late.body.title).toBe('session_not_active');
    expect(await orgItems(orgId)).toEqual(before);
  });
});
