import { PortalClient } from '../support/clients';
import { givenOrg } from '../support/fixtures';

const titleOf = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1];

/** A refusal says what happened and what to do next, and keeps the navigation and who you are. */
describe('refusal pages', () => {
  test('a user opening settings: "Administrators only", what to do, the header kept', async () => {
    const given = await givenOrg();
    const user = await PortalClient.signIn(given.user.email);
    const res = await user.get('/settings');
    expect(res.status).toBe(403);
    expect(titleOf(res.html)).toBe('Administrators only');
    expect(res.html).toContain('<p class="next">Ask an administrator of your organization to do this for you.</p>');
    expect(res.html).toContain('<a href="/">Dashboard</a>');
    expect(res.html).toContain(`(${given.user.email})`);
  });

  test('a free-plan org: "Not available on your plan" and how to get it', async () => {
    const given = await givenOrg({ plan: 'free' });
    const admin = await PortalClient.signIn(given.admin.email);
    const res = await admin.get('/grants/new');
    expect(res.status).toBe(403);
    expect(titleOf(res.html)).toBe('Not available on your plan');
    expect(res.html).toContain('comes with the paid plan');
    expect(res.html).toContain(`(${given.admin.email})`);
  });

  test('an expired form (no CSRF token): "This form has expired", with the way on', async () => {
    const given = await givenOrg();
    const admin = await PortalClient.signIn(given.admin.email);
    const res = await admin.post('/settings', { remoteAccessPolicy: 'never' }, { csrf: null });
    expect(res.status).toBe(403);
    expect(titleOf(res.html)).toBe('This form has expired');
    expect(res.html).toContain('reload the page');
  });

  test('an unknown grant: "Not found", still signed in', async () => {
    const given = await givenOrg();
    const admin = await PortalClient.signIn(given.admin.email);
    const res = await admin.post('/grants/nope/revoke', {});
    expect(res.status).toBe(404);
    expect(titleOf(res.html)).toBe('Not found');
    expect(res.html).toContain('<a href="/">Dashboard</a>');
  });

  test('a free-plan case form does not offer "Allowed": it says why and which plan allows it', async () => {
    const given = await givenOrg({ plan: 'free' });
    const admin = await PortalClient.signIn(given.admin.email);
    const form = await admin.get('/cases/new');
    expect(form.status).toBe(200);
    expect(form.html).not.toContain('value="allowed"');
    expect(form.html).toMatch(/<p class="muted" id="remote-access-locked">Remote access for support is not available on the free plan; it comes with the paid plan\./);
  });
});
