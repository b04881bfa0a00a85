import { SignJWT, decodeJwt, generateKeyPair } from 'jose';
import { AgentClient, PortalClient, anonymous } from '../support/clients';
import { givenOrg, orgItems, layout, type GivenOrg, uniqueAgent } from '../support/fixtures';
import { authorization, codeFrom, discover, type ClientSettings } from '../../infra/support-cli/oidc-client';
import { localStaffClient } from '../../infra/local/token';
import { CookieJar, signInThrough } from '../../infra/local/oidc-login';
import { CUSTOMER_CLIENT_ID, DEMO_PASSWORD } from '../../infra/local/layout';

const BEA = uniqueAgent('bea');

/** Signs someone in at an issuer and returns the whole token response (ID and access token). */
async function tokenResponse(client: ClientSettings, email: string): Promise<{ id_token: string; access_token: string }> {
  const endpoints = await discover(client.issuer);
  const attempt = authorization(endpoints, client);
  const code = codeFrom(new URL(await signInThrough(new CookieJar(), attempt.url, client.redirectUri, email, DEMO_PASSWORD)), attempt.state);
  const res = await fetch(endpoints.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, client_id: client.clientId, code_verifier: attempt.verifier }),
  });
  return (await res.json()) as { id_token: string; access_token: string };
}

/** Grants a short-lived grant as `client` and returns its id, read back from the dashboard. */
async function grantAs(client: PortalClient, hours = '1'): Promise<string> {
  const res = await client.post('/grants', { durationHours: hours });
  expect(res.status).toBe(303);
  const ids = [...(await client.get('/')).html.matchAll(/data-grant="([^"]+)"/g)].map((m) => m[1]!);
  return ids.sort().at(-1)!;
}

