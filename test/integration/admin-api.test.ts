import { readFileSync } from 'node:fs';
import { AgentClient, PortalClient, adminCall, anonymous, introspect } from '../support/clients';
import { eventually, getItem, orgItems, schedules, uniqueId, uniqueAgent } from '../support/fixtures';
import { emailsTo } from '../support/mailbox';
import { verifyChain, type AuditEvent } from '../../shared/domain/audit';

const ALEX = uniqueAgent('alex');

/** A fresh org made the way a platform admin makes one. */
async function createOrg(fields: Record<string, unknown> = {}) {
  const slug = uniqueId('co');
  const res = await adminCall('POST', '/admin/orgs', { name: `Corp ${slug}`, plan: 'paid', environments: ['production', 'sandbox'], firstAdminEmail: `admin@${slug}.test`, ...fields });
  expect(res.status).toBe(201);
  return res.body as { org: { orgId: string; name: string }; firstAdmin: { email: string }; productCredentials: { clientId: string; clientSecret: string } };
}

/** The first admin grants login access from the portal; returns the grant id. */
async function grantFrom(admin: PortalClient, environment = 'production'): Promise<string> {
  const before = new Set([...(await admin.get('/')).html.matchAll(/data-grant="([^"]+)"/g)].map((m) => m[1]));
  expect((await admin.post('/grants', { durationHours: '48', level: 'manage', environment })).status).toBe(303);
  return [...(await admin.get('/')).html.matchAll(/data-grant="([^"]+)"/g)].map((m) => m[1]!).find((id) => !before.has(id))!;
}

const listedNames = async () => ((await adminCall('GET', '/admin/orgs')).body.orgs as { name: string }[]).map((o) => o.name);

describe('admin API: org provisioning behind IAM (SigV4) authorization', () => {
  test('create: the org, its first admin (who can sign in) and product credentials that work, shown once; a welcome email; audited', async () => {
    const created = await createOrg({ workspaces: ['finance', 'ops'] });
    const { orgId } = created.org;
    expect(created.org).toMatchObject({ plan: 'paid', environments: ['production', 'sandbox'], workspaces: ['finance', 'ops'], status: 'active' });
    expect(created.productCredentials.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const stored = await getItem(`CLIENT#${created.productCredentials.clientId}`, 'CLIENT');
    expect(stored).toMatchObject({ orgId, secretHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(stored)).not.toContain(created.productCredentials.clientSecret);
    const product = { clientId: created.productCredentials.clientId, secret: created.productCredentials.clientSecret };
    expect((await introspect(product, 'not-a-token')).status).toBe(200);
    expect((await introspect({ ...product, secret: 'wrong' }, 'not-a-token')).status).toBe(401);

    expect((await adminCall('GET', `/admin/orgs/${orgId}`)).body.org).not.toHaveProperty('productCredentials');
    expect(await listedNames()).toContain(created.org.name);

    const admin = await PortalClient.signIn(created.firstAdmin.email);
    expect((await admin.get('/settings')).status).toBe(200);
    const welcome = await eventually('the welcome email', async () => (await emailsTo(created.firstAdmin.email)).find((e) => e.subject.includes('ready')));
    expect(welcome.subject).toBe(`Support Access is ready for ${created.org.name}`);

    const audit = (await orgItems(orgId)).filter((i) => i.type === 'audit').map((i) => [i.action, (i.actor as { type: string; id: string }).id]);
    expect(audit).toEqual([
      ['org.created', 'arn:aws:iam::000000000000:user/local-platform-admin'],
      ['user.added', 'arn:aws:iam::000000000000:user/local-platform-admin'],
      ['product_credentials.issued', 'arn:aws:iam::000000000000:user/local-platform-admin'],
      ['user.signed_in', created.firstAdmin.email],
    ]);
  });

  test('unsigned, wrongly signed, tampered and stale requests are refused with 403 and change nothing', async () => {
    const name = `Corp ${uniqueId('unsigned')}`;
    const body = { name, plan: 'paid', environments: ['production'], firstAdminEmail: `a@${uniqueId('x')}.test` };
    const unsigned = await anonymous('POST', '/admin/orgs', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toEqual({ message: 'Missing Authentication Token' });
    expect((await adminCall('POST', '/admin/orgs', body, { credentials: { accessKeyId: 'AKIALOCALPLATFORMADMIN', secretAccessKey: 'guessed' } })).status).toBe(403);
    expect((await adminCall('POST', '/admin/orgs', body, { credentials: { accessKeyId: 'AKIASOMEONEELSE', secretAccessKey: 'x' } })).status).toBe(403);
    expect((await adminCall('POST', '/admin/orgs', body, { sendBody: JSON.stringify({ ...body, plan: 'free' }) })).status).toBe(403);
    expect((await adminCall('POST', '/admin/orgs', body, { signingDate: new Date(Date.now() - 20 * 60_000) })).status).toBe(403);
    expect((await adminCall('GET', '/admin/orgs', undefined, { headers: { 'x-amz-date': '20200101T000000Z' } })).status).toBe(403);
    expect(await listedNames()).not.toContain(name);
  });

  test("a staff bearer token or a customer's portal session is not an admin credential", async () => {
    const agent = await AgentClient.signIn(ALEX);
    expect((await agent.call('GET', '/admin/orgs')).status).toBe(403);
    const created = await createOrg();
    const customerAdmin = await PortalClient.signIn(created.firstAdmin.email);
    const res = await customerAdmin.post(`/admin/orgs/${created.org.orgId}/suspend`, {});
    expect(res.status).toBe(403);
    expect((await adminCall('GET', `/admin/orgs/${created.org.orgId}`)).body.org.status).toBe('active');
  });

  test('bad input is a 400 naming the field, and writes nothing', async () => {
    const existing = await createOrg();
    const before = await listedNames();
    const cases: [Record<string, unknown>, string][] = [
      [{ name: existing.org.name.toUpperCase() }, 'name'],
      [{ name: `  ${existing.org.name.replace(' ', '   ')} ` }, 'name'],
      [{ firstAdminEmail: 'not-an-email' }, 'firstAdminEmail'],
      [{ firstAdminEmail: existing.firstAdmin.email }, 'firstAdminEmail'],
      [{ plan: 'platinum' }, 'plan'],
      [{ environments: [] }, 'environments'],
      [{ environments: ['staging'] }, 'environments'],
      [{ workspaces: ['Has Spaces'] }, 'workspaces'],
      [{ name: 'x' }, 'name'],
      [{ color: 'blue' }, 'color'],
    ];
    for (const [fields, field] of cases) {
      const res = await adminCall('POST', '/admin/orgs', { name: `Corp ${uniqueId('bad')}`, plan: 'paid', environments: ['production'], firstAdminEmail: `a@${uniqueId('bad')}.test`, ...fields });
      expect([fields, res.status, res.body.field]).toEqual([fields, 400, field]);
    }
    expect(await listedNames()).toEqual(before);
    expect((await adminCall('PATCH', `/admin/orgs/${existing.org.orgId}`, { plan: 'gold' })).body).toMatchObject({ status: 400, field: 'plan' });
    expect((await adminCall('PATCH', `/admin/orgs/${existing.org.orgId}`, {})).status).toBe(400);
    expect((await adminCall('GET', `/admin/orgs/${existing.org.orgId}`)).body.org.plan).toBe('paid');
  });

  test('unknown orgs are 404 for every org route', async () => {
    for (const [method, path, body] of [
      ['GET', '/admin/orgs/no-such-org', undefined],
      ['PATCH', '/admin/orgs/no-such-org', { plan: 'free' }],
      ['POST', '/admin/orgs/no-such-org/suspend', undefined],
      ['POST', '/admin/orgs/no-such-org/resume', undefined],
      ['DELETE', '/admin/orgs/no-such-org', undefined],
    ] as const) {
      const res = await adminCall(method, path, body);
      expect([method, path, res.status, res.body.title]).toEqual([method, path, 404, 'org_not_found']);
    }
  });

  test('suspend ends every grant and its live sessions at once, blocks new grants, and resume lifts it', async () => {
    const created = await createOrg();
    const { orgId } = created.org;
    const admin = await PortalClient.signIn(created.firstAdmin.email);
    const grants = [await grantFrom(admin), await grantFrom(admin, 'sandbox')];
    const agent = await AgentClient.signIn(ALEX);
    const session = await agent.call('POST', `/support/orgs/${orgId}/grants/${grants[0]}/sessions`, { justification: 'Ticket 12' });
    expect(session.status).toBe(201);
    const product = { clientId: created.productCredentials.clientId, secret: created.productCredentials.clientSecret };
    expect((await introspect(product, session.body.token)).body.active).toBe(true);

    const suspended = await adminCall('POST', `/admin/orgs/${orgId}/suspend`);
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ org: { status: 'suspended' }, grantsEnded: 2 });
    expect((await introspect(product, session.body.token)).body).toEqual({ active: false });
    for (const grantId of grants) expect(await getItem(`ORG#${orgId}`, `GRANT#${grantId}`)).toMatchObject({ status: 'ended', endReason: 'org_suspended', endedBy: { type: 'platform' } });
    expect((await schedules()).filter((s) => grants.some((g) => s.includes(g)))).toEqual([]);
    const notice = await eventually('the grant-ended email', async () => (await emailsTo(created.firstAdmin.email)).find((e) => e.subject.startsWith('Support login access ended')));
    expect(notice.body.text).toContain('the account was suspended or closed');

    const refused = await admin.post('/grants', { durationHours: '2', level: 'manage' });
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('suspended');
    expect((await adminCall('POST', `/admin/orgs/${orgId}/suspend`)).body).toMatchObject({ org: { status: 'suspended' }, grantsEnded: 0 });

    expect((await adminCall('POST', `/admin/orgs/${orgId}/resume`)).body.org.status).toBe('active');
    // Resumed: a new grant is made and stored active, for 48 hours.
    const resumed = await grantFrom(admin);
    expect(await getItem(`ORG#${orgId}`, `GRANT#${resumed}`)).toMatchObject({ status: 'active', level: 'manage', orgId });
  });

  test('changing the plan or environments ends exactly the grants the org could no longer make', async () => {
    const created = await createOrg();
    const { orgId } = created.org;
    const admin = await PortalClient.signIn(created.firstAdmin.email);
    const production = await grantFrom(admin);
    const sandbox = await grantFrom(admin, 'sandbox');

    const narrowed = await adminCall('PATCH', `/admin/orgs/${orgId}`, { environments: ['production'] });
    expect(narrowed.body).toMatchObject({ org: { environments: ['production'] }, grantsEnded: 1 });
    expect(await getItem(`ORG#${orgId}`, `GRANT#${sandbox}`)).toMatchObject({ status: 'ended', endReason: 'plan_changed' });
    expect(await getItem(`ORG#${orgId}`, `GRANT#${production}`)).toMatchObject({ status: 'active' });

    const downgraded = await adminCall('PATCH', `/admin/orgs/${orgId}`, { plan: 'trial' });
    expect(downgraded.body).toMatchObject({ org: { plan: 'trial' }, grantsEnded: 1 });
    expect(await getItem(`ORG#${orgId}`, `GRANT#${production}`)).toMatchObject({ status: 'ended', endReason: 'plan_changed' });
    const changes = (await orgItems(orgId)).filter((i) => i.action === 'org.changed').map((i) => [i.before, i.after]);
    expect(changes).toEqual([
      [{ environments: ['production', 'sandbox'] }, { environments: ['production'] }],
      [{ plan: 'paid' }, { plan: 'trial' }],
    ]);
  });

  test('delete: grants end, the verified audit trail is exported first, then everything but the trail is gone and the name is free again', async () => {
    const created = await createOrg();
    const { orgId, name } = created.org;
    const admin = await PortalClient.signIn(created.firstAdmin.email);
    await grantFrom(admin);

    const deleted = await adminCall('DELETE', `/admin/orgs/${orgId}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ deleted: true, orgId, grantsEnded: 1, auditExport: { chainIntact: true } });

    const exported = JSON.parse(readFileSync(deleted.body.auditExport.location, 'utf8')) as { orgId: string; head: { seq: number; hash: string }; events: AuditEvent[] };
    expect(exported.orgId).toBe(orgId);
    expect(exported.events.map((e) => e.action)).toEqual(['org.created', 'user.added', 'product_credentials.issued', 'user.signed_in', 'grant.created', 'org.deletion_started', 'org.suspended', 'grant.ended']);
    expect(exported.events).toHaveLength(deleted.body.auditExport.events);
    expect(verifyChain(exported.events, exported.head)).toBeUndefined();

    const left = await orgItems(orgId);
    expect(left.filter((i) => String(i.pk).startsWith('ORG#'))).toEqual([]);
    expect(left.filter((i) => i.type === 'audit').map((i) => i.action).at(-1)).toBe('org.deleted');
    expect(await getItem(`USER#${created.firstAdmin.email}`, 'PROFILE')).toBeUndefined();
    expect((await introspect({ clientId: created.productCredentials.clientId, secret: created.productCredentials.clientSecret }, 'x')).status).toBe(401);
    expect((await adminCall('GET', `/admin/orgs/${orgId}`)).status).toBe(404);
    expect(await listedNames()).not.toContain(name);
    // The job stays to tell what happened; deleting again answers the same and writes nothing.
    const status = await adminCall('GET', `/admin/orgs/${orgId}/deletion`);
    expect(status).toMatchObject({ status: 200, body: { ...deleted.body, phase: 'done' } });
    expect(await adminCall('DELETE', `/admin/orgs/${orgId}`)).toMatchObject({ status: 200, body: deleted.body });
    expect((await adminCall('GET', `/admin/orgs/${name}/deletion`)).status).toBe(404);
    expect((await adminCall('POST', '/admin/orgs', { name, plan: 'free', environments: ['production'], firstAdminEmail: created.firstAdmin.email })).status).toBe(201);
  });
});
