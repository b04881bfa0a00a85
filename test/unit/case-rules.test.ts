import fc from 'fast-check';
import { buildCase, buildOrg } from '../support/org-builder';
import { applyDecision, approvals } from '../../shared/domain/access-requests';
import { assertMayChangeCase, assertMayChoose, assertOpen, assertPlanAllowsRemoteAccess, defaultRemoteAccess, lockedReason, mayApprove, parseComment, parseRemoteAccess, stillConsented } from '../../shared/domain/case-rules';
import { ConflictError, ForbiddenError, ValidationError } from '../../shared/domain/errors';
import { parseSettings } from '../../shared/domain/org-settings';
import type { AccessRequest, Case, Org, OrgSettings, UserProfile } from '../../shared/domain/model';

type Policy = OrgSettings['remoteAccessPolicy'];
const POLICIES: Policy[] = ['all_cases', 'approval_needed', 'never'];

const org = (policy: Policy): Org => buildOrg('o1', { workspaces: ['sales'] }, { remoteAccessPolicy: policy });
const person = (role: UserProfile['role'], email: string): UserProfile => ({ email, orgId: 'o1', name: email, role, level: 'manage', workspaces: 'all' });
const theCase = { contact: { id: 'c@o.test', email: 'c@o.test' }, orgId: 'o1' } as Case;
const contact = person('user', 'c@o.test');
const otherUser = person('user', 'x@o.test');
const admin = person('admin', 'a@o.test');

/** Whether the rule lets it through: only a ForbiddenError is a refusal; any other error is a bug and fails the test. */
const allows = (f: () => void) => {
  try {
    f();
    return true;
  } catch (error) {
    if (error instanceof ForbiddenError) return false;
    throw error;
  }
};

describe('the policy / role / action decision table', () => {
  test.each([
    // policy, who, default at creation, may set allowed, may approve
    ['all_cases', 'contact', 'allowed', true, true],
    ['all_cases', 'other user', 'allowed', true, false],
    ['all_cases', 'admin', 'allowed', true, true],
    ['approval_needed', 'contact', 'denied', true, true],
    ['approval_needed', 'other user', 'denied', true, false],
    ['approval_needed', 'admin', 'denied', true, true],
    ['never', 'contact', 'denied', false, false],
    ['never', 'other user', 'denied', false, false],
    ['never', 'admin', 'denied', true, true],
  ] as const)('%s, %s: new cases %s; may allow: %s; may approve: %s', (policy, who, initial, mayAllow, approve) => {
    const o = org(policy);
    const user = { contact, 'other user': otherUser, admin }[who];
    expect(defaultRemoteAccess(o)).toBe(initial);
    expect(allows(() => assertMayChoose(o, user, 'allowed'))).toBe(mayAllow);
    expect(allows(() => assertMayChoose(o, user, 'denied'))).toBe(true);
    expect(mayApprove(o, theCase, user)).toBe(approve);
  });

  test('property: under never, no non-admin can open access, by choosing or by approving', () => {
    fc.assert(
      fc.property(fc.constantFrom(...POLICIES), fc.constantFrom('admin' as const, 'user' as const), fc.boolean(), (policy, role, isContact) => {
        const user = person(role, isContact ? 'c@o.test' : 'z@o.test');
        const opens = allows(() => assertMayChoose(org(policy), user, 'allowed')) || mayApprove(org(policy), theCase, user);
        if (policy === 'never' && role !== 'admin') expect(opens).toBe(false);
        if (role === 'admin') expect(opens).toBe(true);
      }),
    );
  });

  test('a user of another org never approves', () => {
    expect(mayApprove(org('all_cases'), theCase, { ...admin, orgId: 'o2' })).toBe(false);
  });

  test('an authorized contact who is a user of the org approves, except under never', () => {
    const withContact = (policy: Policy): Org => ({ ...org(policy), settings: { ...org(policy).settings, authorizedContacts: ['x@o.test'] } });
    expect(mayApprove(withContact('approval_needed'), theCase, otherUser)).toBe(true);
    expect(mayApprove(withContact('all_cases'), theCase, otherUser)).toBe(true);
    expect(mayApprove(withContact('never'), theCase, otherUser)).toBe(false);
  });
});

