import { ManualClock } from '../../shared/domain/clock';
import { NotFoundError, ValidationError } from '../../shared/domain/errors';
import { changeOrg, createOrg, newOrgSettings, orgIdFor, resumeOrg, suspendOrg, type PlatformActor, type ProvisioningDeps } from '../../shared/domain/org-provisioning';
import { hashSecret } from '../../shared/domain/product-clients';
import { MemoryStore } from '../support/memory-store';
import { buildGrant, buildOrg } from '../support/org-builder';

const NOW = new Date('2026-01-01T05:00:00.000Z');
const ADMIN: PlatformActor = { type: 'platform', id: 'arn:aws:iam::123456789012:user/pat' };

function world() {
  const store = new MemoryStore();
  const cancelled: string[] = [];
  let n = 0;
  const deps = {
    store,
    clock: new ManualClock(NOW),
    ids: () => `ID${String(++n).padStart(10, '0')}`,
    limits: { maxGrantHours: 4320, minGrantSeconds: 3600, sessionMinutes: 15, requestExpiryHours: 72 },
    scheduler: { scheduleAt: async () => undefined, cancel: async (name: string) => void cancelled.push(name) },
    archive: { put: async () => 'unused' },
    orgDefaults: { defaultGrantHours: 8, maxGrantHours: 72 },
  } as unknown as ProvisioningDeps;
  return { store, deps, cancelled };
}

const input = { name: 'Globex Corp', plan: 'paid' as const, environments: ['production' as const, 'sandbox' as const], workspaces: ['sales'], firstAdminEmail: 'hank@globex.test', firstAdminName: 'Hank' };

describe('creating an org', () => {
  test('the org (cautious defaults), its first admin and its product credentials, in one change: audited, and the admin welcomed', async () => {
    const { store, deps } = world();
    const created = await createOrg(deps, ADMIN, input);
    expect(created.org).toEqual({ orgId: 'globex-corp-000001', name: 'Globex Corp', plan: 'paid', environments: ['production', 'sandbox'], workspaces: ['sales'], status: 'active', settings: newOrgSettings({ defaultGrantHours: 8, maxGrantHours: 72 }), version: 0 });
    expect(created.org.settings).toEqual({ remoteAccessPolicy: 'approval_needed', allowNonAdminGrants: false, defaultGrantHours: 8, maxGrantHours: 72, authorizedContacts: [], supportProfile: { level: 'monitor', workspaces: 'all' }, requiredApprovals: 1 });
    expect(created.firstAdmin).toEqual({ email: 'hank@globex.test', orgId: 'globex-corp-000001', name: 'Hank', role: 'admin', level: 'admin', workspaces: 'all' });
    expect(created.productCredentials.clientId).toBe('globex-corp-000001.product.00000002');
    expect(created.productCredentials.clientSecret.length).toBeGreaterThanOrEqual(40);
    expect(store.clients.get(created.productCredentials.clientId)!.secretHash).toBe(hashSecret(created.productCredentials.clientSecret));
    expect(store.committed).toHaveLength(1);
    expect(store.audit.get('globex-corp-000001')!.map((e) => [e.action, e.actor, e.target, e.after])).toEqual([
      ['org.created', ADMIN, { type: 'org', id: 'globex-corp-000001' }, { name: 'Globex Corp', plan: 'paid', environments: ['production', 'sandbox'], workspaces: ['sales'] }],
      ['user.added', ADMIN, { type: 'user', id: 'hank@globex.test' }, { role: 'admin', level: 'admin' }],
      ['product_credentials.issued', ADMIN, { type: 'product-client', id: 'globex-corp-000001.product.00000002' }, undefined],
    ]);
    expect(store.notices).toEqual([{ noticeId: 'ID0000000003', orgId: 'globex-corp-000001', template: 'org-welcome', to: ['hank@globex.test'], createdAt: NOW.toISOString(), data: { orgName: 'Globex Corp' } }]);
  });

  test('a name taken (ignoring case and spacing) or an admin who already belongs to an org is refused, naming the field', async () => {
    const { store, deps } = world();
    await createOrg(deps, ADMIN, input);
    const dup = (await createOrg(deps, ADMIN, { ...input, name: "Globex Corp" }).catch((e: unknown) => e)) as ValidationError;
    expect([dup.field, dup.code, dup.message]).toEqual(['name', 'duplicate_name', 'An org named "Globex Corp" already exists.']);
    const taken = (await createOrg(deps, ADMIN, { ...input, name: "Other" }).catch((e: unknown) => e)) as ValidationError;
    expect([taken.field, taken.code, taken.message]).toEqual(['firstAdminEmail', 'user_exists', 'hank@globex.test already belongs to org globex-corp-000001; a sign-in belongs to one org.']);
    expect(store.committed).toHaveLength(1);
  });

  test.each([
    ['Acme, Inc.', 'x1', 'acme-inc-x1'],
    ['  Ünïcode Café  ', 'AB-CD', 'unicode-cafe-abcd'],
    ['!!!', 'zz', 'org-zz'],
    ['a'.repeat(40), '123456789', `${'a'.repeat(30)}-456789`],
    ['ends with dash at thirty chars-x', 'q', 'ends-with-dash-at-thirty-chars-q'],
    ['twenty-nine characters long--y', 'q', 'twenty-nine-characters-long-y-q'],
  ])('org id of %j with tail %j is %j', (name, tail, id) => {
    expect(orgIdFor(name, tail)).toBe(id);
  });
});

