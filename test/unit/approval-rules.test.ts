import { customer, portalActor } from '../../shared/domain/actor';
import { ApprovalLinkGoneError, decideRequest, hashToken, viewApproval } from '../../shared/domain/access-requests';
import { ManualClock } from '../../shared/domain/clock';
import { ForbiddenError, ValidationError } from '../../shared/domain/errors';
import type { GrantDeps } from '../../shared/domain/grant-service';
import type { AccessRequest, Org, UserProfile } from '../../shared/domain/model';
import { MemoryStore } from '../support/memory-store';
import { buildCase, buildOrg } from '../support/org-builder';

const NOW = new Date('2026-01-01T05:00:00.000Z');
const user = (email: string, role: 'admin' | 'user' = 'user', orgId = 'o1'): UserProfile => ({ email, orgId, name: email, role, level: 'admin', workspaces: 'all' });
const CONTACT = user('a@o.test');
const AUTHORIZED = user('sec@o.test');
const ADMIN = user('admin@o.test', 'admin');
const STRANGER = user('x@o.test');

function world(settings: Partial<Org['settings']> = {}, request: Partial<AccessRequest> = {}) {
  const store = new MemoryStore();
  store.orgs.set('o1', buildOrg('o1', {}, { authorizedContacts: ['sec@o.test'], remoteAccessPolicy: 'approval_needed', ...settings }));
  store.cases.set('o1#c1', buildCase({ remoteAccess: 'denied', pendingRequestId: 'r1', version: 1 }));
  store.requests.set('o1#r1', {
    orgId: 'o1',
    requestId: 'r1',
    kind: 'access',
    caseId: 'c1',
    agent: { id: 'alex', email: 'alex@vendor.test' },
    justification: 'Look',
    status: 'pending',
    requiredApprovals: 1,
    askedOf: ['a@o.test', 'sec@o.test'],
    decisions: [],
    createdAt: '2026-01-01T04:00:00.000Z',
    expiresAt: '2026-01-02T04:00:00.000Z',
    version: 1,
    ...request,
  });
  for (const [raw, recipient] of [['tok-contact', 'a@o.test'], ['tok-sec', 'sec@o.test'], ['tok-admin', 'admin@o.test'], ['tok-x', 'x@o.test']] as const) {
    store.tokens.set(hashToken(raw), { tokenHash: hashToken(raw), orgId: 'o1', requestId: 'r1', recipient, expiresAt: '2026-01-02T04:00:00.000Z' });
  }
  const clock = new ManualClock(NOW);
  let n = 0;
  const deps: GrantDeps = {
    store,
    clock,
    ids: () => `id${++n}`,
    scheduler: { scheduleAt: async () => undefined, cancel: async () => undefined },
    limits: { maxGrantHours: 4320, minGrantSeconds: 3600, sessionMinutes: 15, requestExpiryHours: 72 },
  };
  return { store, deps, clock };
}

describe('who may approve, for every policy', () => {
  test.each([
    ['approval_needed', 'the case contact', true, CONTACT],
    ['approval_needed', 'an authorized contact', true, AUTHORIZED],
    ['approval_needed', 'an admin', true, ADMIN],
    ['approval_needed', 'another user', false, STRANGER],
    ['all_cases', 'the case contact', true, CONTACT],
    ['all_cases', 'another user', false, STRANGER],
    ['never', 'the case contact', false, CONTACT],
    ['never', 'an authorized contact', false, AUTHORIZED],
    ['never', 'an admin', true, ADMIN],
  ] as const)('policy %s, %s: eligible %s', async (policy, _label, eligible, who) => {
    const { deps, store } = world({ remoteAccessPolicy: policy });
    const view = await viewApproval(deps, who, 'tok-contact');
    expect(view.eligible).toBe(eligible);
    expect(view.whoMayApprove).toContain(policy === 'never' ? 'Only an administrator' : 'Only the case contact (a@o.test)');
    if (!eligible) {
      await expect(decideRequest(deps, customer(who), 'tok-contact', { decision: 'approve' })).rejects.toThrow(expect.objectContaining({ code: 'not_eligible_approver' }));
      expect(store.requests.get('o1#r1')!.status).toBe('pending');
    } else {
      await expect(decideRequest(deps, customer(who), 'tok-contact', { decision: 'approve' })).resolves.toMatchObject({ status: 'approved' });
    }
  });

  test('a user of another org sees nothing of the request, not even whether the link was used', async () => {
    const { deps } = world();
    await expect(viewApproval(deps, user('a@o2.test', 'admin', 'o2'), 'tok-contact')).rejects.toThrow(expect.objectContaining({ code: 'other_org_link' }));
  });
});