describe('approvals', () => {
  const request = (required: number): AccessRequest => ({
    orgId: 'o1', requestId: 'r1', caseId: 'c1', agent: { id: 'a', email: 'a@v.test' }, justification: 'j', status: 'pending',
    requiredApprovals: required, askedOf: [], decisions: [], createdAt: '2026-01-01T00:00:00Z', expiresAt: '2026-01-04T00:00:00Z', version: 1,
  });

  test('property: no approval counts twice from one person; N distinct approvers approve; any deny ends it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.record({ by: fc.constantFrom('p1', 'p2', 'p3', 'p4'), decision: fc.constantFrom('approve' as const, 'deny' as const) }), { maxLength: 8 }),
        (required, attempts) => {
          let r = request(required);
          const counted = new Set<string>();
          let denied = false;
          for (const a of attempts) {
            const before = r;
            try {
              r = applyDecision(r, { ...a, at: '2026-01-02T00:00:00Z' });
            } catch (error) {
              expect(error).toBeInstanceOf(ConflictError);
              expect(before.status !== 'pending' || counted.has(a.by)).toBe(true);
              continue;
            }
            expect(counted.has(a.by)).toBe(false);
            counted.add(a.by);
            if (a.decision === 'deny') denied = true;
          }
          const distinctApprovers = new Set(r.decisions.filter((d) => d.decision === 'approve').map((d) => d.by));
          expect(distinctApprovers.size).toBe(approvals(r));
          if (denied) expect(r.status).toBe('denied');
          else expect(r.status).toBe(approvals(r) >= required ? 'approved' : 'pending');
        },
      ),
    );
  });
});

describe('org settings', () => {
  const form = (over: Record<string, string> = {}) => ({
    remoteAccessPolicy: 'never', defaultGrantHours: '24', maxGrantHours: '48', authorizedContacts: 'sec@o.test\nops@o.test',
    supportLevel: 'manage', supportScope: 'workspaces', supportWorkspaces: 'sales', requiredApprovals: '2', allowNonAdminGrants: 'on', ...over,
  });
  const platform = { maxGrantHours: 4320, minGrantSeconds: 3600 };

  test('a valid form becomes settings', () => {
    expect(parseSettings(form(), org('all_cases'), platform)).toEqual({
      remoteAccessPolicy: 'never', allowNonAdminGrants: true, defaultGrantHours: 24, maxGrantHours: 48,
      authorizedContacts: ['sec@o.test', 'ops@o.test'], supportProfile: { level: 'manage', workspaces: ['sales'] }, requiredApprovals: 2,
    });
  });

  test.each([
    [{ maxGrantHours: '5000' }, 'maxGrantHours'],
    [{ defaultGrantHours: '49' }, 'defaultGrantHours'],
    [{ requiredApprovals: '0' }, 'requiredApprovals'],
    [{ requiredApprovals: '4' }, 'requiredApprovals'],
    [{ authorizedContacts: 'not-an-email' }, 'authorizedContacts'],
    [{ remoteAccessPolicy: 'sometimes' }, 'remoteAccessPolicy'],
    [{ supportWorkspaces: 'atlantis' }, 'supportWorkspaces'],
  ])('%o is refused on its field', (over, field) => {
    expect(() => parseSettings(form(over), org('all_cases'), platform)).toThrow(expect.objectContaining({ field }));
  });
});

