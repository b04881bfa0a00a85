import { customer, portalActor } from '../../shared/domain/actor';
import { applyDecision, ApprovalLinkGoneError, decideRequest, hashToken, viewApproval } from '../../shared/domain/access-requests';
import { whoMayApprove } from '../../shared/domain/case-rules';
import { ManualClock } from '../../shared/domain/clock';
import { ConflictError, ForbiddenError, ValidationError } from '../../shared/domain/errors';
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

describe('what a decision writes, exactly', () => {
  const at = NOW.toISOString();
  const request = (w: ReturnType<typeof world>) => w.store.requests.get('o1#r1')!;
  const caseBefore = buildCase({ remoteAccess: 'denied', pendingRequestId: 'r1', version: 1 });
  const token = (raw: string, recipient: string) => ({ tokenHash: hashToken(raw), orgId: 'o1', requestId: 'r1', recipient, expiresAt: '2026-01-02T04:00:00.000Z' });
  const noticeData = (extra: Record<string, string>, r: Partial<AccessRequest> = {}) => ({
    orgName: 'Org o1',
    orgId: 'o1',
    requestId: 'r1',
    caseId: 'c1',
    caseSubject: 'Something broke',
    agent: 'alex@vendor.test',
    justification: 'Look',
    expiresAt: '2026-01-02T04:00:00.000Z',
    requiredApprovals: '1',
    kind: 'access',
    ...r,
    ...extra,
  });
  function recording(w: ReturnType<typeof world>) {
    const cancelled: string[] = [];
    w.deps.scheduler.cancel = async (name) => void cancelled.push(name);
    return cancelled;
  }

  test('the approval that decides access: the request, the used link, the allowed case; two audit events; the agent and the others told', async () => {
    const w = world();
    const cancelled = recording(w);
    const before = request(w);
    await decideRequest(w.deps, customer(CONTACT), 'tok-contact', { decision: 'approve', comment: 'ok' });
    expect(w.store.committed).toHaveLength(1);
    const { change } = w.store.committed[0]!;
    const decided = { ...before, decisions: [{ by: 'a@o.test', at, decision: 'approve', comment: 'ok' }], status: 'approved', decidedAt: at, version: 2 };
    expect(change.writes).toEqual([
      { kind: 'request', request: decided, expect: { version: 1 } },
      { kind: 'token', token: { ...token('tok-contact', 'a@o.test'), usedAt: at, usedBy: 'a@o.test' }, expect: { unused: true } },
      { kind: 'case', case: { ...caseBefore, pendingRequestId: undefined, remoteAccess: 'allowed', history: [{ at, by: 'a@o.test', from: 'denied', to: 'allowed' }], version: 2 }, expect: { version: 1 } },
    ]);
    const actor = { type: 'user', id: 'a@o.test', email: 'a@o.test' };
    expect(change.audit).toEqual([
      { at, actor, action: 'request.approved_by', target: { type: 'request', id: 'r1' }, caseId: 'c1', justification: 'ok', before: { status: 'pending', approvals: 0 }, after: { status: 'approved', approvals: 1 } },
      { at, actor, action: 'case.remote_access_changed', target: { type: 'case', id: 'c1' }, caseId: 'c1', before: { remoteAccess: 'denied' }, after: { remoteAccess: 'allowed' } },
    ]);
    const told = { outcome: 'approved', decidedBy: 'a@o.test', comment: 'ok' };
    expect(change.notices).toEqual([
      { noticeId: 'id1', orgId: 'o1', template: 'request-decided', to: ['alex@vendor.test'], createdAt: at, data: noticeData({ ...told, audience: 'agent' }) },
      { noticeId: 'id2', orgId: 'o1', template: 'request-decided', to: ['sec@o.test'], createdAt: at, data: noticeData({ ...told, audience: 'approvers' }) },
    ]);
    expect(cancelled).toEqual(['request-r1']);
  });

  test('a deny ends the request and frees the case, which stays denied; one audit event; no comment is an empty one', async () => {
    const w = world({}, { askedOf: ['a@o.test'] });
    const cancelled = recording(w);
    await decideRequest(w.deps, customer(CONTACT), 'tok-contact', { decision: 'deny' });
    const { change } = w.store.committed[0]!;
    expect(change.writes[2]).toEqual({ kind: 'case', case: { ...caseBefore, pendingRequestId: undefined, version: 2 }, expect: { version: 1 } });
    expect(change.audit).toEqual([
      { at, actor: { type: 'user', id: 'a@o.test', email: 'a@o.test' }, action: 'request.denied_by', target: { type: 'request', id: 'r1' }, caseId: 'c1', justification: undefined, before: { status: 'pending', approvals: 0 }, after: { status: 'denied', approvals: 0 } },
    ]);
    // Nobody else was asked: only the agent hears of it.
    expect(change.notices).toEqual([{ noticeId: 'id1', orgId: 'o1', template: 'request-decided', to: ['alex@vendor.test'], createdAt: at, data: noticeData({ outcome: 'denied', decidedBy: 'a@o.test', comment: '', audience: 'agent' }) }]);
    expect(cancelled).toEqual(['request-r1']);
  });

  test('an approval short of the required number: the request and the link only; nobody told, nothing cancelled', async () => {
    const w = world({ requiredApprovals: 2 }, { requiredApprovals: 2 });
    const cancelled = recording(w);
    const before = request(w);
    await decideRequest(w.deps, customer(ADMIN), 'tok-admin', { decision: 'approve' });
    const { change } = w.store.committed[0]!;
    expect(change.writes).toEqual([
      { kind: 'request', request: { ...before, decisions: [{ by: 'admin@o.test', at, decision: 'approve', comment: undefined }], version: 2 }, expect: { version: 1 } },
      { kind: 'token', token: { ...token('tok-admin', 'admin@o.test'), usedAt: at, usedBy: 'admin@o.test' }, expect: { unused: true } },
    ]);
    expect(change.audit.map((e) => [e.action, e.before, e.after])).toEqual([['request.approved_by', { status: 'pending', approvals: 0 }, { status: 'pending', approvals: 1 }]]);
    expect(change.notices).toEqual([]);
    expect(cancelled).toEqual([]);
  });

  test('a change request is decided in writing: no comment, nothing written; approved, the case records exactly what it allows', async () => {
    const change = { grantId: 'g1', until: '2026-01-01T09:00:00.000Z', actAs: 'a@o.test', environment: 'production' as const };
    const w = world({}, { kind: 'change', change, justification: 'Fix the rate' });
    w.store.cases.set('o1#c1', buildCase({ remoteAccess: 'allowed', pendingChangeRequestId: 'r1', version: 1 }));
    await expect(decideRequest(w.deps, customer(CONTACT), 'tok-contact', { decision: 'approve' })).rejects.toThrow(expect.objectContaining({ field: 'comment', message: 'A comment is required.' }));
    expect(w.store.committed).toEqual([]);
    await decideRequest(w.deps, customer(CONTACT), 'tok-contact', { decision: 'approve', comment: 'Go ahead' });
    const committed = w.store.committed[0]!.change;
    expect(committed.writes[2]).toEqual({
      kind: 'case',
      case: { ...buildCase({ remoteAccess: 'allowed', version: 2 }), pendingChangeRequestId: undefined, changeApproval: { requestId: 'r1', approvedAt: at, approvedBy: ['a@o.test'], grantId: 'g1', until: '2026-01-01T09:00:00.000Z' } },
      expect: { version: 1 },
    });
    expect(committed.audit.map((e) => e.action)).toEqual(['change.approved_by']);
    expect(committed.notices[0]!.data).toEqual(
      noticeData({ outcome: 'approved', decidedBy: 'a@o.test', comment: 'Go ahead', audience: 'agent', changeGrantId: 'g1', changeUntil: '2026-01-01T09:00:00.000Z', changeActAs: 'a@o.test', changeEnvironment: 'production' }, { justification: 'Fix the rate', kind: 'change' }),
    );
  });

  test('approving access on a plan that no longer allows it is refused, nothing written; denying still works', async () => {
    const w = world();
    w.store.orgs.set('o1', { ...w.store.orgs.get('o1')!, plan: 'trial' });
    await expect(decideRequest(w.deps, customer(CONTACT), 'tok-contact', { decision: 'approve' })).rejects.toThrow(expect.objectContaining({ code: 'plan_not_eligible' }));
    expect(w.store.committed).toEqual([]);
    await expect(decideRequest(w.deps, customer(CONTACT), 'tok-contact', { decision: 'deny' })).resolves.toMatchObject({ status: 'denied' });
  });

  test('each person counts once, and the messages say where the request stands', async () => {
    const w = world({ requiredApprovals: 3 }, { requiredApprovals: 3 });
    await decideRequest(w.deps, customer(CONTACT), 'tok-contact', { decision: 'approve' });
    await expect(decideRequest(w.deps, customer(CONTACT), 'tok-sec', { decision: 'approve' })).rejects.toThrow(new ConflictError('already_decided', 'You already approved this request; it needs 2 more approver(s).'));
    await decideRequest(w.deps, customer(ADMIN), 'tok-admin', { decision: 'deny' });
    expect(() => applyDecision(request(w), { by: 'sec@o.test', at, decision: 'approve' })).toThrow(new ConflictError('request_decided', 'This request is already denied.'));
  });
});

