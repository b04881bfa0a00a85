import { agent as agentPrincipal, customer } from '../../shared/domain/actor';
import { ManualClock } from '../../shared/domain/clock';
import { ConflictError, ForbiddenError, NotFoundError } from '../../shared/domain/errors';
import type { GrantDeps } from '../../shared/domain/grant-service';
import type { Grant, UserProfile } from '../../shared/domain/model';
import { endSession, isLive, liveSessionsFor, startSession } from '../../shared/domain/session-service';
import { together } from '../../shared/domain/grant-service';
import { resumePortalSession, startPortalSession } from '../../shared/domain/portal-sessions';
import { MemoryStore } from '../support/memory-store';
import { buildCase, buildGrant, buildOrg, buildSession } from '../support/org-builder';

const NOW = new Date('2026-01-01T05:00:00.000Z');
const session = buildSession;

describe('a session is live only while it and its grant are', () => {
  test('active session, active grant, before both expiries: live', () => {
    expect(isLive(session(), buildGrant(), NOW)).toBe(true);
  });

  test.each(['revoked', 'expired', 'ended'] as const)('its grant %s: not live, even though the session item still says active', (status) => {
    expect(isLive(session(), buildGrant({ status, endReason: status === 'ended' ? 'case_solved' : undefined }), NOW)).toBe(false);
  });

  test('a grant ended because consent was withdrawn or its case was solved: not live', () => {
    for (const endReason of ['consent_withdrawn', 'case_solved'] as const) {
      expect(isLive(session(), buildGrant({ status: 'ended', endReason }), NOW)).toBe(false);
    }
  });

  test('a grant past its expiry (no background job ran yet): not live', () => {
    expect(isLive(session({ expiresAt: '2026-01-01T06:00:00.000Z' }), buildGrant({ expiresAt: '2026-01-01T05:00:00.000Z' }), NOW)).toBe(false);
    expect(isLive(session({ expiresAt: '2026-01-01T06:00:00.000Z' }), buildGrant({ expiresAt: '2026-01-01T05:00:00.001Z' }), NOW)).toBe(true);
  });

  test('the session ended, or past its own expiry, or its grant gone: not live', () => {
    expect(isLive(session({ status: 'ended' }), buildGrant(), NOW)).toBe(false);
    expect(isLive(session({ expiresAt: NOW.toISOString() }), buildGrant(), NOW)).toBe(false);
    expect(isLive(session({ expiresAt: '2026-01-01T05:00:00.001Z' }), buildGrant(), NOW)).toBe(true);
    expect(isLive(session(), undefined, NOW)).toBe(false);
  });
});