describe('changing, suspending and resuming an org', () => {
  const seeded = () => {
    const w = world();
    w.store.orgs.set('o1', buildOrg('o1', { environments: ['production', 'sandbox'], version: 4 }));
    w.store.grants.set('o1#prod', buildGrant({ orgId: 'o1', grantId: 'prod', environment: 'production', expiresAt: '2026-01-01T10:00:00.000Z', version: 1 }));
    w.store.grants.set('o1#box', buildGrant({ orgId: 'o1', grantId: 'box', environment: 'sandbox', expiresAt: '2026-01-01T10:00:00.000Z', version: 1 }));
    return w;
  };

  test('dropping an environment ends the grants in it (plan_changed), audits only what changed, and deletes their schedules', async () => {
    const { store, deps, cancelled } = seeded();
    const { org, grantsEnded } = await changeOrg(deps, ADMIN, 'o1', { environments: ['production'] });
    expect([org.version, org.environments, grantsEnded]).toEqual([5, ['production'], 1]);
    expect(store.grants.get('o1#box')).toMatchObject({ status: 'ended', endReason: 'plan_changed' });
    expect(store.grants.get('o1#prod')!.status).toBe('active');
    expect(store.audit.get('o1')!.map((e) => [e.action, e.before, e.after])[0]).toEqual(['org.changed', { environments: ['production', 'sandbox'] }, { environments: ['production'] }]);
    expect(cancelled).toEqual(['grant-box', 'warn-box']);
  });

  test('a plan without remote access ends every grant', async () => {
    const { store, deps } = seeded();
    expect((await changeOrg(deps, ADMIN, 'o1', { plan: 'free' })).grantsEnded).toBe(2);
    expect([...store.grants.values()].map((g) => g.status)).toEqual(['ended', 'ended']);
  });

  test('suspending ends every grant (org_suspended) and can be run again to finish; resuming lifts it, grants stay ended', async () => {
    const { store, deps } = seeded();
    const suspended = await suspendOrg(deps, ADMIN, 'o1');
    expect([suspended.org.status, suspended.grantsEnded]).toEqual(['suspended', 2]);
    expect([...store.grants.values()].map((g) => g.endReason)).toEqual(['org_suspended', 'org_suspended']);
    const again = await suspendOrg(deps, ADMIN, 'o1');
    expect([again.org.version, again.grantsEnded]).toEqual([5, 0]);
    const resumed = await resumeOrg(deps, ADMIN, 'o1');
    expect([resumed.org.status, resumed.org.version, resumed.grantsEnded]).toEqual(['active', 6, 0]);
    expect((await resumeOrg(deps, ADMIN, 'o1')).org.version).toBe(6);
    expect(store.audit.get('o1')!.filter((e) => e.action.startsWith('org.')).map((e) => [e.action, e.before, e.after])).toEqual([
      ['org.suspended', { status: 'active' }, { status: 'suspended' }],
      ['org.resumed', { status: 'suspended' }, { status: 'active' }],
    ]);
    expect([...store.grants.values()].map((g) => g.status)).toEqual(['ended', 'ended']);
  });

  test('an unknown org is not found', async () => {
    const { deps } = world();
    await expect(changeOrg(deps, ADMIN, 'nope', { plan: 'free' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(suspendOrg(deps, ADMIN, 'nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(resumeOrg(deps, ADMIN, 'nope')).rejects.toBeInstanceOf(NotFoundError);
  });
});
