import fc from 'fast-check';
import { buildGrant, buildOrg } from '../support/org-builder';
import {
  allowedEnvironments,
  assertMayGrant,
  assertMayManage,
  assertPlanAllowsAccess,
  covers,
  expiryFrom,
  grantableWorkspaces,
  inactiveReason,
  isActive,
  mayAgentUse,
  parseDurationHours,
  parseEnvironment,
  parseLevel,
  parseWorkspaces,
} from '../../shared/domain/grant-rules';
import { ForbiddenError, ValidationError } from '../../shared/domain/errors';
import type { Grant, Org, PlatformLimits, UserProfile } from '../../shared/domain/model';

const limits: PlatformLimits = { maxGrantHours: 4320, minGrantSeconds: 3600, sessionMinutes: 15, requestExpiryHours: 72 };

const org = (overrides: Partial<Org> = {}, settings: Partial<Org['settings']> = {}): Org => buildOrg('o1', overrides, settings);

const admin: UserProfile = { email: 'a@o.test', orgId: 'o1', name: 'A', role: 'admin', level: 'admin', workspaces: 'all' };
const user: UserProfile = { email: 'u@o.test', orgId: 'o1', name: 'U', role: 'user', level: 'manage', workspaces: ['sales'] };

const grant = (overrides: Partial<Grant> = {}): Grant => buildGrant(overrides);

describe('a grant is active exactly while status is active and now < expiresAt', () => {
  test('one millisecond before expiry: active; at the expiry instant: expired', () => {
    const g = grant();
    expect(isActive(g, new Date(Date.parse(g.expiresAt) - 1))).toBe(true);
    expect(isActive(g, new Date(g.expiresAt))).toBe(false);
    expect(inactiveReason(g, new Date(g.expiresAt))).toBe('expired');
  });

  test('a revoked grant is inactive whatever the time, and says so', () => {
    const g = grant({ status: 'revoked' });
    expect(isActive(g, new Date('2026-01-01T01:00:00Z'))).toBe(false);
    expect(inactiveReason(g, new Date('2026-01-01T01:00:00Z'))).toBe('revoked');
  });

  test('property: active ⇔ status active and now before expiry', () => {
    fc.assert(
      fc.property(fc.constantFrom('active', 'revoked', 'expired', 'ended' as const), fc.integer({ min: -1e7, max: 1e7 }), (status, offset) => {
        const g = grant({ status });
        const now = new Date(Date.parse(g.expiresAt) + offset);
        expect(isActive(g, now)).toBe(status === 'active' && offset < 0);
      }),
    );
  });
});

describe('duration', () => {
  test.each([[undefined], [''], ['  ']])('missing (%p) is refused naming the field', (raw) => {
    expect(() => parseDurationHours(raw, org(), limits)).toThrow(expect.objectContaining({ field: 'durationHours', message: expect.stringContaining('required') }));
  });

  test.each([['abc'], ['1e999'], ['NaN']])('not a number (%p) is refused', (raw) => {
    expect(() => parseDurationHours(raw, org(), limits)).toThrow(ValidationError);
  });

  test.each([['0'], ['0.5']])('below one hour (%p) is refused', (raw) => {
    expect(() => parseDurationHours(raw, org(), limits)).toThrow('at least 1 hour');
  });

  test.each([['-1'], ['0x10'], ['1e1'], ['+2']])('not a plain decimal (%p) is refused naming the field', (raw) => {
    expect(() => parseDurationHours(raw, org(), limits)).toThrow(expect.objectContaining({ field: 'durationHours', message: expect.stringContaining('plain decimal number') }));
  });

  test('whole hours where the shortest grant is an hour; a seconds-grained stage takes fractions', () => {
    expect(() => parseDurationHours('1.5', org(), limits)).toThrow(expect.objectContaining({ field: 'durationHours', message: 'Duration must be whole hours.' }));
    expect(parseDurationHours('2', org(), limits)).toBe(7200);
    expect(parseDurationHours('1.5', org(), { ...limits, minGrantSeconds: 1 })).toBe(5400);
  });

  test('the org maximum applies when it is below the platform cap, and the cap when it is above', () => {
    expect(parseDurationHours('336', org(), limits)).toBe(336 * 3600);
    expect(() => parseDurationHours('337', org(), limits)).toThrow('at most 336 hours');
    const generous = org({}, { maxGrantHours: 9999 });
    expect(() => parseDurationHours('4321', generous, limits)).toThrow('at most 4320 hours');
  });

  test('property: an accepted duration is within [minimum, min(org max, platform cap)]', () => {
    fc.assert(
      fc.property(fc.double({ min: -100, max: 10000, noNaN: true }), fc.integer({ min: 1, max: 9000 }), fc.integer({ min: 1, max: 4320 }), (hours, orgMax, cap) => {
        const o = org({}, { maxGrantHours: orgMax });
        const l = { ...limits, maxGrantHours: cap };
        let seconds: number | undefined;
        try {
          seconds = parseDurationHours(String(hours), o, l);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          return;
        }
        expect(seconds).toBeGreaterThanOrEqual(l.minGrantSeconds);
        expect(seconds / 3600).toBeLessThanOrEqual(Math.min(orgMax, cap) + 1 / 3600);
        if (l.minGrantSeconds % 3600 === 0) expect(seconds % 3600).toBe(0);
      }),
    );
  });
});