describe('who sees and ends sessions', () => {
  const admin: UserProfile = { email: 'admin@o.test', orgId: 'o1', name: 'Ada', role: 'admin', level: 'admin', workspaces: 'all' };
  const acted: UserProfile = { email: 'a@o.test', orgId: 'o1', name: 'Uma', role: 'user', level: 'manage', workspaces: 'all' };
  const other: UserProfile = { email: 'b@o.test', orgId: 'o1', name: 'Bo', role: 'user', level: 'manage', workspaces: 'all' };

  function world(grant: Grant = buildGrant()) {
    const store = new MemoryStore();
    store.orgs.set('o1', buildOrg('o1'));
    store.grants.set(`o1#${grant.grantId}`, grant);
    store.sessions.set('s1', session());
    store.sessions.set('s2', session({ sessionId: 's2', actAs: { id: 'b', email: 'b@o.test' } }));
    const deps: GrantDeps = {
      store,
      clock: new ManualClock(NOW),
      ids: () => 'id',
      scheduler: { scheduleAt: async () => undefined, cancel: async () => undefined },
      limits: { maxGrantHours: 4320, minGrantSeconds: 3600, sessionMinutes: 15, requestExpiryHours: 72 },
    };
    return { store, deps };
  }

  test('an admin sees every live session of the org; a user only those acting as them; none once the grant ended', async () => {
    const { deps } = world();
    expect((await liveSessionsFor(deps, admin)).map((s) => s.sessionId).sort()).toEqual(['s1', 's2']);
    expect((await liveSessionsFor(deps, acted)).map((s) => s.sessionId)).toEqual(['s1']);
    const ended = world(buildGrant({ status: 'revoked' }));
    expect(await liveSessionsFor(ended.deps, admin)).toEqual([]);
  });

  test('the user acted as, an admin, or the agent who started it may end it: ended once, audited once', async () => {
    const { store, deps } = world();
    const ended = await endSession(deps, customer(acted), 's1');
    expect(ended).toMatchObject({ status: 'ended', endedAt: NOW.toISOString() });
    expect(store.sessions.get('s1')).toMatchObject({ status: 'ended' });
    expect(store.audit.get('o1')!.map(({ action, actor, target, after, before }) => ({ action, actor, target, after, before }))).toEqual([
      { action: 'session.ended', actor: { type: 'user', id: 'a@o.test', email: 'a@o.test' }, target: { type: 'session', id: 's1' }, before: { status: 'active' }, after: { status: 'ended', grantId: 'g1' } },
    ]);
    await expect(endSession(deps, customer(admin), 's1')).rejects.toThrow(ConflictError);
    expect(store.audit.get('o1')).toHaveLength(1);
    await expect(endSession(deps, agentPrincipal({ id: 'alex', email: 'alex@vendor.test' }), 's2')).resolves.toMatchObject({ status: 'ended' });
  });

  test('a session that keeps changing under the end is given up with a message naming it, nothing written', async () => {
    const { store, deps } = world();
    store.failNextCommits = 4;
    await expect(endSession(deps, customer(acted), 's1')).rejects.toThrow(
      new ConflictError('concurrent_change', 'Session s1 kept changing while this change was being made; nothing was written. Reload and try again.'),
    );
    expect(store.sessions.get('s1')).toMatchObject({ status: 'active' });
  });

  test('someone else is refused: another user, another agent, another org; a session of an ended grant has already ended', async () => {
    const { store, deps } = world();
    await expect(endSession(deps, customer(other), 's1')).rejects.toThrow(new ForbiddenError('not_your_session', 'Only the person support acts as, or an administrator, can end this session.'));
    await expect(endSession(deps, agentPrincipal({ id: 'bea', email: 'bea@vendor.test' }), 's1')).rejects.toThrow('Only the agent who started a session can end it through the API.');
    await expect(endSession(deps, customer(other), 's1')).rejects.toThrow(expect.objectContaining({ code: 'not_your_session' }));
    await expect(endSession(deps, customer({ ...admin, orgId: 'o2' }), 's1')).rejects.toThrow(NotFoundError);
    await expect(endSession(deps, customer(admin), 'nope')).rejects.toThrow(expect.objectContaining({ code: 'session_not_found' }));
    store.grants.set('o1#g1', buildGrant({ status: 'revoked' }));
    await expect(endSession(deps, customer(admin), 's1')).rejects.toThrow(new ConflictError('session_ended', 'Session s1 has already ended.'));
    await expect(endSession(deps, customer(admin), 's1')).rejects.toThrow(expect.objectContaining({ code: 'session_ended' }));
    expect(store.sessions.get('s1')).toMatchObject({ status: 'active' });
    expect(store.audit.get('o1') ?? []).toEqual([]);
  });
});

/** A world for starting sessions: the org (with a security contact), a grant, two cases, a signer that records what it signs. */
function sessionWorld(grant: Grant, approval?: { until: string }) {
  const store = new MemoryStore();
  store.orgs.set('o1', buildOrg('o1', {}, { authorizedContacts: ['sec@o1.test'] }));
  store.grants.set(`o1#${grant.grantId}`, grant);
  store.cases.set('o1#c1', buildCase(approval ? { changeApproval: { requestId: 'r1', approvedAt: '2026-01-01T04:00:00.000Z', approvedBy: ['a@o.test'], grantId: grant.grantId, until: approval.until } } : {}));
  store.cases.set('o1#c2', buildCase({ caseId: 'c2' }));
  const signed: Record<string, unknown>[] = [];
  const deps = {
    store,
    clock: new ManualClock(NOW),
    ids: () => 's-new',
    scheduler: { scheduleAt: async () => undefined, cancel: async () => undefined },
    limits: { maxGrantHours: 4320, minGrantSeconds: 3600, sessionMinutes: 15, requestExpiryHours: 72 },
    signer: { sign: async (claims: Record<string, unknown>) => (signed.push(claims), 'signed-token'), publicJwks: async () => ({ keys: [] }) },
    token: { issuer: 'https://access.example', audience: 'product' },
  };
  return { store, deps, signed };
}

