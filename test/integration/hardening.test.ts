import { CookieJar, jarFetch, signInThrough } from '../../infra/local/oidc-login';
import { DEMO_PASSWORD } from '../../infra/local/layout';
import { AgentClient, PortalClient, anonymous } from '../support/clients';
import { givenOrg, layout, orgItems, type GivenOrg, uniqueAgent } from '../support/fixtures';

const ALEX = uniqueAgent('alex');

const base = layout.urls.portal;

/** Signs in starting from `/login?returnTo=…` and returns where the portal finally sends the browser. */
async function signInReturningTo(email: string, returnTo: string): Promise<string | null> {
  const jar = new CookieJar();
  const start = await jarFetch(jar, `${base}/login?returnTo=${returnTo}`);
  const callback = await signInThrough(jar, start.headers.get('location')!, `${base}/auth/callback`, email, DEMO_PASSWORD);
  return (await jarFetch(jar, callback)).headers.get('location');
}

/** Findings of the adversarial run (everything else in it held). */
describe('hardening: sign-out, redirects, input and headers', () => {
  let given: GivenOrg;
  let admin: PortalClient;

  beforeAll(async () => {
    given = await givenOrg();
    admin = await PortalClient.signIn(given.admin.email);
  });

  test('a signed-out cookie is refused at once', async () => {
    // Prepare: a second sign-in whose cookie we keep
    const session = await PortalClient.signIn(given.admin.email);
    const cookie = session.jar.header(base);
    expect((await session.get('/')).status).toBe(200);
    // Act
    expect((await session.post('/logout', {})).status).toBe(200);
    // Assess: the old cookie, replayed, no longer opens the portal
    const replayed = await fetch(`${base}/`, { headers: { cookie }, redirect: 'manual' });
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toMatch(/^\/login/);
  });

  test.each(['/%5Cevil.example/x', '/%09/evil.example/x', '//evil.example/x', 'https://evil.example/', 'javascript:alert(1)'])(
    'returnTo=%s ends on the portal, never off-site',
    async (returnTo) => {
      const location = await signInReturningTo(given.admin.email, returnTo);
      expect(location).toBe('/');
    },
  );

  test('a safe returnTo is kept', async () => {
    expect(await signInReturningTo(given.admin.email, encodeURIComponent('/cases?x=1'))).toBe('/cases?x=1');
  });

  test('a case subject with a line break is refused naming the field, and nothing is written', async () => {
    const before = await orgItems(given.org.orgId);
    const res = await admin.post('/cases', { subject: 'Hello\r\nBcc: attacker@evil.example', description: 'x', environment: 'production' });
    expect(res.status).toBe(400);
    expect(res.html).toContain('id="subject-error"');
    expect(await orgItems(given.org.orgId)).toEqual(before);
  });

  test.each(['0x10', '1e1', '+2', ' 2 ', '2.', 'Infinity', '１'])('durationHours=%s is not a decimal number of hours: 400', async (value) => {
    const before = await orgItems(given.org.orgId);
    const res = await admin.post('/grants', { durationHours: value, level: 'monitor', scope: 'all', environment: 'production' });
    expect(res.status).toBe(400);
    expect(res.html).toContain('id="durationHours-error"');
    expect(await orgItems(given.org.orgId)).toEqual(before);
  });

  test('a malformed percent-encoding in a cookie is ignored, in a path it is a 400 — never a 500', async () => {
    const cookie = await fetch(`${base}/`, { headers: { cookie: 'sa_session=%E0%A4%A' }, redirect: 'manual' });
    expect(cookie.status).toBe(303);
    const path = await anonymous('GET', '/cases/%E0%A4%A');
    expect(path.status).toBe(400);
    const agent = await AgentClient.signIn(ALEX);
    expect((await agent.call('GET', `/support/orgs/${given.org.orgId}/cases/%E0%A4%A`)).status).toBe(400);
  });

  test('every response says nosniff; forms may post only to the portal itself', async () => {
    const page = await jarFetch(admin.jar, `${base}/`);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(page.headers.get('content-security-policy')).not.toMatch(/form-action[^;]*\*/);
    expect((await jarFetch(admin.jar, `${base}/audit/export.csv`)).headers.get('x-content-type-options')).toBe('nosniff');
    expect((await anonymous('GET', '/.well-known/jwks.json')).headers.get('x-content-type-options')).toBe('nosniff');
    const agent = await AgentClient.signIn(ALEX);
    expect((await agent.call('GET', `/support/orgs/${given.org.orgId}/grants`)).headers.get('x-content-type-options')).toBe('nosniff');
  });
});