describe('portal refusals: status, message, and nothing written', () => {
  let acme: GivenOrg;
  let admin: PortalClient;

  beforeAll(async () => {
    acme = await givenOrg();
    admin = await PortalClient.signIn(acme.admin.email);
  });

  test.each([
    ['missing', '', 'Duration is required'],
    ['zero', '0', 'at least 1 second.'],
    ['negative', '-4', 'must be a plain decimal number'],
    ['not a number', 'soon', 'must be a plain decimal number'],
    ['over the cap', '337', 'at most 336 hours'],
  ])('duration %s → the form again with the field error (400)', async (_case, value, message) => {
    const before = await orgItems(acme.org.orgId);
    const res = await admin.post('/grants', { durationHours: value });
    expect(res.status).toBe(400);
    expect(res.html).toContain('id="durationHours-error"');
    expect(res.html).toContain(message);
    expect(res.html).toContain(`value="${value}"`);
    expect(await orgItems(acme.org.orgId)).toEqual(before);
  });

  test('a level above the granter’s own → 403 naming the rule', async () => {
    const open = await givenOrg({}, { allowNonAdminGrants: true });
    const nonAdmin = await PortalClient.signIn(open.user.email);
    const before = await orgItems(open.org.orgId);
    const res = await nonAdmin.post('/grants', { durationHours: '1', level: 'admin' });
    expect(res.status).toBe(403);
    expect(res.html).toContain('at most your own level (manage)');
    expect(await orgItems(open.org.orgId)).toEqual(before);
  });

  test('a non-admin when the org does not allow non-admin grants → 403', async () => {
    const user = await PortalClient.signIn(acme.user.email);
    const before = await orgItems(acme.org.orgId);
    const res = await user.post('/grants', { durationHours: '1' });
    expect(res.status).toBe(403);
    expect(res.html).toContain('Only an administrator can grant login access');
    expect(await orgItems(acme.org.orgId)).toEqual(before);
  });

  test('a free-plan org → 403 saying support access is not on its plan', async () => {
    const free = await givenOrg({ plan: 'free' });
    const client = await PortalClient.signIn(free.admin.email);
    const before = await orgItems(free.org.orgId);
    const res = await client.post('/grants', { durationHours: '1' });
    expect(res.status).toBe(403);
    expect(res.html).toContain('not available on the free plan');
    expect(await orgItems(free.org.orgId)).toEqual(before);
  });

  test('sandbox when the org has only production → 403', async () => {
    const before = await orgItems(acme.org.orgId);
    const res = await admin.post('/grants', { durationHours: '1', environment: 'sandbox' });
    expect(res.status).toBe(403);
    expect(res.html).toContain('Sandbox access is only possible');
    expect(await orgItems(acme.org.orgId)).toEqual(before);
  });

  test('an unknown grant → 404', async () => {
    const before = await orgItems(acme.org.orgId);
    const res = await admin.post('/grants/nope/revoke', {});
    expect(res.status).toBe(404);
    expect(res.html).toContain('No grant nope here.');
    expect(await orgItems(acme.org.orgId)).toEqual(before);
  });

  test('a non-admin revoking another user’s grant → 403', async () => {
    const grantId = await grantAs(admin);
    const user = await PortalClient.signIn(acme.user.email);
    const before = await orgItems(acme.org.orgId);
    const res = await user.post(`/grants/${grantId}/revoke`, {});
    expect(res.status).toBe(403);
    expect(res.html).toContain('Only the person who granted this access or an administrator');
    expect(await orgItems(acme.org.orgId)).toEqual(before);
  });

  test('a grant of another org → 404, never revealed or changed', async () => {
    const grantId = await grantAs(admin);
    const other = await givenOrg();
    const outsider = await PortalClient.signIn(other.admin.email);
    const before = await orgItems(acme.org.orgId);
    const res = await outsider.post(`/grants/${grantId}/revoke`, {});
    expect(res.status).toBe(404);
    expect(await orgItems(acme.org.orgId)).toEqual(before);
    expect((await outsider.get('/')).html).not.toContain(grantId);
  });

  test('revoking twice → 403 saying it is already revoked', async () => {
    const grantId = await grantAs(admin);
    expect((await admin.post(`/grants/${grantId}/revoke`, {})).status).toBe(303);
    const before = await orgItems(acme.org.orgId);
    const res = await admin.post(`/grants/${grantId}/revoke`, {});
    expect(res.status).toBe(403);
    expect(res.html).toContain('is revoked');
    expect(await orgItems(acme.org.orgId)).toEqual(before);
  });

  test('a POST without the CSRF token → 403, nothing written', async () => {
    const before = await orgItems(acme.org.orgId);
    const res = await admin.post('/grants', { durationHours: '1' }, { csrf: null });
    expect(res.status).toBe(403);
    expect(res.html).toContain('Reload the page');
    expect(await orgItems(acme.org.orgId)).toEqual(before);
  });

  test('no session → GET redirects to sign-in, POST is refused (401)', async () => {
    const before = await orgItems(acme.org.orgId);
    const get = await anonymous('GET', '/grants/new');
    expect(get.status).toBe(303);
    expect(get.headers.get('location')).toBe('/login?returnTo=%2Fgrants%2Fnew');
    const post = await anonymous('POST', '/grants', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'durationHours=1' });
    expect(post.status).toBe(401);
    expect(await orgItems(acme.org.orgId)).toEqual(before);
  });

  test('a tampered session cookie is no session', async () => {
    const res = await anonymous('GET', '/', { headers: { cookie: 'sa_session=eyJlbWFpbCI6ImFkbWluQGFjbWUudGVzdCJ9.forged' } });
    expect(res.status).toBe(303);
  });
});