describe('level, environment, plan, role', () => {
  test('a granter may grant their own level or below, never above', () => {
    expect(parseLevel('monitor', user)).toBe('monitor');
    expect(parseLevel('manage', user)).toBe('manage');
    expect(() => parseLevel('admin', user)).toThrow(ForbiddenError);
    expect(() => parseLevel('root', admin)).toThrow(ValidationError);
    expect(parseLevel(undefined, user)).toBe('manage');
  });

  test('sandbox only for exactly one production and one sandbox', () => {
    expect(allowedEnvironments(org({ environments: ['production'] }))).toEqual(['production']);
    expect(allowedEnvironments(org({ environments: ['production', 'sandbox'] }))).toEqual(['production', 'sandbox']);
    expect(allowedEnvironments(org({ environments: ['production', 'sandbox', 'sandbox'] }))).toEqual(['production']);
    expect(() => parseEnvironment('sandbox', org())).toThrow('Sandbox access is only possible');
    expect(parseEnvironment('sandbox', org({ environments: ['sandbox', 'production'] }))).toBe('sandbox');
  });

  test.each([['free'], ['trial']] as const)('the %s plan may not grant', (plan) => {
    expect(() => assertMayGrant(org({ plan }), admin)).toThrow(`not available on the ${plan} plan`);
  });

  test('non-admins grant only when the org allows it', () => {
    expect(() => assertMayGrant(org(), user)).toThrow('Only an administrator');
    expect(() => assertMayGrant(org({}, { allowNonAdminGrants: true }), user)).not.toThrow();
  });


  test('the granter or any admin may revoke; another user may not', () => {
    expect(() => assertMayManage(grant(), admin)).not.toThrow();
    const byUser = grant({ grantedBy: { id: user.email, email: user.email } });
    expect(() => assertMayManage(byUser, user)).not.toThrow();
    expect(() => assertMayManage(grant(), user)).toThrow(expect.objectContaining({ code: 'not_granter' }));
  });

  test('any agent may use a user grant without a case; case grants only their personnel', () => {
    const agent = { id: 'alex', email: 'alex@v.test' };
    expect(mayAgentUse(grant(), agent)).toBe(true);
    expect(mayAgentUse(grant({ kind: 'case', caseIds: ['c1'], personnel: [{ id: 'bea', email: 'b@v.test' }] }), agent)).toBe(false);
    expect(mayAgentUse(grant({ kind: 'case', caseIds: ['c1'], personnel: [agent] }), agent)).toBe(true);
  });

  test('expiry is rounded up to the whole second, so a one-second schedule never fires early', () => {
    expect(expiryFrom(new Date('2026-01-01T00:00:00.250Z'), 3).toISOString()).toBe('2026-01-01T00:00:04.000Z');
    expect(expiryFrom(new Date('2026-01-01T00:00:00.000Z'), 3).toISOString()).toBe('2026-01-01T00:00:03.000Z');
  });
});