describe('what the approval page is told', () => {
  test('who may approve, whether you may, and whether you already did', async () => {
    const w = world();
    await expect(viewApproval(w.deps, CONTACT, 'tok-contact')).resolves.toMatchObject({ eligible: true, alreadyDecidedByYou: false, request: { requestId: 'r1' }, case: { caseId: 'c1' }, org: { orgId: 'o1' } });
    const stranger = await viewApproval(w.deps, STRANGER, 'tok-x');
    expect(stranger).toMatchObject({ eligible: false, alreadyDecidedByYou: false });
    expect(stranger.whoMayApprove).toBe(whoMayApprove(w.store.orgs.get('o1')!, w.store.cases.get('o1#c1')!));
    w.store.requests.set('o1#r1', { ...w.store.requests.get('o1#r1')!, decisions: [{ by: 'x@o.test', at: NOW.toISOString(), decision: 'approve' }] });
    await expect(viewApproval(w.deps, STRANGER, 'tok-x')).resolves.toMatchObject({ alreadyDecidedByYou: true });
    await expect(viewApproval(w.deps, CONTACT, 'tok-contact')).resolves.toMatchObject({ alreadyDecidedByYou: false });
  });

  test('dead links say exactly why, in words a person reads', async () => {
    const w = world();
    w.store.tokens.set(hashToken('tok-used'), { tokenHash: hashToken('tok-used'), orgId: 'o1', requestId: 'r1', recipient: 'a@o.test', expiresAt: '2026-01-02T04:00:00.000Z', usedAt: '2026-01-01T04:30:15.123Z' });
    await expect(viewApproval(w.deps, CONTACT, 'tok-used')).rejects.toThrow(new ApprovalLinkGoneError('used', 'This approval link was already used (2026-01-01 04:30:15 UTC). Each link works once.'));
    await expect(viewApproval(w.deps, CONTACT, 'nope')).rejects.toThrow(new ApprovalLinkGoneError('unknown', 'This approval link is not valid. Use the link from the most recent email.'));
    await expect(viewApproval(w.deps, user('a@o2.test', 'admin', 'o2'), 'tok-contact')).rejects.toThrow(new ForbiddenError('other_org_link', 'This link belongs to another organization. Sign in with an account of the organization that sent it.'));
    const expired = new ApprovalLinkGoneError('expired', 'This request expired at 2026-01-02 04:00:00 UTC. Support can ask again.');
    // Marked expired by its schedule, though the clock has not reached its end.
    w.store.requests.set('o1#r1', { ...w.store.requests.get('o1#r1')!, status: 'expired' });
    await expect(viewApproval(w.deps, CONTACT, 'tok-contact')).rejects.toThrow(expired);
    // Still pending, but its link ran out first.
    w.store.requests.set('o1#r1', { ...w.store.requests.get('o1#r1')!, status: 'pending' });
    w.store.tokens.set(hashToken('tok-short'), { tokenHash: hashToken('tok-short'), orgId: 'o1', requestId: 'r1', recipient: 'a@o.test', expiresAt: '2026-01-01T05:00:00.000Z' });
    await expect(viewApproval(w.deps, CONTACT, 'tok-short')).rejects.toThrow(expired);
    // One millisecond before either end, it is open.
    w.clock.set(new Date('2026-01-01T04:59:59.999Z'));
    await expect(viewApproval(w.deps, CONTACT, 'tok-short')).resolves.toMatchObject({ eligible: true });
    w.clock.set(new Date('2026-01-02T03:59:59.999Z'));
    await expect(viewApproval(w.deps, CONTACT, 'tok-contact')).resolves.toMatchObject({ eligible: true });
    w.store.requests.set('o1#r1', { ...w.store.requests.get('o1#r1')!, status: 'approved' });
    await expect(viewApproval(w.deps, CONTACT, 'tok-contact')).rejects.toThrow(new ApprovalLinkGoneError('decided', 'This request was already approved.'));
  });

  test('a decision other than approve or deny is refused with the reason', async () => {
    const w = world();
    await expect(decideRequest(w.deps, customer(CONTACT), 'tok-contact', { decision: 'approve ' })).rejects.toThrow(new ValidationError('decision', 'Choose approve or deny.'));
    await expect(decideRequest(w.deps, customer(CONTACT), 'tok-contact', {})).rejects.toThrow(new ValidationError('decision', 'Choose approve or deny.'));
    await expect(decideRequest(w.deps, customer(CONTACT), 'tok-contact', { decision: 'deny' })).resolves.toMatchObject({ status: 'denied' });
  });
});

