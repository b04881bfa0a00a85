import fc from 'fast-check';
import { buildOrg } from '../support/org-builder';
import { decideAccess } from '../../shared/domain/access-decision';
import { ForbiddenError, ValidationError } from '../../shared/domain/errors';
import { covers, grantableWorkspaces, levelRank, parseWorkspaces, validateGrantRequest, allowedEnvironments } from '../../shared/domain/grant-rules';
import { ENVIRONMENTS, LEVELS, PLANS, type Grant, type Org, type UserProfile } from '../../shared/domain/model';
import { profileFromClaims } from '../../shared/domain/profile-claims';

const WORKSPACES = ['finance', 'sales', 'support'];
const limits = { maxGrantHours: 4320, minGrantSeconds: 3600, sessionMinutes: 15, requestExpiryHours: 72 };

const arbOrg: fc.Arbitrary<Org> = fc.record({
  plan: fc.constantFrom(...PLANS),
  environments: fc.subarray(['production', 'sandbox', 'sandbox'] as const, { minLength: 1 }).map((e) => [...e]),
  allowNonAdminGrants: fc.boolean(),
  maxGrantHours: fc.integer({ min: 1, max: 5000 }),
}).map(({ plan, environments, allowNonAdminGrants, maxGrantHours }) =>
  buildOrg('o1', { plan, environments, workspaces: WORKSPACES }, { allowNonAdminGrants, defaultGrantHours: 1, maxGrantHours }),
);

const arbWorkspaces = fc.oneof(fc.constant('all' as const), fc.subarray(WORKSPACES));

const arbUser: fc.Arbitrary<UserProfile> = fc.record({
  role: fc.constantFrom('admin' as const, 'user' as const),
  level: fc.constantFrom(...LEVELS),
  workspaces: arbWorkspaces,
}).map((u) => ({ email: 'u@o.test', orgId: 'o1', name: 'U', ...u }));

const arbRequest = fc.record({
  durationHours: fc.oneof(fc.integer({ min: -2, max: 6000 }).map(String), fc.constant(''), fc.constant('x')),
  level: fc.constantFrom(...LEVELS, 'root', ''),
  environment: fc.constantFrom(...ENVIRONMENTS, ''),
  scope: fc.constantFrom('all', 'workspaces', '', 'bogus'),
  workspaces: fc.subarray([...WORKSPACES, 'ghost']).map((w) => w.join(',')),
});

describe('user grants stay within the granter, the cap, the plan and the environment rules', () => {
  test('property: whatever is accepted is within every rule; whatever breaks one is refused with a 4xx error', () => {
    fc.assert(
      fc.property(arbOrg, arbUser, arbRequest, (org, granter, request) => {
        let valid;
        try {
          valid = validateGrantRequest(org, granter, request, limits);
        } catch (error) {
          expect(error instanceof ValidationError || error instanceof ForbiddenError).toBe(true);
          return;
        }
        expect(org.plan).toBe('paid');
        expect(granter.role === 'admin' || org.settings.allowNonAdminGrants).toBe(true);
        expect(levelRank(valid.level)).toBeLessThanOrEqual(levelRank(granter.level));
        expect(valid.seconds).toBeGreaterThanOrEqual(3600);
        expect(valid.seconds).toBeLessThanOrEqual(Math.min(org.settings.maxGrantHours, limits.maxGrantHours) * 3600);
        expect(allowedEnvironments(org)).toContain(valid.environment);
        if (valid.workspaces === 'all') expect(granter.workspaces).toBe('all');
        else for (const w of valid.workspaces) expect(grantableWorkspaces(org, granter)).toContain(w);
      }),
      { numRuns: 2000 },
    );
  });

  test('workspaces: unknown is a 400, one the granter lacks or the whole account beyond them is a 403', () => {
    const org = { workspaces: WORKSPACES } as Org;
    const user = { workspaces: ['sales'] } as UserProfile;
    expect(parseWorkspaces('workspaces', 'sales', org, user)).toEqual(['sales']);
    expect(() => parseWorkspaces('workspaces', 'ghost', org, user)).toThrow(expect.objectContaining({ code: 'unknown_workspace', field: 'workspaces' }));
    expect(() => parseWorkspaces('workspaces', 'finance', org, user)).toThrow(expect.objectContaining({ code: 'workspace_above_granter' }));
    expect(() => parseWorkspaces('all', '', org, user)).toThrow(expect.objectContaining({ code: 'scope_above_granter' }));
    expect(() => parseWorkspaces('workspaces', '', org, user)).toThrow(expect.objectContaining({ field: 'workspaces' }));
    expect(parseWorkspaces('all', '', org, { workspaces: 'all' } as UserProfile)).toBe('all');
  });
});

