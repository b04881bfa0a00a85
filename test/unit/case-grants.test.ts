import { activateCaseAccess, addPersonnel, caseAccess, MAX_CASE_GRANTS_PER_CASE, supportProfilePerson } from '../../shared/domain/case-grants';
import { ForbiddenError, NotFoundError } from '../../shared/domain/errors';
import type { AccessRequest, Org } from '../../shared/domain/model';
import { MemoryStore } from '../support/memory-store';
import { recordingDeps } from '../support/grant-deps';
import { buildCase, buildGrant, buildOrg } from '../support/org-builder';

const NOW = new Date('2026-01-01T05:00:00.000Z');
const ALEX = { id: 'alex-sub', email: 'alex@vendor.test' };
const BEA = { id: 'bea-sub', email: 'bea@vendor.test' };

function world(org: Partial<Org> = {}, settings: Partial<Org['settings']> = {}) {
  const store = new MemoryStore();
  store.orgs.set('o1', buildOrg('o1', { name: 'Acme', environments: ['production', 'sandbox'], ...org }, { authorizedContacts: ['sec@o1.test'], maxGrantHours: 48, supportProfile: { level: 'manage', workspaces: ['sales'] }, ...settings }));
  store.cases.set('o1#c1', buildCase({ orgId: 'o1', caseId: 'c1', subject: 'Import broke', environment: 'sandbox', contact: { id: 'cleo@o1.test', email: 'cleo@o1.test' } }));
  store.cases.set('o1#c2', buildCase({ orgId: 'o1', caseId: 'c2', subject: 'Report wrong', contact: { id: 'cleo@o1.test', email: 'cleo@o1.test' } }));
  const { deps, scheduled } = recordingDeps(store, NOW);
  return { store, deps, scheduled };
}