describe('each grant rule, with its words', () => {
  const secondsStage: PlatformLimits = { ...limits, minGrantSeconds: 1 };

  test('a duration: required (blank, null), a plain number, at least the minimum (exactly the minimum is fine), named in hours or seconds', () => {
    const required = new ValidationError('durationHours', 'Duration is required: how many hours support may have access.');
    for (const blank of [undefined, null, '', '   ']) expect(() => parseDurationHours(blank, org(), limits)).toThrow(required);
    expect(() => parseDurationHours('two', org(), limits)).toThrow(new ValidationError('durationHours', 'Duration (hours) must be a plain decimal number like 2 or 0.5, not "two".'));
    expect(parseDurationHours('1', org(), limits)).toBe(3600);
    expect(() => parseDurationHours('0.5', org(), limits)).toThrow(new ValidationError('durationHours', 'Duration must be at least 1 hour.'));
    expect(() => parseDurationHours('1', org(), { ...limits, minGrantSeconds: 7200 })).toThrow(new ValidationError('durationHours', 'Duration must be at least 2 hours.'));
    expect(parseDurationHours(1 / 3600, org(), secondsStage)).toBe(1);
    expect(() => parseDurationHours(0.4 / 3600, org(), secondsStage)).toThrow(new ValidationError('durationHours', 'Duration must be at least 1 second.'));
    expect(() => parseDurationHours(1 / 3600, org(), { ...secondsStage, minGrantSeconds: 30 })).toThrow(new ValidationError('durationHours', 'Duration must be at least 30 seconds.'));
    expect(() => parseDurationHours('1.5', org(), limits)).toThrow(new ValidationError('durationHours', 'Duration must be whole hours.'));
    expect(() => parseDurationHours('337', org(), limits)).toThrow(new ValidationError('durationHours', "Duration must be at most 336 hours (this organization's limit)."));
  });

  test('a level: blank is the granter\'s own; an unknown one is a 400; above the granter a 403 saying so', () => {
    expect(parseLevel('', user)).toBe('manage');
    expect(() => parseLevel('root', admin)).toThrow(new ValidationError('level', 'Level must be one of monitor, manage, admin.'));
    expect(() => parseLevel('admin', user)).toThrow(new ForbiddenError('level_above_granter', 'You can grant at most your own level (manage); "admin" is above it.'));
  });

  test('environments: the pair rule counts exactly one of each', () => {
    expect(allowedEnvironments(org({ environments: ['sandbox', 'production'] }))).toEqual(['production', 'sandbox']);
    expect(allowedEnvironments(org({ environments: ['production', 'production'] }))).toEqual(['production']);
    expect(allowedEnvironments(org({ environments: ['sandbox', 'sandbox'] }))).toEqual([]);
    expect(allowedEnvironments(org({ environments: ['production', 'sandbox', 'sandbox'] }))).toEqual(['production']);
    expect(allowedEnvironments(org({ environments: ['sandbox'] }))).toEqual([]);
    expect(() => parseEnvironment('staging', org())).toThrow(new ValidationError('environment', 'Environment must be one of production, sandbox.'));
    expect(() => parseEnvironment('sandbox', org())).toThrow(expect.objectContaining({ code: 'environment_not_allowed', message: 'Sandbox access is only possible for accounts with exactly one production and one sandbox environment.' }));
    expect(() => parseEnvironment('', org({ environments: ['sandbox'] }))).toThrow(expect.objectContaining({ code: 'environment_not_allowed', message: 'This organization has no production environment support can access.' }));
  });

  test('plan, status and role each refuse with their own code', () => {
    expect(() => assertPlanAllowsAccess(org({ plan: 'trial' }))).toThrow(expect.objectContaining({ code: 'plan_not_eligible', message: 'Support login access is not available on the trial plan.' }));
    expect(() => assertPlanAllowsAccess(org({ status: 'suspended' }))).toThrow(expect.objectContaining({ code: 'org_suspended', message: 'This organization is suspended; no access can be granted.' }));
    expect(() => assertPlanAllowsAccess(org())).not.toThrow();
    expect(() => assertMayGrant(org(), user)).toThrow(expect.objectContaining({ code: 'non_admin_grants_disabled' }));
    const granted = grant({ grantedBy: { id: 'u@o.test', email: 'u@o.test' } });
    expect(() => assertMayManage(granted, user)).not.toThrow();
    expect(() => assertMayManage(granted, { ...user, email: 'v@o.test' })).toThrow(
      expect.objectContaining({ code: 'not_granter', message: 'Only the person who granted this access or an administrator can change it.' }),
    );
  });

  test('a case grant is for its personnel even with no case linked; a user grant linked to a case likewise', () => {
    const agent = { id: 'alex', email: 'alex@vendor.test' };
    expect(mayAgentUse(grant({ kind: 'case', caseIds: [], personnel: [] }), agent)).toBe(false);
    expect(mayAgentUse(grant({ kind: 'user', caseIds: ['c1'], personnel: [] }), agent)).toBe(false);
    expect(mayAgentUse(grant({ kind: 'user', caseIds: ['c1'], personnel: [agent] }), agent)).toBe(true);
    expect(mayAgentUse(grant({ kind: 'user', caseIds: [] }), agent)).toBe(true);
  });

  test('workspaces: whole account for blank, "all" or absent; a list is trimmed, deduplicated and sorted; each refusal says why', () => {
    for (const whole of [undefined, '', 'all']) expect(parseWorkspaces(whole, undefined, org(), admin)).toBe('all');
    expect(() => parseWorkspaces('all', undefined, org(), user)).toThrow(
      new ForbiddenError('scope_above_granter', 'You can only grant access to the workspaces you have yourself; choose workspaces instead of the whole account.'),
    );
    expect(() => parseWorkspaces('some', 'sales', org(), admin)).toThrow(new ValidationError('scope', 'Scope must be "all" (whole account) or "workspaces".'));
    expect(parseWorkspaces('workspaces', ' support , finance,support', org(), admin)).toEqual(['finance', 'support']);
    expect(parseWorkspaces('workspaces', [' support', 'finance '], org(), admin)).toEqual(['finance', 'support']);
    expect(() => parseWorkspaces('workspaces', ' , ', org(), admin)).toThrow(new ValidationError('workspaces', 'Choose at least one workspace.'));
    expect(() => parseWorkspaces('workspaces', 'sales,moon,mars', org(), admin)).toThrow(new ValidationError('workspaces', 'Unknown workspace: moon, mars.'));
    expect(() => parseWorkspaces('workspaces', 'finance,support', org(), user)).toThrow(new ForbiddenError('workspace_above_granter', 'You do not have access to workspace finance, support, so you cannot grant it.'));
    expect(parseWorkspaces('workspaces', 'sales', org(), user)).toEqual(['sales']);
  });

  test('what a granter can hand on: their own workspaces that the org still has', () => {
    expect(grantableWorkspaces(org(), admin)).toEqual(['finance', 'sales', 'support']);
    expect(grantableWorkspaces(org(), { ...user, workspaces: ['sales', 'gone'] })).toEqual(['sales']);
  });

  test('coverage: the same level covers; a workspace list covers its own workspaces, never the whole account', () => {
    const listed = grant({ level: 'manage', workspaces: ['sales'] });
    expect(covers(listed, 'manage', 'sales', 'production')).toBe(true);
    expect(covers(listed, 'admin', 'sales', 'production')).toBe(false);
    expect(covers(listed, 'monitor', undefined, 'production')).toBe(false);
    expect(covers(listed, 'monitor', 'finance', 'production')).toBe(false);
    expect(covers(listed, 'monitor', 'sales', 'sandbox')).toBe(false);
    expect(covers(grant({ workspaces: 'all' }), 'monitor', undefined, 'production')).toBe(true);
  });
});

describe('grant rule refusals name their field and code', () => {
  test('fields and codes', () => {
    expect(() => parseLevel('root', admin)).toThrow(expect.objectContaining({ field: 'level' }));
    expect(() => parseLevel('admin', user)).toThrow(expect.objectContaining({ code: 'level_above_granter' }));
    expect(() => parseEnvironment('staging', org())).toThrow(expect.objectContaining({ field: 'environment' }));
    expect(() => parseWorkspaces('some', 'sales', org(), admin)).toThrow(expect.objectContaining({ field: 'scope' }));
    expect(() => parseWorkspaces('workspaces', undefined, org(), admin)).toThrow(expect.objectContaining({ field: 'workspaces', message: 'Choose at least one workspace.' }));
    expect(() => parseWorkspaces('workspaces', 'moon', org(), admin)).toThrow(expect.objectContaining({ code: 'unknown_workspace' }));
  });

  test('any admin may manage a grant someone else made', () => {
    expect(() => assertMayManage(grant({ grantedBy: { id: 'u@o.test', email: 'u@o.test' } }), { ...admin, email: 'other-admin@o.test' })).not.toThrow();
  });
});