describe('starting a session', () => {
  const ALEX = { id: 'alex-sub', email: 'alex@vendor.test' };
  const world = (grant: Grant = buildGrant({ expiresAt: '2026-01-01T10:00:00.000Z' })) => sessionWorld(grant);

  test('the token names the user acted as, the agent, the grant and its scope, and ends after the session minutes', async () => {
    const { store, deps, signed } = world();
    const { session, token, refused } = await startSession(deps, ALEX, 'o1', 'g1', { justification: 'Look at the import' });
    expect(token).toBe('signed-token');
    expect(refused).toEqual({});
    expect(signed).toEqual([
      {
        iss: 'https://access.example',
        aud: 'product',
        sub: 'a@o.test',
        act: { sub: 'alex-sub', email: 'alex@vendor.test' },
        org: 'o1',
        grant: 'g1',
        case: undefined,
        level: 'manage',
        workspaces: 'all',
        env: 'production',
        scope: 'read',
        jti: 's-new',
        iat: NOW.getTime() / 1000,
        exp: NOW.getTime() / 1000 + 15 * 60,
      },
    ]);
    expect(session).toMatchObject({ sessionId: 's-new', status: 'active', scope: ['read'], startedAt: NOW.toISOString(), expiresAt: '2026-01-01T05:15:00.000Z', justification: 'Look at the import' });
    expect(store.sessions.get('s-new')).toEqual(session);
    expect(store.audit.get('o1')!.map((e) => [e.action, e.actor])).toEqual([['session.started', { type: 'agent', id: 'alex-sub', email: 'alex@vendor.test', actingAs: 'a@o.test' }]]);
    expect(store.notices.map((n) => [n.template, n.to])).toEqual([['session-started', ['a@o.test']]]);
  });

  test('never past the grant: a grant ending in 5 minutes gives a 5-minute session', async () => {
    const { deps, signed } = world(buildGrant({ expiresAt: '2026-01-01T05:05:00.000Z' }));
    const { session } = await startSession(deps, ALEX, 'o1', 'g1', { justification: 'x' });
    expect(session.expiresAt).toBe('2026-01-01T05:05:00.000Z');
    expect(signed[0]!.exp).toBe(Date.parse('2026-01-01T05:05:00.000Z') / 1000);
  });

  test('write is refused without an approved change, with the reason; read is given', async () => {
    const { deps } = world();
    const { session, refused } = await startSession(deps, ALEX, 'o1', 'g1', { justification: 'x', scope: ['read', 'write'] });
    expect(session.scope).toEqual(['read']);
    expect(refused).toEqual({ write: 'Write needs a case with an approved change request: pass caseId.' });
  });

  test('refused, nothing written: an ended or expired grant, a case grant the agent is not named on', async () => {
    for (const [grant, input, code] of [
      [buildGrant({ status: 'revoked' }), { justification: 'x' }, 'grant_revoked'],
      [buildGrant({ expiresAt: NOW.toISOString() }), { justification: 'x' }, 'grant_expired'],
      [buildGrant({ kind: 'case', caseIds: ['c1'], personnel: [{ id: 'bea', email: 'bea@vendor.test' }] }), { justification: 'x' }, 'not_personnel'],
    ] as const) {
      const { store, deps, signed } = world(grant);
      await expect(startSession(deps, ALEX, 'o1', 'g1', input)).rejects.toThrow(expect.objectContaining({ code }));
      expect(store.committed).toEqual([]);
      expect(signed).toEqual([]);
    }
  });
});

describe('starting a session for a case', () => {
  const ALEX = { id: 'alex-sub', email: 'alex@vendor.test', name: 'Alex Agent' };
  const world = sessionWorld;

  test('with an approved change: read and write until the approval ends, in the token, the audit and the email', async () => {
    const { store, deps, signed } = world(buildGrant({ expiresAt: '2026-01-01T10:00:00.000Z' }), { until: '2026-01-01T05:10:00.000Z' });
    const { session, refused } = await startSession(deps, ALEX, 'o1', 'g1', { justification: 'Apply the fix', caseId: 'c1', scope: ['read', 'write'] });
    expect(refused).toEqual({});
    expect(session).toMatchObject({ caseId: 'c1', scope: ['read', 'write'], expiresAt: '2026-01-01T05:10:00.000Z' });
    expect(signed[0]).toMatchObject({ case: 'c1', scope: 'read write', exp: Date.parse('2026-01-01T05:10:00.000Z') / 1000 });
    const [event] = store.audit.get('o1')!;
    expect(event).toMatchObject({ action: 'session.started', target: { type: 'session', id: 's-new' }, caseId: 'c1', justification: 'Apply the fix', after: { grantId: 'g1', expiresAt: '2026-01-01T05:10:00.000Z', scope: ['read', 'write'] } });
    expect(event!.after).not.toHaveProperty('refused');
    // A user grant: the email goes to the user acted as, naming the agent, the case and the scope.
    expect(store.notices).toEqual([
      expect.objectContaining({
        template: 'session-started',
        to: ['a@o.test'],
        data: expect.objectContaining({ agent: 'Alex Agent (alex@vendor.test)', sessionScope: 'read write', caseSubject: 'Something broke', caseId: 'c1', sessionExpiresAt: '2026-01-01T05:10:00.000Z', justification: 'Apply the fix' }),
      }),
    ]);
  });

  test('a refused write is recorded with the session; no case leaves the case empty', async () => {
    const { store, deps, signed } = world(buildGrant({ expiresAt: '2026-01-01T10:00:00.000Z' }));
    await startSession(deps, ALEX, 'o1', 'g1', { justification: 'x', scope: ['write'] });
    expect(signed[0]!.case).toBeUndefined();
    expect(store.audit.get('o1')![0]!.after).toMatchObject({ refused: ['write'] });
    expect(store.notices[0]!.data).toMatchObject({ caseSubject: '', caseId: '' });
  });

  test('a case grant: only for its linked cases; its email goes to the case contact and the authorized contacts', async () => {
    const grant = buildGrant({ kind: 'case', caseIds: ['c1'], personnel: [{ id: 'alex-sub', email: 'alex@vendor.test' }], actAs: { id: 'profile', email: 'support-profile:o1', name: 'Org support profile' } });
    const { store, deps } = world(grant);
    await expect(startSession(deps, ALEX, 'o1', 'g1', { justification: 'x', caseId: 'c2' })).rejects.toThrow(
      new ForbiddenError('case_not_linked', 'Case c2 is not linked to this grant; activate access for it first.'),
    );
    await expect(startSession(deps, ALEX, 'o1', 'g1', { justification: 'x', caseId: 'c2' })).rejects.toThrow(expect.objectContaining({ code: 'case_not_linked' }));
    expect(store.committed).toEqual([]);
    await startSession(deps, ALEX, 'o1', 'g1', { justification: 'x', caseId: 'c1' });
    expect(store.notices[0]!.to.sort()).toEqual(['a@o.test', 'sec@o1.test']);
  });

  test('refusals name their code and reason', async () => {
    const { deps } = world(buildGrant({ kind: 'case', caseIds: ['c1'], personnel: [{ id: 'bea', email: 'bea@vendor.test' }] }));
    await expect(startSession(deps, ALEX, 'o1', 'g1', { justification: 'x' })).rejects.toThrow(expect.objectContaining({ code: 'not_personnel', message: 'This grant is for a case you are not named on.' }));
  });
});