describe('decisions at the edges', () => {
  test('a link whose request is gone is a 404 naming the request', async () => {
    const w = world();
    w.store.requests.delete('o1#r1');
    await expect(viewApproval(w.deps, CONTACT, 'tok-contact')).rejects.toThrow(expect.objectContaining({ code: 'request_not_found', message: 'No request r1 here.' }));
  });

  test('a decision that loses its race is a 409 saying so, nothing written', async () => {
    const w = world();
    w.store.failNextCommits = 1;
    await expect(decideRequest(w.deps, customer(CONTACT), 'tok-contact', { decision: 'approve' })).rejects.toThrow(
      expect.objectContaining({ code: 'request_changed', message: 'Someone decided this request at the same moment; reload the page to see where it stands.' }),
    );
    expect(w.store.requests.get('o1#r1')!.status).toBe('pending');
  });

  test('a request ends at its own expiry even when its link would last longer', async () => {
    const w = world({}, { expiresAt: '2026-01-01T06:00:00.000Z' });
    w.clock.set(new Date('2026-01-01T06:00:00.000Z'));
    await expect(viewApproval(w.deps, CONTACT, 'tok-contact')).rejects.toThrow(expect.objectContaining({ why: 'expired' }));
  });

  test('a deny with others asked tells them too, with an empty comment; two approvers are both on the case history', async () => {
    const w = world();
    await decideRequest(w.deps, customer(CONTACT), 'tok-contact', { decision: 'deny' });
    expect(w.store.committed[0]!.change.notices.map((n) => [n.template, n.to, n.data.comment, n.data.audience])).toEqual([
      ['request-decided', ['alex@vendor.test'], '', 'agent'],
      ['request-decided', ['sec@o.test'], '', 'approvers'],
    ]);
    const two = world({ requiredApprovals: 2 }, { requiredApprovals: 2 });
    await decideRequest(two.deps, customer(CONTACT), 'tok-contact', { decision: 'approve' });
    await decideRequest(two.deps, customer(AUTHORIZED), 'tok-sec', { decision: 'approve' });
    expect(two.store.cases.get('o1#c1')!.history.at(-1)).toEqual({ at: NOW.toISOString(), by: 'a@o.test, sec@o.test', from: 'denied', to: 'allowed' });
  });

  test('a change may be approved on any plan (it allows no access by itself); refusals carry their codes and field', async () => {
    const change = { grantId: 'g1', until: '2026-01-01T09:00:00.000Z', actAs: 'a@o.test', environment: 'production' as const };
    const w = world({}, { kind: 'change', change });
    w.store.orgs.set('o1', { ...w.store.orgs.get('o1')!, plan: 'trial' });
    await expect(decideRequest(w.deps, customer(CONTACT), 'tok-sec', { decision: 'maybe' })).rejects.toThrow(expect.objectContaining({ field: 'decision' }));
    await expect(decideRequest(w.deps, customer(CONTACT), 'tok-contact', { decision: 'approve', comment: 'Fine' })).resolves.toMatchObject({ status: 'approved' });
    const r = w.store.requests.get('o1#r1')!;
    expect(() => applyDecision(r, { by: 'z@o.test', at: NOW.toISOString(), decision: 'approve' })).toThrow(expect.objectContaining({ code: 'request_decided' }));
    expect(() => applyDecision({ ...r, status: 'pending' }, { by: 'a@o.test', at: NOW.toISOString(), decision: 'approve' })).toThrow(expect.objectContaining({ code: 'already_decided' }));
  });
});

describe('deciding when something else goes wrong', () => {
  test('a failure that is not a lost race is passed on as it is; a schedule that cannot be cancelled is logged', async () => {
    const w = world();
    w.store.commit = async () => {
      throw new Error('disk on fire');
    };
    await expect(decideRequest(w.deps, customer(CONTACT), 'tok-contact', { decision: 'approve' })).rejects.toThrow('disk on fire');
    const logged = world();
    const lines: [string, Record<string, unknown>][] = [];
    logged.deps.log = { error: (message, detail) => void lines.push([message, detail]) };
    logged.deps.scheduler.cancel = async () => {
      throw new Error('scheduler down');
    };
    await decideRequest(logged.deps, customer(CONTACT), 'tok-contact', { decision: 'approve' });
    expect(lines).toEqual([['schedule request cancel failed', { requestId: 'r1', error: 'Error: scheduler down' }]]);
  });

  test('a link of an org that is gone is a 404 naming the org', async () => {
    const w = world();
    w.store.orgs.delete('o1');
    await expect(viewApproval(w.deps, CONTACT, 'tok-contact')).rejects.toThrow(expect.objectContaining({ code: 'org_not_found' }));
  });
});