describe('activating access for an allowed case', () => {
  test('a case grant acting as the support profile, naming the agent, linked to the case, for the org\'s longest grant', async () => {
    const { store, deps, scheduled } = world();
    const { grant, created } = await activateCaseAccess(deps, ALEX, 'o1', 'c1', { justification: 'Reproduce the import' });
    expect(created).toBe(true);
    expect(grant).toEqual({
      orgId: 'o1',
      grantId: 'id1',
      kind: 'case',
      grantedBy: { id: 'cleo@o1.test', email: 'cleo@o1.test' },
      actAs: { id: 'support-profile:o1', email: 'support-profile:o1', name: 'Acme support profile' },
      level: 'manage',
      workspaces: ['sales'],
      environment: 'sandbox',
      caseIds: ['c1'],
      personnel: [ALEX],
      status: 'active',
      version: 1,
      createdAt: NOW.toISOString(),
      expiresAt: '2026-01-03T05:00:00.000Z',
    });
    expect(store.audit.get('o1')!.map((e) => [e.action, e.actor, e.caseId, e.justification, e.after])).toEqual([
      ['grant.case_activated', { type: 'agent', id: 'alex-sub', email: 'alex@vendor.test' }, 'c1', 'Reproduce the import', { level: 'manage', workspaces: ['sales'], environment: 'sandbox', expiresAt: '2026-01-03T05:00:00.000Z', personnel: ['alex@vendor.test'] }],
    ]);
    expect(store.notices.map((x) => [x.template, x.to, x.data.caseId, x.data.caseSubject, x.data.reason, x.data.agent])).toEqual([['case-access-activated', ['cleo@o1.test', 'sec@o1.test'], 'c1', 'Import broke', 'Reproduce the import', 'alex@vendor.test']]);
    expect(scheduled.map((s) => s.name)).toEqual(['grant-id1', 'warn-id1']);
  });

  test('without a justification nothing is recorded for it; activating again is the same grant; a second case is linked to it', async () => {
    const { store, deps } = world();
    await activateCaseAccess(deps, ALEX, 'o1', 'c1', {});
    expect(store.audit.get('o1')![0]!.justification).toBeUndefined();
    expect(store.notices[0]!.data.reason).toBe('');
    expect(await activateCaseAccess(deps, ALEX, 'o1', 'c1', {})).toMatchObject({ created: false, grant: { grantId: 'id1', caseIds: ['c1'] } });
    const linked = await activateCaseAccess(deps, ALEX, 'o1', 'c2', { justification: 'Same customer' });
    expect(linked).toMatchObject({ created: false, grant: { grantId: 'id1', caseIds: ['c1', 'c2'] } });
    expect(store.grants.get('o1#id1')!.caseIds).toEqual(['c1', 'c2']);
    expect(store.audit.get('o1')!.at(-1)).toMatchObject({ action: 'grant.case_linked', caseId: 'c2', justification: 'Same customer', before: { caseIds: ['c1'] }, after: { caseIds: ['c1', 'c2'] } });
    expect(store.notices.at(-1)).toMatchObject({ template: 'case-access-activated', to: ['cleo@o1.test', 'sec@o1.test'], data: { caseId: 'c2', caseSubject: 'Report wrong' } });
    // Another agent gets a grant of their own.
    expect((await activateCaseAccess(deps, BEA, 'o1', 'c1', {})).created).toBe(true);
  });

  test('refused: a denied case, a solved case, a free plan, an unknown case or org', async () => {
    const { store, deps } = world();
    store.cases.set('o1#c1', { ...store.cases.get('o1#c1')!, remoteAccess: 'denied' });
    await expect(activateCaseAccess(deps, ALEX, 'o1', 'c1', {})).rejects.toThrow(expect.objectContaining({ code: 'case_access_denied', message: expect.stringContaining('POST .../cases/c1/access-requests') }));
    store.cases.set('o1#c2', { ...store.cases.get('o1#c2')!, status: 'solved' });
    await expect(activateCaseAccess(deps, ALEX, 'o1', 'c2', {})).rejects.toThrow(expect.objectContaining({ code: 'case_solved' }));
    await expect(activateCaseAccess(deps, ALEX, 'o1', 'c9', {})).rejects.toBeInstanceOf(NotFoundError);
    await expect(activateCaseAccess(deps, ALEX, 'o9', 'c1', {})).rejects.toBeInstanceOf(NotFoundError);
    const free = world({ plan: 'free' });
    await expect(activateCaseAccess(free.deps, ALEX, 'o1', 'c1', {})).rejects.toBeInstanceOf(ForbiddenError);
    expect(store.committed).toEqual([]);
  });

  test(`at most ${MAX_CASE_GRANTS_PER_CASE} case grants per case: the next agent is told to join one`, async () => {
    const { store, deps } = world();
    for (let i = 0; i < MAX_CASE_GRANTS_PER_CASE; i++) {
      store.grants.set(`o1#x${i}`, buildGrant({ orgId: 'o1', grantId: `x${i}`, kind: 'case', caseIds: ['c1'], personnel: [{ id: `a${i}`, email: `a${i}@vendor.test` }], expiresAt: '2026-01-02T00:00:00.000Z' }));
    }
    await expect(activateCaseAccess(deps, ALEX, 'o1', 'c1', {})).rejects.toThrow(expect.objectContaining({ code: 'too_many_case_grants', message: expect.stringContaining(`already has ${MAX_CASE_GRANTS_PER_CASE} case grants`) }));
    store.grants.delete('o1#x0');
    expect((await activateCaseAccess(deps, ALEX, 'o1', 'c1', {})).created).toBe(true);
  });

  test('the support profile is named after the org', () => {
    expect(supportProfilePerson(buildOrg('o7', { name: 'Globex' }))).toEqual({ id: 'support-profile:o7', email: 'support-profile:o7', name: 'Globex support profile' });
  });
});