describe('support API refusals', () => {
  let acme: GivenOrg;
  let agent: AgentClient;
  let grantId: string;

  beforeAll(async () => {
    acme = await givenOrg();
    agent = await AgentClient.signIn(BEA);
    grantId = await grantAs(await PortalClient.signIn(acme.admin.email));
  });

  test('no token, a garbage token, or a token from another issuer → 401', async () => {
    const path = `/support/orgs/${acme.org.orgId}/grants`;
    expect((await anonymous('GET', path)).status).toBe(401);
    expect((await anonymous('GET', path, { headers: { authorization: 'Bearer not.a.jwt' } })).status).toBe(401);
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ email: 'mallory@vendor.test' })
      .setProtectedHeader({ alg: 'RS256', kid: 'staff-1' })
      .setIssuer(layout.urls.staffIssuer)
      .setAudience('support-cli')
      .setSubject('staff-mallory@vendor.test')
      .setExpirationTime('5m')
      .sign(privateKey);
    const res = await anonymous('GET', path, { headers: { authorization: `Bearer ${forged}` } });
    expect(res.status).toBe(401);
  });

  test('only an access token carrying the staff scope passes: the ID token of the same sign-in is 403', async () => {
    const path = `/support/orgs/${acme.org.orgId}/grants`;
    const tokens = await tokenResponse(localStaffClient(layout), BEA);
    // The access token is shaped like the staff pool's: the scope, the email claim, the client.
    expect(decodeJwt(tokens.access_token)).toMatchObject({ scope: layout.stage.staffScope, [layout.stage.staffEmailClaim]: BEA, client_id: 'support-cli', token_use: 'access' });
    expect((await anonymous('GET', path, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(200);
    // Same issuer, same client, valid signature — but no scope: refused like API Gateway refuses it.
    expect(decodeJwt(tokens.id_token)).not.toHaveProperty('scope');
    expect((await anonymous('GET', path, { headers: { authorization: `Bearer ${tokens.id_token}` } })).status).toBe(403);
    // API Gateway takes the bare token as well as "Bearer <token>".
    expect((await anonymous('GET', path, { headers: { authorization: tokens.access_token } })).status).toBe(200);
  });

  test('a customer user\'s token (the customer issuer) is 401 on the support API', async () => {
    const customer = { issuer: layout.urls.customerIssuer, clientId: CUSTOMER_CLIENT_ID, redirectUri: `${layout.urls.portal}/auth/callback`, scope: '' };
    const tokens = await tokenResponse(customer, acme.admin.email);
    expect(decodeJwt(tokens.id_token)).toMatchObject({ email: acme.admin.email });
    const res = await anonymous('GET', `/support/orgs/${acme.org.orgId}/grants`, { headers: { authorization: `Bearer ${tokens.id_token}` } });
    expect(res.status).toBe(401);
  });

  test('malformed JSON or a wrong content type → 400 problem+json, nothing written', async () => {
    const path = `/support/orgs/${acme.org.orgId}/grants/${grantId}/sessions`;
    const before = await orgItems(acme.org.orgId);
    const malformed = await agent.call('POST', path, '{"justification":', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toBe('application/problem+json');
    expect(malformed.body).toMatchObject({ title: 'malformed_json', field: 'body' });
    const wrongType = await agent.call('POST', path, 'justification=x', { 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ title: 'unsupported_content_type' });
    const noReason = await agent.call('POST', path, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ field: 'justification' });
    expect(await orgItems(acme.org.orgId)).toEqual(before);
  });

  test('an unknown grant → 404; a grant of another org under this org’s path → 404', async () => {
    const other = await givenOrg();
    const before = await orgItems(acme.org.orgId);
    const unknown = await agent.call('POST', `/support/orgs/${acme.org.orgId}/grants/nope/sessions`, { justification: 'x' });
    expect(unknown.status).toBe(404);
    const crossOrg = await agent.call('POST', `/support/orgs/${other.org.orgId}/grants/${grantId}/sessions`, { justification: 'x' });
    expect(crossOrg.status).toBe(404);
    const listed = await agent.call('GET', `/support/orgs/${other.org.orgId}/grants`);
    expect(listed.body.grants).toEqual([]);
    expect(await orgItems(acme.org.orgId)).toEqual(before);
  });

  test('an unknown org → 404; an unsupported status filter → 400', async () => {
    expect((await agent.call('GET', '/support/orgs/no-such-org/grants')).status).toBe(404);
    const bad = await agent.call('GET', `/support/orgs/${acme.org.orgId}/grants?status=everything`);
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('status');
  });

  test('a request body over 10 MB → 413 from the gateway', async () => {
    const res = await agent.call('POST', `/support/orgs/${acme.org.orgId}/grants/${grantId}/sessions`, 'x'.repeat(10 * 1024 * 1024 + 1), {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(413);
  });
});