describe('links: single use, and only while the request is open', () => {
  test('viewing changes nothing; deciding uses the link, approves, allows the case, audits once', async () => {
    const { deps, store } = world();
    const before = JSON.stringify([...store.requests.values(), ...store.tokens.values()]);
    await viewApproval(deps, CONTACT, 'tok-contact');
    expect(JSON.stringify([...store.requests.values(), ...store.tokens.values()])).toBe(before);
    const decided = await decideRequest(deps, customer(CONTACT), 'tok-contact', { decision: 'approve', comment: 'ok' });
    expect(decided).toMatchObject({ status: 'approved', decidedAt: NOW.toISOString(), decisions: [{ by: 'a@o.test', decision: 'approve', comment: 'ok', at: NOW.toISOString() }] });
    expect(store.tokens.get(hashToken('tok-contact'))).toMatchObject({ usedAt: NOW.toISOString(), usedBy: 'a@o.test' });
    expect(store.cases.get('o1#c1')!.remoteAccess).toBe('allowed');
    expect(store.audit.get('o1')!.filter((e) => e.action === 'request.approved_by')).toHaveLength(1);
  });

  test('a used link is refused while a two-approver request is still pending; another approver finishes it', async () => {
    const { deps, store } = world({ requiredApprovals: 2 }, { requiredApprovals: 2 });
    await expect(decideRequest(deps, customer(CONTACT), 'tok-contact', { decision: 'approve' })).resolves.toMatchObject({ status: 'pending' });
    await expect(viewApproval(deps, CONTACT, 'tok-contact')).rejects.toThrow(expect.objectContaining({ why: 'used' }));
    await expect(decideRequest(deps, customer(CONTACT), 'tok-contact', { decision: 'approve' })).rejects.toThrow(ApprovalLinkGoneError);
    // The same person with another link still counts once.
    const again = await viewApproval(deps, CONTACT, 'tok-sec');
    expect(again.alreadyDecidedByYou).toBe(true);
    await expect(decideRequest(deps, customer(AUTHORIZED), 'tok-sec', { decision: 'approve' })).resolves.toMatchObject({ status: 'approved' });
    expect(store.requests.get('o1#r1')!.decisions.map((d) => d.by)).toEqual(['a@o.test', 'sec@o.test']);
  });

  test('two decisions racing on one link decide once', async () => {
    const { deps, store } = world();
    const results = await Promise.allSettled([
      decideRequest(deps, customer(CONTACT), 'tok-contact', { decision: 'approve' }),
      decideRequest(deps, customer(CONTACT), 'tok-contact', { decision: 'deny' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(store.requests.get('o1#r1')!.decisions).toHaveLength(1);
    expect(store.audit.get('o1')!.filter((e) => /^request\.(approved|denied)_by$/.test(e.action))).toHaveLength(1);
  });

  test('unknown, unsent, decided and expired links each say which', async () => {
    const { deps, store, clock } = world();
    await expect(viewApproval(deps, CONTACT, 'nope')).rejects.toThrow(expect.objectContaining({ why: 'unknown' }));
    store.tokens.set(hashToken('tok-unsent'), { tokenHash: hashToken('tok-unsent'), orgId: 'o1', requestId: 'r1', recipient: 'a@o.test', expiresAt: '2026-01-02T04:00:00.000Z', unsent: true });
    await expect(viewApproval(deps, CONTACT, 'tok-unsent')).rejects.toThrow(expect.objectContaining({ why: 'unknown' }));
    clock.set(new Date('2026-01-02T04:00:00.000Z'));
    await expect(viewApproval(deps, CONTACT, 'tok-contact')).rejects.toThrow(expect.objectContaining({ why: 'expired' }));
    clock.set(NOW);
    store.requests.set('o1#r1', { ...store.requests.get('o1#r1')!, status: 'denied' });
    await expect(viewApproval(deps, CONTACT, 'tok-contact')).rejects.toThrow(expect.objectContaining({ why: 'decided' }));
  });

  test('a decision must be approve or deny; nothing is written otherwise', async () => {
    const { deps, store } = world();
    await expect(decideRequest(deps, customer(CONTACT), 'tok-contact', { decision: 'maybe' })).rejects.toThrow(ValidationError);
    expect(store.tokens.get(hashToken('tok-contact'))!.usedAt).toBeUndefined();
    expect(store.committed).toEqual([]);
  });

  test('a "log in as" session cannot decide', async () => {
    const { deps, store } = world();
    await expect(decideRequest(deps, portalActor(CONTACT, 'alex@vendor.test'), 'tok-contact', { decision: 'approve' })).rejects.toThrow(ForbiddenError);
    expect(store.committed).toEqual([]);
  });
});