describe('reads issued together', () => {
  test('fail in the order given, whichever answers first; succeed with every value in order', async () => {
    const slow = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the first read')), 20));
    await expect(together([slow, Promise.reject(new Error('the second read'))] as const)).rejects.toThrow('the first read');
    await expect(together([Promise.resolve(1), Promise.resolve('a'), Promise.resolve(undefined)] as const)).resolves.toEqual([1, 'a', undefined]);
  });

  test('starting a session reads the org, the grant and the case together; a missing case is named after the grant\'s refusals', async () => {
    const ALEX = { id: 'alex-sub', email: 'alex@vendor.test' };
    const { deps, store } = sessionWorld(buildGrant({ status: 'revoked' }));
    await expect(startSession(deps, ALEX, 'o1', 'g1', { justification: 'x', caseId: 'missing' })).rejects.toThrow(expect.objectContaining({ code: 'grant_revoked' }));
    store.grants.set('o1#g1', buildGrant());
    await expect(startSession(deps, ALEX, 'o1', 'g1', { justification: 'x', caseId: 'missing' })).rejects.toThrow(expect.objectContaining({ code: 'case_not_found' }));
    expect(store.committed).toEqual([]);
    store.grants.delete('o1#g1');
    await expect(startSession(deps, ALEX, 'o1', 'g1', { justification: 'x' })).rejects.toThrow(expect.objectContaining({ code: 'grant_not_found' }));
    store.orgs.delete('o1');
    await expect(startSession(deps, ALEX, 'o1', 'g1', { justification: 'x' })).rejects.toThrow(expect.objectContaining({ code: 'org_not_found' }));
  });
});

describe('a portal visitor in one round trip', () => {
  test('the org named with the user and the session is returned only when it is the user\'s own', async () => {
    const store = new MemoryStore();
    const user = { email: 'a@o.test', orgId: 'o1', name: 'A', role: 'user', level: 'manage', workspaces: 'all' } as const;
    store.users.set('a@o.test', user);
    store.orgs.set('o1', buildOrg('o1'));
    store.orgs.set('o2', buildOrg('o2'));
    const deps = { store, clock: new ManualClock(new Date('2026-01-01T00:00:00.000Z')), ids: () => 'n' };
    await startPortalSession(deps as never, user, 'sid1', {});
    await expect(resumePortalSession(deps as never, 'a@o.test', 'sid1', 'o1')).resolves.toMatchObject({ org: { orgId: 'o1' }, user: { email: 'a@o.test' } });
    expect(await resumePortalSession(deps as never, 'a@o.test', 'sid1', 'o2')).not.toHaveProperty('org');
    expect(await resumePortalSession(deps as never, 'a@o.test', 'sid1')).not.toHaveProperty('org');
  });
});