describe('the case rules, one by one', () => {
  const admin = { email: 'admin@o.test', orgId: 'o1', name: 'Admin', role: 'admin', level: 'admin', workspaces: 'all' } as UserProfile;
  const contact = { ...admin, email: 'a@o.test', role: 'user' } as UserProfile;
  const other = { ...contact, email: 'b@o.test' } as UserProfile;
  const planReason = (plan: string) => `Remote access for support is not available on the ${plan} plan; it comes with the paid plan. Ask your account manager to upgrade.`;

  test('remote access: absent or blank is the policy\'s default; anything but allowed or denied is a 400', () => {
    const open = buildOrg('o1', {}, { remoteAccessPolicy: 'all_cases' });
    expect(parseRemoteAccess(undefined, open)).toBe('allowed');
    expect(parseRemoteAccess('', open)).toBe('allowed');
    expect(parseRemoteAccess('', buildOrg('o1', {}, { remoteAccessPolicy: 'approval_needed' }))).toBe('denied');
    expect(parseRemoteAccess('denied', open)).toBe('denied');
    expect(() => parseRemoteAccess('maybe', open)).toThrow(new ValidationError('remoteAccess', 'Remote access must be "allowed" or "denied".'));
    expect(() => parseRemoteAccess('maybe', open)).toThrow(expect.objectContaining({ field: 'remoteAccess' }));
  });

  test('why a user cannot allow: the plan first, then the policy for non-admins', () => {
    const neverFree = buildOrg('o1', { plan: 'free' }, { remoteAccessPolicy: 'never' });
    expect(lockedReason(neverFree, contact)).toBe(planReason('free'));
    expect(lockedReason(neverFree, admin)).toBe(planReason('free'));
    const never = buildOrg('o1', {}, { remoteAccessPolicy: 'never' });
    expect(lockedReason(never, contact)).toBe("This organization's remote-access policy is Never: only an administrator can allow support to access a case.");
    expect(lockedReason(never, admin)).toBeUndefined();
    expect(lockedReason(buildOrg('o1'), contact)).toBeUndefined();
    expect(() => assertPlanAllowsRemoteAccess(buildOrg('o1', { plan: 'trial' }))).toThrow(expect.objectContaining({ code: 'plan_not_eligible', message: planReason('trial') }));
    expect(() => assertMayChoose(never, contact, 'allowed')).toThrow(expect.objectContaining({ code: 'policy_never' }));
    expect(() => assertMayChoose(never, contact, 'denied')).not.toThrow();
  });

  test('consent holds while a linked case is open and allowed', () => {
    expect(stillConsented(buildCase())).toBe(true);
    expect(stillConsented(buildCase({ remoteAccess: 'denied' }))).toBe(false);
    expect(stillConsented(buildCase({ status: 'solved' }))).toBe(false);
    expect(stillConsented(undefined)).toBe(false);
  });

  test('only the case contact or an admin may see or change a case; an open case only', () => {
    const c = buildCase({ contact: { id: 'a@o.test', email: 'a@o.test' } });
    expect(() => assertMayChangeCase(c, contact)).not.toThrow();
    expect(() => assertMayChangeCase(c, admin)).not.toThrow();
    expect(() => assertMayChangeCase(c, other)).toThrow(new ForbiddenError('not_case_contact', 'Only the case contact (a@o.test) or an administrator can see or change this case.'));
    expect(() => assertMayChangeCase(c, other)).toThrow(expect.objectContaining({ code: 'not_case_contact' }));
    expect(() => assertOpen(c)).not.toThrow();
    expect(() => assertOpen(buildCase({ status: 'solved' }))).toThrow(new ForbiddenError('case_solved', 'Case c1 is solved; nothing more can happen on it.'));
    expect(() => assertOpen(buildCase({ status: 'solved' }))).toThrow(expect.objectContaining({ code: 'case_solved' }));
  });

  test('a comment: one line, required only where asked', () => {
    expect(parseComment(' fine ', true)).toBe('fine');
    expect(parseComment(undefined, false)).toBe('');
    expect(() => parseComment('', true)).toThrow(expect.objectContaining({ field: 'comment', message: 'A comment is required.' }));
  });
});