describe('adding a colleague to a case grant', () => {
  test('a named agent adds one: audited, the contacts told again', async () => {
    const { store, deps } = world();
    const { grant } = await activateCaseAccess(deps, ALEX, 'o1', 'c1', {});
    const updated = await addPersonnel(deps, ALEX, 'o1', grant.grantId, { email: 'carol@vendor.test' });
    expect(updated.personnel).toEqual([ALEX, { id: 'carol@vendor.test', email: 'carol@vendor.test' }]);
    expect(store.audit.get('o1')!.at(-1)).toMatchObject({ action: 'grant.personnel_added', caseId: 'c1', before: { personnel: ['alex@vendor.test'] }, after: { personnel: ['alex@vendor.test', 'carol@vendor.test'] } });
    expect(store.notices.at(-1)).toMatchObject({ template: 'personnel-added', data: { agent: 'alex@vendor.test', added: 'carol@vendor.test', caseId: 'c1' } });
    // Carol may now add another.
    expect((await addPersonnel(deps, { id: 'carol@vendor.test', email: 'carol@vendor.test' }, 'o1', grant.grantId, { email: 'dan@vendor.test' })).personnel).toHaveLength(3);
  });

  test('refused: someone not on it, a user grant, an ended grant, someone already on it', async () => {
    const { store, deps } = world();
    const { grant } = await activateCaseAccess(deps, ALEX, 'o1', 'c1', {});
    await expect(addPersonnel(deps, BEA, 'o1', grant.grantId, { email: 'x@vendor.test' })).rejects.toThrow(expect.objectContaining({ code: 'not_personnel' }));
    await expect(addPersonnel(deps, ALEX, 'o1', grant.grantId, { email: 'alex@vendor.test' })).rejects.toThrow(expect.objectContaining({ code: 'already_personnel', message: 'alex@vendor.test is already on this grant.' }));
    store.grants.set('o1#u1', buildGrant({ orgId: 'o1', grantId: 'u1', personnel: [ALEX] }));
    await expect(addPersonnel(deps, ALEX, 'o1', 'u1', { email: 'x@vendor.test' })).rejects.toThrow(expect.objectContaining({ code: 'not_personnel' }));
    store.grants.set(`o1#${grant.grantId}`, { ...store.grants.get(`o1#${grant.grantId}`)!, status: 'revoked' });
    await expect(addPersonnel(deps, ALEX, 'o1', grant.grantId, { email: 'x@vendor.test' })).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('what an agent may do for a case now', () => {
  test('allowed through their linked grant; else activate, wait for approval, request, or nothing (solved, policy Never)', async () => {
    const { store, deps } = world();
    expect(await caseAccess(deps, ALEX, 'o1', 'c1')).toEqual({ allowed: false, reason: 'activate', message: 'Remote access is allowed for this case; activate it (POST /support/orgs/o1/cases/c1/activate).' });
    const { grant } = await activateCaseAccess(deps, ALEX, 'o1', 'c1', {});
    expect(await caseAccess(deps, ALEX, 'o1', 'c1')).toEqual({ allowed: true, grantId: grant.grantId, expiresAt: grant.expiresAt, level: 'manage' });
    expect((await caseAccess(deps, BEA, 'o1', 'c1')).allowed).toBe(false);

    // Denied for the case: never access, whatever is linked.
    store.cases.set('o1#c1', { ...store.cases.get('o1#c1')!, remoteAccess: 'denied' });
    expect(await caseAccess(deps, ALEX, 'o1', 'c1')).toEqual({ allowed: false, reason: 'request_permission', message: 'Remote access is denied for this case; request permission (POST /support/orgs/o1/cases/c1/access-requests).' });

    const request = { orgId: 'o1', requestId: 'r1', status: 'pending', expiresAt: '2026-01-02T00:00:00.000Z' } as AccessRequest;
    store.requests.set('o1#r1', request);
    store.cases.set('o1#c1', { ...store.cases.get('o1#c1')!, pendingRequestId: 'r1' });
    expect(await caseAccess(deps, ALEX, 'o1', 'c1')).toEqual({ allowed: false, reason: 'awaiting_approval', message: 'Waiting for approval of request r1 (until 2026-01-02T00:00:00.000Z).', requestId: 'r1' });
    store.requests.set('o1#r1', { ...request, expiresAt: NOW.toISOString() });
    expect(((await caseAccess(deps, ALEX, 'o1', 'c1')) as { reason?: string }).reason).toBe('request_permission');
    store.requests.set('o1#r1', { ...request, status: 'denied' });
    expect(((await caseAccess(deps, ALEX, 'o1', 'c1')) as { reason?: string }).reason).toBe('request_permission');

    store.orgs.set('o1', { ...store.orgs.get('o1')!, settings: { ...store.orgs.get('o1')!.settings, remoteAccessPolicy: 'never' } });
    expect(((await caseAccess(deps, ALEX, 'o1', 'c1')) as { reason?: string }).reason).toBe('policy_forbids');
    store.cases.set('o1#c1', { ...store.cases.get('o1#c1')!, status: 'solved' });
    expect(await caseAccess(deps, ALEX, 'o1', 'c1')).toEqual({ allowed: false, reason: 'case_solved', message: 'The case is solved; access for it has ended.' });
  });
});