const arbGrant: fc.Arbitrary<Grant> = fc.record({
  grantId: fc.uuid(),
  kind: fc.constantFrom('user' as const, 'case' as const),
  level: fc.constantFrom(...LEVELS),
  workspaces: arbWorkspaces,
  environment: fc.constantFrom(...ENVIRONMENTS),
  status: fc.constantFrom('active' as const, 'revoked' as const, 'expired' as const),
  expiresIn: fc.integer({ min: -3600, max: 3600 }),
  named: fc.boolean(),
}).map(({ expiresIn, named, kind, ...g }) => ({
  orgId: 'o1',
  kind,
  grantedBy: { id: 'a', email: 'a@o.test' },
  actAs: { id: 'a', email: 'a@o.test' },
  caseIds: kind === 'case' ? ['c1'] : [],
  personnel: named ? [{ id: 'alex', email: 'alex@v.test' }] : [],
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: new Date(Date.parse('2026-06-01T00:00:00Z') + expiresIn * 1000).toISOString(),
  ...g,
}));

describe('the access decision', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const agent = { id: 'alex', email: 'alex@v.test' };

  test('property: allowed exactly when some active grant the agent may use covers the action, and never through another', () => {
    fc.assert(
      fc.property(
        fc.array(arbGrant, { maxLength: 6 }),
        fc.constantFrom(...LEVELS),
        fc.option(fc.constantFrom(...WORKSPACES), { nil: undefined }),
        fc.constantFrom(...ENVIRONMENTS),
        (grants, level, workspace, environment) => {
          const decision = decideAccess(grants, agent, { level, workspace, environment }, now);
          const usable = (g: Grant) =>
            g.status === 'active' && Date.parse(g.expiresAt) > now.getTime() && (g.kind === 'user' ? true : g.personnel.some((p) => p.email === agent.email));
          const coveringIds = grants.filter((g) => usable(g) && covers(g, level, workspace, environment)).map((g) => g.grantId);
          expect(decision.allowed).toBe(coveringIds.length > 0);
          if (decision.allowed) expect(coveringIds).toContain(decision.grantId);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('ending one of two overlapping grants leaves the access the other gives', () => {
    const base = { orgId: 'o1', kind: 'user' as const, grantedBy: agent, actAs: agent, caseIds: [], personnel: [], createdAt: '2026-01-01T00:00:00Z', environment: 'production' as const, level: 'manage' as const, workspaces: 'all' as const, status: 'active' as const };
    const a: Grant = { ...base, grantId: 'a', expiresAt: '2026-06-01T02:00:00Z' };
    const b: Grant = { ...base, grantId: 'b', expiresAt: '2026-06-01T01:00:00Z' };
    const q = { level: 'monitor' as const, environment: 'production' as const, workspace: 'sales' };
    expect(decideAccess([a, b], agent, q, now)).toMatchObject({ allowed: true, grantId: 'a' });
    expect(decideAccess([{ ...a, status: 'revoked' }, b], agent, q, now)).toMatchObject({ allowed: true, grantId: 'b' });
  });

  test('refusals name the nearest miss', () => {
    const g: Grant = { orgId: 'o1', grantId: 'g', kind: 'user', grantedBy: agent, actAs: agent, caseIds: [], personnel: [], createdAt: '2026-01-01T00:00:00Z', expiresAt: '2026-06-01T01:00:00Z', environment: 'production', level: 'monitor', workspaces: ['sales'], status: 'active' };
    expect(decideAccess([], agent, { level: 'monitor', environment: 'production' }, now)).toMatchObject({ allowed: false, reason: 'no_active_grant' });
    expect(decideAccess([g], agent, { level: 'monitor', environment: 'sandbox', workspace: 'sales' }, now)).toMatchObject({ reason: 'environment_not_granted' });
    expect(decideAccess([g], agent, { level: 'monitor', environment: 'production', workspace: 'finance' }, now)).toMatchObject({ reason: 'workspace_not_granted' });
    expect(decideAccess([g], agent, { level: 'monitor', environment: 'production' }, now)).toMatchObject({ reason: 'workspace_not_granted', message: 'No active grant covers the whole account.' });
    expect(decideAccess([g], agent, { level: 'admin', environment: 'production', workspace: 'sales' }, now)).toMatchObject({ reason: 'level_not_granted' });
  });
});

describe('profiles from token claims', () => {
  test('mapped claims give level and workspaces; unknown values are ignored, never widened', () => {
    const names = { level: 'custom:level', workspaces: 'custom:workspaces' };
    expect(profileFromClaims({ 'custom:level': 'manage', 'custom:workspaces': 'sales, support' }, names)).toEqual({ level: 'manage', workspaces: ['sales', 'support'] });
    expect(profileFromClaims({ 'custom:level': 'root', 'custom:workspaces': '*' }, names)).toEqual({ workspaces: 'all' });
    expect(profileFromClaims({ 'custom:level': 'admin' }, {})).toBeUndefined();
  });
});
