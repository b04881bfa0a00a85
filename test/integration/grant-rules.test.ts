import { GRANT_RETENTION_SECONDS } from '../../shared/adapters/dynamodb/items';
import { AgentClient, PortalClient } from '../support/clients';
import { eventually, getItem, givenOrg, layout, orgItems, type GivenOrg, uniqueAgent } from '../support/fixtures';
import { emailsTo } from '../support/mailbox';
import { stackClock } from '../support/clock';
import { atExpression } from '../../shared/adapters/scheduler';

const ALEX = uniqueAgent('alex');

afterEach(() => stackClock.reset());

const newestGrant = async (client: PortalClient): Promise<string> =>
  [...(await client.get('/')).html.matchAll(/data-grant="([^"]+)"/g)].map((m) => m[1]!).sort().at(-1)!;

const grantItem = (orgId: string, grantId: string) => getItem(`ORG#${orgId}`, `GRANT#${grantId}`);

describe('user grants: workspaces, non-admins, impersonation, plans', () => {
  let given: GivenOrg;
  let user: PortalClient;

  beforeAll(async () => {
    given = await givenOrg({}, { allowNonAdminGrants: true });
    user = await PortalClient.signIn(given.user.email);
  });

  test('a non-admin is offered only their own workspaces and levels, and their grant is bounded by them', async () => {
    const form = await user.get('/grants/new');
    expect(form.status).toBe(200);
    expect([...form.html.matchAll(/name="workspaces" value="([^"]+)"/g)].map((m) => m[1])).toEqual(['sales']);
    expect(form.html).not.toContain('value="all"');
    expect([...form.html.matchAll(/<input type="radio" name="(?:level|environment)" value="(\w+)"/g)].map((m) => m[1])).toEqual(['monitor', 'manage', 'production']);

    const res = await user.post('/grants', { durationHours: '2', level: 'manage', scope: 'workspaces', workspaces: 'sales' });
    expect(res.status).toBe(303);
    const stored = await grantItem(given.org.orgId, await newestGrant(user));
    expect(stored).toMatchObject({ workspaces: ['sales'], level: 'manage', actAs: { email: given.user.email } });
  });

  test('durations are offered as presets up to the org maximum, each with its end time; a preset means its hours', async () => {
    const capped = await givenOrg({}, { maxGrantHours: 72 });
    const admin = await PortalClient.signIn(capped.admin.email);
    const form = await admin.get('/grants/new');
    expect([...form.html.matchAll(/name="preset" value="(\w+)"/g)].map((m) => m[1])).toEqual(['4', '24', '72', 'custom']);
    expect(form.html).toMatch(/value="24"[^>]*>\n<span>1 day<span class="hint">ends <time datetime="[^"]+" title="[^"]+ UTC">\w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC<\/time>/);

    expect((await admin.post('/grants', { preset: '24', durationHours: '999', scope: 'all' })).status).toBe(303);
    const stored = await grantItem(capped.org.orgId, await newestGrant(admin));
    expect((Date.parse(stored!.expiresAt as string) - Date.now()) / 3_600_000).toBeCloseTo(24, 1);

    const before = await orgItems(capped.org.orgId);
    for (const preset of ['120', 'forever']) {
      const refused = await admin.post('/grants', { preset, scope: 'all' });
      expect(refused.status).toBe(400);
      expect(refused.html).toContain('<a href="#preset">Choose one of the offered durations or Custom (at most 72 hours).</a>');
    }
    expect(await orgItems(capped.org.orgId)).toEqual(before);
  });

  test('the form says when support already has access as you, and points at changing its end time', async () => {
    const fresh = await givenOrg();
    const admin = await PortalClient.signIn(fresh.admin.email);
    expect((await admin.get('/grants/new')).html).not.toContain('id="existing-grants"');
    expect((await admin.post('/grants', { durationHours: '3', scope: 'all', level: 'monitor' })).status).toBe(303);
    const form = (await admin.get('/grants/new')).html;
    expect(form).toMatch(/<div class="warning" id="existing-grants"><p>Support already has access as you:<\/p><ul><li>monitor, whole account, production — ends <time/);
    expect(form).toContain('<a href="/">change the end time of that grant</a>');
  });

  test.each([
    ['a workspace the granter lacks', { scope: 'workspaces', workspaces: 'finance' }, 403, 'You do not have access to workspace finance'],
    ['an unknown workspace', { scope: 'workspaces', workspaces: 'atlantis' }, 400, 'Unknown workspace: atlantis'],
    ['no workspace chosen', { scope: 'workspaces' }, 400, 'Choose at least one workspace'],
    ['the whole account beyond the granter', { scope: 'all' }, 403, 'You can only grant access to the workspaces you have yourself'],
  ])('%s → %i naming the rule, nothing written', async (_case, fields, status, message) => {
    const before = await orgItems(given.org.orgId);
    const res = await user.post('/grants', { durationHours: '1', level: 'monitor', ...fields });
    expect(res.status).toBe(status);
    expect(res.html).toContain(message);
    expect(await orgItems(given.org.orgId)).toEqual(before);
  });

  test.each([['free'], ['trial']] as const)('a %s-plan org sees why support access is unavailable', async (plan) => {
    const org = await givenOrg({ plan });
    const admin = await PortalClient.signIn(org.admin.email);
    const page = await admin.get('/grants/new');
    expect(page.status).toBe(403);
    expect(page.html).toContain(`Support login access is not available on the ${plan} plan.`);
    expect((await admin.get('/')).html).toContain(`not available on the ${plan} plan`);
  });

  test('where non-admin grants are off, a non-admin is told an admin must grant or enable it', async () => {
    const org = await givenOrg();
    const plainUser = await PortalClient.signIn(org.user.email);
    const page = await plainUser.get('/grants/new');
    expect(page.status).toBe(403);
    expect(page.html).toContain('Only an administrator can grant login access in this organization (or enable grants by non-admins).');
  });

  test('sandbox is offered and accepted when the org has exactly one production and one sandbox', async () => {
    const org = await givenOrg({ environments: ['production', 'sandbox'] });
    const admin = await PortalClient.signIn(org.admin.email);
    expect((await admin.get('/grants/new')).html).toContain('<input type="radio" name="environment" value="sandbox"');
    expect((await admin.post('/grants', { durationHours: '1', environment: 'sandbox' })).status).toBe(303);
    expect(await grantItem(org.org.orgId, await newestGrant(admin))).toMatchObject({ environment: 'sandbox' });
  });
});

describe('extending a grant', () => {
  let given: GivenOrg;
  let admin: PortalClient;

  beforeAll(async () => {
    given = await givenOrg({}, { allowNonAdminGrants: true });
    admin = await PortalClient.signIn(given.admin.email);
  });

  test('the admin extends to N hours from now: expiry, schedule, audit and notice move together', async () => {
    expect((await admin.post('/grants', { durationHours: '1' })).status).toBe(303);
    const grantId = await newestGrant(admin);
    const before = await grantItem(given.org.orgId, grantId);

    const res = await admin.post(`/grants/${grantId}/extend`, { durationHours: '48' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/?done=extended');

    const after = await grantItem(given.org.orgId, grantId);
    expect((Date.parse(after!.expiresAt as string) - Date.now()) / 3_600_000).toBeCloseTo(48, 1);
    expect(after!.ttl).toBe(Math.floor(Date.parse(after!.expiresAt as string) / 1000) + GRANT_RETENTION_SECONDS);
    const schedule = (await (await fetch(`${layout.urls.scheduler}/schedules/grant-${grantId}?groupName=support-access`)).json()) as { ScheduleExpression: string };
    expect(schedule.ScheduleExpression).toBe(atExpression(new Date(after!.expiresAt as string)));
    const audit = (await orgItems(given.org.orgId)).find((i) => i.action === 'grant.extended');
    expect(audit).toMatchObject({ before: { expiresAt: before!.expiresAt }, after: { expiresAt: after!.expiresAt } });
    const mail = await eventually('the "extended" email', async () => (await emailsTo(given.admin.email)).find((e) => e.subject.includes('extended')));
    expect(mail.body.text).toContain(`It now ends later, at ${(after!.expiresAt as string).replace('T', ' ').slice(0, 19)} UTC instead of ${(before!.expiresAt as string).replace('T', ' ').slice(0, 19)} UTC`);
  });

  test('changing the end time to earlier is called shortening in the page, the audit, the notice and the email', async () => {
    expect((await admin.post('/grants', { durationHours: '48' })).status).toBe(303);
    const grantId = await newestGrant(admin);
    const before = await grantItem(given.org.orgId, grantId);

    const res = await admin.post(`/grants/${grantId}/extend`, { durationHours: '2' });
    expect(res.location).toBe('/?done=shortened');
    expect((await admin.get('/?done=shortened')).html).toContain('Login access now ends earlier');

    const after = await grantItem(given.org.orgId, grantId);
    const events = (await orgItems(given.org.orgId)).filter((i) => (i.target as { id?: string } | undefined)?.id === grantId && /^grant\.(extended|shortened)$/.test(i.action as string));
    expect(events.map((e) => e.action)).toEqual(['grant.shortened']);
    expect(events[0]).toMatchObject({ before: { expiresAt: before!.expiresAt }, after: { expiresAt: after!.expiresAt } });
    const mail = await eventually('the "shortened" email', async () => (await emailsTo(given.admin.email)).find((e) => e.subject.includes('shortened')));
    expect(mail.subject).toBe(`Support login access shortened for ${given.org.name}`);
    expect(mail.body.text).toContain(`It now ends earlier, at ${(after!.expiresAt as string).replace('T', ' ').slice(0, 19)} UTC instead of ${(before!.expiresAt as string).replace('T', ' ').slice(0, 19)} UTC.`);
  });

  test('a bad end time stays on the dashboard, in its row, with what was typed; nothing changes', async () => {
    expect((await admin.post('/grants', { durationHours: '3' })).status).toBe(303);
    const grantId = await newestGrant(admin);
    const before = await orgItems(given.org.orgId);
    const res = await admin.post(`/grants/${grantId}/extend`, { durationHours: 'soon' });
    expect(res.status).toBe(400);
    const row = new RegExp(`<tr data-grant="${grantId}">[\\s\\S]*?</tr>`).exec(res.html)![0];
    expect(row).toContain('<details open><summary>Change end time');
    expect(row).toMatch(/<span class="field-error" id="hours-[^"]+-error"><span class="visually-hidden">Error: <\/span>[^<]*plain decimal number/);
    expect(row).toMatch(/value="soon" aria-invalid="true" autofocus/);
    // The page keeps the portal's header: navigation and who you are.
    expect(res.html).toContain('<a href="/">Dashboard</a>');
    expect(res.html).toContain(`(${given.admin.email})`);
    expect(await orgItems(given.org.orgId)).toEqual(before);
  });

  test('the granter (a non-admin) may extend their own grant; another non-admin may not', async () => {
    const user = await PortalClient.signIn(given.user.email);
    expect((await user.post('/grants', { durationHours: '1', scope: 'workspaces', workspaces: 'sales' })).status).toBe(303);
    const grantId = await newestGrant(user);
    expect((await user.post(`/grants/${grantId}/extend`, { durationHours: '3' })).status).toBe(303);

    const other = await givenOrg({}, { allowNonAdminGrants: true });
    const adminGrant = await (async () => {
      const otherAdmin = await PortalClient.signIn(other.admin.email);
      await otherAdmin.post('/grants', { durationHours: '1' });
      return newestGrant(otherAdmin);
    })();
    const otherUser = await PortalClient.signIn(other.user.email);
    const before = await orgItems(other.org.orgId);
    const res = await otherUser.post(`/grants/${adminGrant}/extend`, { durationHours: '3' });
    expect(res.status).toBe(403);
    expect(res.html).toContain('Only the person who granted this access or an administrator can change it.');
    expect(await orgItems(other.org.orgId)).toEqual(before);
  });

  test('past the cap, a revoked grant, an expired grant → clear 4xx, nothing written', async () => {
    expect((await admin.post('/grants', { durationHours: '1' })).status).toBe(303);
    const grantId = await newestGrant(admin);
    let before = await orgItems(given.org.orgId);
    const tooLong = await admin.post(`/grants/${grantId}/extend`, { durationHours: '337' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.html).toContain('at most 336 hours');
    expect(await orgItems(given.org.orgId)).toEqual(before);

    await admin.post(`/grants/${grantId}/revoke`, {});
    before = await orgItems(given.org.orgId);
    const revoked = await admin.post(`/grants/${grantId}/extend`, { durationHours: '2' });
    expect(revoked.status).toBe(403);
    expect(revoked.html).toContain(`Grant ${grantId} is revoked`);
    expect(await orgItems(given.org.orgId)).toEqual(before);

    expect((await admin.post('/grants', { durationHours: String(1 / 3600) })).status).toBe(303);
    const shortId = await newestGrant(admin);
    // Past the expiry and the minute its schedule fires in
    await stackClock.advance(2 * 60_000);
    expect(await grantItem(given.org.orgId, shortId)).toMatchObject({ status: 'expired' });
    before = await orgItems(given.org.orgId);
    const expired = await admin.post(`/grants/${shortId}/extend`, { durationHours: '2' });
    expect(expired.status).toBe(403);
    expect(expired.html).toContain(`Grant ${shortId} is expired`);
    expect(await orgItems(given.org.orgId)).toEqual(before);
  });
});

describe('the access-decision API and overlapping grants', () => {
  let given: GivenOrg;
  let agent: AgentClient;

  beforeAll(async () => {
    given = await givenOrg({}, { allowNonAdminGrants: true });
    agent = await AgentClient.signIn(ALEX);
  });

  const ask = (query: string, orgId = given.org.orgId) => agent.call('GET', `/support/orgs/${orgId}/access?${query}`);

  test('two overlapping grants are independent: ending either leaves the access the other gives', async () => {
    expect((await ask('level=monitor&workspace=sales')).body).toMatchObject({ allowed: false, reason: 'no_active_grant' });
    const admin = await PortalClient.signIn(given.admin.email);
    const user = await PortalClient.signIn(given.user.email);
    await admin.post('/grants', { durationHours: '3', level: 'admin' });
    const wide = await newestGrant(admin);
    await user.post('/grants', { durationHours: '2', level: 'manage', scope: 'workspaces', workspaces: 'sales' });
    const narrow = await newestGrant(user);

    const both = await ask('level=manage&workspace=sales');
    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({ allowed: true, grantId: wide, level: 'admin' });

    await admin.post(`/grants/${wide}/revoke`, {});
    expect((await ask('level=manage&workspace=sales')).body).toMatchObject({ allowed: true, grantId: narrow });
    expect((await ask('level=admin&workspace=sales')).body).toMatchObject({ allowed: false, reason: 'level_not_granted' });
    expect((await ask('level=monitor&workspace=finance')).body).toMatchObject({ allowed: false, reason: 'workspace_not_granted' });
    expect((await ask('level=monitor&workspace=sales&environment=sandbox')).body).toMatchObject({ allowed: false, reason: 'environment_not_granted' });
    const session = await agent.call('POST', `/support/orgs/${given.org.orgId}/grants/${narrow}/sessions`, { justification: 'still allowed' });
    expect(session.status).toBe(201);

    await user.post(`/grants/${narrow}/revoke`, {});
    expect((await ask('level=monitor&workspace=sales')).body).toMatchObject({ allowed: false, reason: 'no_active_grant' });
  });

  test('bad questions → 400 naming the field; unknown org → 404; another org’s grants never answer', async () => {
    expect((await ask('workspace=sales')).body).toMatchObject({ status: 400, field: 'level' });
    expect((await ask('level=manage&environment=staging')).body).toMatchObject({ status: 400, field: 'environment' });
    expect((await ask('level=manage', 'no-such-org')).status).toBe(404);
    const other = await givenOrg();
    const otherAdmin = await PortalClient.signIn(other.admin.email);
    await otherAdmin.post('/grants', { durationHours: '1' });
    expect((await ask('level=monitor&workspace=sales')).body).toMatchObject({ allowed: false, reason: 'no_active_grant' });
  });

  test('no token → 401', async () => {
    const res = await fetch(`${layout.urls.portal}/support/orgs/${given.org.orgId}/access?level=monitor`);
    expect(res.status).toBe(401);
  });
});
