import { expireRequest, requestChange, requestPermission } from '../../shared/domain/access-requests';
import { ManualClock } from '../../shared/domain/clock';
import { ConcurrentChangeError, ConflictError, ForbiddenError, ValidationError } from '../../shared/domain/errors';
import type { GrantDeps } from '../../shared/domain/grant-service';
import type { Org } from '../../shared/domain/model';
import { MemoryStore } from '../support/memory-store';
import { buildCase, buildGrant, buildOrg } from '../support/org-builder';

const NOW = new Date('2026-01-01T05:00:00.000Z');
const ALEX = { id: 'alex', email: 'alex@vendor.test' };

function world(orgOverrides: Partial<Org> = {}, settings: Partial<Org['settings']> = {}) {
  const store = new MemoryStore();
  store.orgs.set('o1', buildOrg('o1', orgOverrides, { authorizedContacts: ['sec@o.test', 'A@o.test'], requiredApprovals: 2, ...settings }));
  store.cases.set('o1#c1', buildCase({ remoteAccess: 'denied', version: 1 }));
  store.grants.set('o1#g1', buildGrant({ expiresAt: '2026-01-01T10:00:00.000Z' }));
  const clock = new ManualClock(NOW);
  const scheduled: string[] = [];
  let n = 0;
  const deps: GrantDeps = {
    store,
    clock,
    ids: () => `r${++n}`,
    scheduler: { scheduleAt: async (name) => void scheduled.push(name), cancel: async () => undefined },
    limits: { maxGrantHours: 4320, minGrantSeconds: 3600, sessionMinutes: 15, requestExpiryHours: 72 },
  };
  return { store, deps, clock, scheduled };
}

describe('asking for access to a denied case', () => {
  test('one pending request, asked of the contact and the authorized contacts (each once, lower-cased), expiring after the stage hours', async () => {
    const { store, deps, scheduled } = world();
    const request = await requestPermission(deps, ALEX, 'o1', 'c1', { justification: 'Compare totals' });
    expect(request).toMatchObject({
      requestId: 'r1',
      kind: 'access',
      status: 'pending',
      requiredApprovals: 2,
      askedOf: ['a@o.test', 'sec@o.test'],
      createdAt: NOW.toISOString(),
      expiresAt: '2026-01-04T05:00:00.000Z',
    });
    expect(store.cases.get('o1#c1')).toMatchObject({ pendingRequestId: 'r1', version: 2 });
    expect(store.notices.map((n) => [n.template, n.to])).toEqual([['permission-requested', ['a@o.test']], ['permission-requested', ['sec@o.test']]]);
    expect(store.audit.get('o1')!.map((e) => [e.action, e.justification])).toEqual([['request.created', 'Compare totals']]);
    expect(scheduled).toEqual(['request-r1']);
  });

  test('a second request while one is pending is refused; once the first has expired, a new one is taken', async () => {
    const { deps, clock } = world();
    await requestPermission(deps, ALEX, 'o1', 'c1', { justification: 'One' });
    await expect(requestPermission(deps, ALEX, 'o1', 'c1', { justification: 'Two' })).rejects.toThrow(expect.objectContaining({ code: 'request_pending' }));
    clock.set(new Date('2026-01-04T05:00:00.000Z'));
    const next = await requestPermission(deps, ALEX, 'o1', 'c1', { justification: 'Three' });
    expect(next).toMatchObject({ status: 'pending', justification: 'Three' });
    expect(next.requestId).not.toBe('r1');
  });

  test('refused: an allowed case, a solved case, a free plan — nothing written (a missing justification: test/unit/contracts.test.ts)', async () => {
    for (const [setup, input, error] of [
      [(w: ReturnType<typeof world>) => w.store.cases.set('o1#c1', buildCase({ remoteAccess: 'allowed', version: 1 })), { justification: 'x' }, ConflictError],
      [(w: ReturnType<typeof world>) => w.store.cases.set('o1#c1', buildCase({ remoteAccess: 'denied', status: 'solved', version: 1 })), { justification: 'x' }, ForbiddenError],
      [(w: ReturnType<typeof world>) => w.store.orgs.set('o1', buildOrg('o1', { plan: 'free' })), { justification: 'x' }, ForbiddenError],
    ] as const) {
      const w = world();
      setup(w as never);
      await expect(requestPermission(w.deps, ALEX, 'o1', 'c1', input)).rejects.toThrow(error);
      expect(w.store.committed).toEqual([]);
    }
  });
});

describe('asking written approval for a change', () => {
  test('through a grant of the case contact, until a time within the grant: asked of the authorized contacts', async () => {
    const { deps, store } = world();
    const request = await requestChange(deps, ALEX, 'o1', 'c1', { description: 'Re-run the import', grantId: 'g1', until: '2026-01-01T09:00:00Z' });
    expect(request).toMatchObject({ kind: 'change', change: { grantId: 'g1', until: '2026-01-01T09:00:00.000Z', actAs: 'a@o.test', environment: 'production' }, askedOf: ['sec@o.test', 'a@o.test'] });
    expect(store.cases.get('o1#c1')).toMatchObject({ pendingChangeRequestId: 'r1' });
  });

  test('with no authorized contacts, the case contact is asked', async () => {
    const { deps } = world({}, { authorizedContacts: [] });
    const request = await requestChange(deps, ALEX, 'o1', 'c1', { description: 'x', grantId: 'g1', until: '2026-01-01T09:00:00Z' });
    expect(request.askedOf).toEqual(['a@o.test']);
  });

  test.each([
    ['until in the past', 'until', { description: 'x', grantId: 'g1', until: '2026-01-01T04:00:00Z' }],
    ['until now exactly', 'until', { description: 'x', grantId: 'g1', until: '2026-01-01T05:00:00Z' }],
    ['until past the grant', 'until', { description: 'x', grantId: 'g1', until: '2026-01-01T10:00:01Z' }],
  ])('%s → 400 naming %s, nothing written', async (_what, field, input) => {
    const { deps, store } = world();
    await expect(requestChange(deps, ALEX, 'o1', 'c1', input)).rejects.toThrow(expect.objectContaining({ field }));
    expect(store.committed).toEqual([]);
  });

  test('the grant must serve the case: a user grant of someone else, or a case grant not linked, is refused', async () => {
    const { deps, store } = world();
    store.grants.set('o1#g2', buildGrant({ grantId: 'g2', actAs: { id: 'b', email: 'b@o.test' } }));
    store.grants.set('o1#g3', buildGrant({ grantId: 'g3', kind: 'case', caseIds: ['c9'] }));
    for (const grantId of ['g2', 'g3']) {
      await expect(requestChange(deps, ALEX, 'o1', 'c1', { description: 'x', grantId, until: '2026-01-01T09:00:00Z' })).rejects.toThrow(expect.objectContaining({ code: 'grant_not_for_case' }));
    }
    store.grants.set('o1#g4', buildGrant({ grantId: 'g4', kind: 'case', caseIds: ['c1'] }));
    await expect(requestChange(deps, ALEX, 'o1', 'c1', { description: 'x', grantId: 'g4', until: '2026-01-01T09:00:00Z' })).resolves.toMatchObject({ change: { grantId: 'g4' } });
  });
});

describe('a request nobody answered expires on its schedule', () => {
  test('before its end nothing happens; at its end it expires, frees the case, tells the agent; again is a no-op', async () => {
    const { deps, store, clock } = world();
    await requestPermission(deps, ALEX, 'o1', 'c1', { justification: 'Look' });
    expect(await expireRequest(deps, 'o1', 'r1', 'scheduler')).toBe('not_due');
    clock.set(new Date('2026-01-04T05:00:00.000Z'));
    expect(await expireRequest(deps, 'o1', 'r1', 'scheduler')).toBe('expired');
    expect(store.requests.get('o1#r1')).toMatchObject({ status: 'expired', decidedAt: '2026-01-04T05:00:00.000Z' });
    expect(store.cases.get('o1#c1')!.pendingRequestId).toBeUndefined();
    expect(store.notices.at(-1)).toMatchObject({ template: 'request-expired', to: ['alex@vendor.test'] });
    expect(store.audit.get('o1')!.at(-1)).toMatchObject({ action: 'request.expired', actor: { type: 'system', id: 'scheduler' }, caseId: 'c1' });
    expect(await expireRequest(deps, 'o1', 'r1', 'sweep')).toBe('already_ended');
    expect(await expireRequest(deps, 'o1', 'nope', 'sweep')).toBe('missing');
  });
});

describe('what asking and expiring write, exactly', () => {
  const at = NOW.toISOString();
  const data = (r: Record<string, string>) => ({
    orgName: 'Org o1',
    orgId: 'o1',
    requestId: 'r1',
    caseId: 'c1',
    caseSubject: 'Something broke',
    agent: 'Alex Agent (alex@vendor.test)',
    justification: 'Look at the totals',
    expiresAt: '2026-01-04T05:00:00.000Z',
    requiredApprovals: '2',
    kind: 'access',
    ...r,
  });
  const AGENT = { ...ALEX, name: 'Alex Agent' };

  test('a permission request: the request and the case pointing at it; one audit event; one notice per person asked; its expiry scheduled', async () => {
    const { deps, store } = world();
    const timers: [string, string, unknown][] = [];
    deps.scheduler.scheduleAt = async (name, when, target) => void timers.push([name, when.toISOString(), target]);
    const request = await requestPermission(deps, AGENT, 'o1', 'c1', { justification: 'Look at the totals' });
    expect(request).toEqual({
      orgId: 'o1',
      requestId: 'r1',
      kind: 'access',
      caseId: 'c1',
      agent: AGENT,
      justification: 'Look at the totals',
      status: 'pending',
      requiredApprovals: 2,
      askedOf: ['a@o.test', 'sec@o.test'],
      decisions: [],
      createdAt: at,
      expiresAt: '2026-01-04T05:00:00.000Z',
      version: 1,
    });
    const { change } = store.committed[0]!;
    expect(change.writes).toEqual([
      { kind: 'request', request, expect: 'new' },
      { kind: 'case', case: buildCase({ remoteAccess: 'denied', pendingRequestId: 'r1', version: 2 }), expect: { version: 1 } },
    ]);
    expect(change.audit).toEqual([
      { at, actor: { type: 'agent', id: 'alex', email: 'alex@vendor.test' }, action: 'request.created', target: { type: 'request', id: 'r1' }, caseId: 'c1', justification: 'Look at the totals', after: { askedOf: ['a@o.test', 'sec@o.test'], requiredApprovals: 2, expiresAt: '2026-01-04T05:00:00.000Z' } },
    ]);
    expect(change.notices).toEqual([
      { noticeId: 'r2', orgId: 'o1', template: 'permission-requested', to: ['a@o.test'], createdAt: at, data: data({}) },
      { noticeId: 'r3', orgId: 'o1', template: 'permission-requested', to: ['sec@o.test'], createdAt: at, data: data({}) },
    ]);
    expect(timers).toEqual([['request-r1', '2026-01-04T05:00:00.000Z', { type: 'request', orgId: 'o1', id: 'r1' }]]);
  });

  test('a change request: the change it asks for is in the request, the audit event and every notice', async () => {
    const { deps, store } = world();
    await requestChange(deps, ALEX, 'o1', 'c1', { description: 'Re-run the import', grantId: 'g1', until: '2026-01-01T09:00:00Z' });
    const { change } = store.committed[0]!;
    const scope = { grantId: 'g1', until: '2026-01-01T09:00:00.000Z', actAs: 'a@o.test', environment: 'production' };
    expect(change.writes[1]).toEqual({ kind: 'case', case: buildCase({ remoteAccess: 'denied', pendingChangeRequestId: 'r1', version: 2 }), expect: { version: 1 } });
    expect(change.audit[0]).toMatchObject({ action: 'change.created', justification: 'Re-run the import', after: { askedOf: ['sec@o.test', 'a@o.test'], requiredApprovals: 2, expiresAt: '2026-01-04T05:00:00.000Z', change: scope } });
    expect(change.notices.map((n) => [n.template, n.to])).toEqual([['change-requested', ['sec@o.test']], ['change-requested', ['a@o.test']]]);
    expect(change.notices[0]!.data).toEqual(data({ agent: 'alex@vendor.test', justification: 'Re-run the import', kind: 'change', changeGrantId: 'g1', changeUntil: '2026-01-01T09:00:00.000Z', changeActAs: 'a@o.test', changeEnvironment: 'production' }));
  });

  test('refusals say what to do instead', async () => {
    const allowed = world();
    allowed.store.cases.set('o1#c1', buildCase({ remoteAccess: 'allowed', version: 1 }));
    await expect(requestPermission(allowed.deps, ALEX, 'o1', 'c1', { justification: 'x' })).rejects.toThrow(
      new ConflictError('case_already_allowed', 'Remote access to case c1 is already allowed; activate access instead (POST .../cases/c1/activate).'),
    );
    const { deps } = world();
    await requestPermission(deps, ALEX, 'o1', 'c1', { justification: 'x' });
    await expect(requestPermission(deps, ALEX, 'o1', 'c1', { justification: 'y' })).rejects.toThrow(
      new ConflictError('request_pending', 'Request r1 for this case is still waiting for approval (until 2026-01-04T05:00:00.000Z).'),
    );
    await expect(requestChange(deps, ALEX, 'o1', 'c1', { description: 'x', grantId: 'g1', until: '2026-01-01T10:00:01Z' })).rejects.toThrow(
      new ValidationError('until', "until must be after now and no later than the grant's end (2026-01-01T10:00:00.000Z)."),
    );
    // Exactly the grant's end is allowed.
    await expect(requestChange(deps, ALEX, 'o1', 'c1', { description: 'x', grantId: 'g1', until: '2026-01-01T10:00:00Z' })).resolves.toMatchObject({ change: { until: '2026-01-01T10:00:00.000Z' } });
    const other = world();
    other.store.grants.set('o1#g2', buildGrant({ grantId: 'g2', actAs: { id: 'b', email: 'b@o.test' } }));
    await expect(requestChange(other.deps, ALEX, 'o1', 'c1', { description: 'x', grantId: 'g2', until: '2026-01-01T09:00:00Z' })).rejects.toThrow(
      new ForbiddenError('grant_not_for_case', 'Grant g2 is neither linked to case c1 nor a grant of its contact (a@o.test); a change can only be approved through one of those.'),
    );
  });

  test('expiring: the request expired, the case freed; the system is the actor; the agent told', async () => {
    const { deps, store, clock } = world();
    const request = await requestPermission(deps, ALEX, 'o1', 'c1', { justification: 'Look at the totals' });
    const later = new Date('2026-01-04T05:00:00.000Z');
    clock.set(later);
    await expireRequest(deps, 'o1', 'r1', 'scheduler');
    const { change } = store.committed[1]!;
    expect(change.writes).toEqual([
      { kind: 'request', request: { ...request, status: 'expired', decidedAt: later.toISOString(), version: 2 }, expect: { version: 1 } },
      { kind: 'case', case: { ...buildCase({ remoteAccess: 'denied', version: 3 }), pendingRequestId: undefined }, expect: { version: 2 } },
    ]);
    expect(change.audit).toEqual([{ at: later.toISOString(), actor: { type: 'system', id: 'scheduler' }, action: 'request.expired', target: { type: 'request', id: 'r1' }, caseId: 'c1' }]);
    expect(change.notices).toEqual([{ noticeId: 'r4', orgId: 'o1', template: 'request-expired', to: ['alex@vendor.test'], createdAt: later.toISOString(), data: data({ agent: 'alex@vendor.test' }) }]);
  });

  test('expiring a request the case no longer points at leaves the case alone', async () => {
    const { deps, store, clock } = world();
    await requestPermission(deps, ALEX, 'o1', 'c1', { justification: 'x' });
    store.cases.set('o1#c1', { ...store.cases.get('o1#c1')!, pendingRequestId: 'another' });
    clock.set(new Date('2026-01-04T05:00:00.000Z'));
    await expireRequest(deps, 'o1', 'r1', 'sweep');
    expect(store.committed[1]!.change.writes.map((w) => w.kind)).toEqual(['request']);
  });
});

describe('requests at the edges', () => {
  test('a decided request still named on the case does not block a new one', async () => {
    const { deps, store } = world();
    store.requests.set('o1#old', { orgId: 'o1', requestId: 'old', kind: 'access', caseId: 'c1', agent: ALEX, justification: 'x', status: 'denied', requiredApprovals: 1, askedOf: [], decisions: [], createdAt: NOW.toISOString(), expiresAt: '2026-01-09T00:00:00.000Z', version: 2 });
    store.cases.set('o1#c1', buildCase({ remoteAccess: 'denied', pendingRequestId: 'old', version: 1 }));
    await expect(requestPermission(deps, ALEX, 'o1', 'c1', { justification: 'again' })).resolves.toMatchObject({ status: 'pending' });
  });

  test('refusal codes', async () => {
    const { deps, store } = world();
    store.cases.set('o1#c1', buildCase({ remoteAccess: 'allowed', version: 1 }));
    await expect(requestPermission(deps, ALEX, 'o1', 'c1', { justification: 'x' })).rejects.toThrow(expect.objectContaining({ code: 'case_already_allowed' }));
  });

  test('a schedule that cannot be made is logged with what and which request; the request stands', async () => {
    const { deps, store } = world();
    const logged: [string, Record<string, unknown>][] = [];
    deps.log = { error: (message, detail) => void logged.push([message, detail]) };
    deps.scheduler.scheduleAt = async () => {
      throw new Error('scheduler down');
    };
    await requestPermission(deps, ALEX, 'o1', 'c1', { justification: 'x' });
    expect(logged).toEqual([['schedule request expiry failed', { requestId: 'r1', error: 'Error: scheduler down' }]]);
    expect(store.requests.get('o1#r1')!.status).toBe('pending');
  });

  test('expiring loses its race: to a decision, it is done; to a busy trail, it throws so the scheduler retries', async () => {
    const decided = world();
    await requestPermission(decided.deps, ALEX, 'o1', 'c1', { justification: 'x' });
    decided.clock.set(new Date('2026-01-04T05:00:00.000Z'));
    decided.store.commit = async () => {
      decided.store.requests.set('o1#r1', { ...decided.store.requests.get('o1#r1')!, status: 'approved' });
      throw new ConcurrentChangeError();
    };
    await expect(expireRequest(decided.deps, 'o1', 'r1', 'scheduler')).resolves.toBe('already_ended');
    const busy = world();
    await requestPermission(busy.deps, ALEX, 'o1', 'c1', { justification: 'x' });
    busy.clock.set(new Date('2026-01-04T05:00:00.000Z'));
    busy.store.failNextCommits = 1;
    await expect(expireRequest(busy.deps, 'o1', 'r1', 'scheduler')).rejects.toThrow(ConcurrentChangeError);
    await expect(expireRequest(busy.deps, 'o1', 'r1', 'scheduler')).resolves.toBe('expired');
  });
});

describe('what is missing is named', () => {
  test('asking on a missing org, case or grant is a 404 naming it', async () => {
    const noOrg = world();
    noOrg.store.orgs.delete('o1');
    await expect(requestPermission(noOrg.deps, ALEX, 'o1', 'c1', { justification: 'x' })).rejects.toThrow(expect.objectContaining({ code: 'org_not_found' }));
    await expect(requestChange(noOrg.deps, ALEX, 'o1', 'c1', { description: 'x', grantId: 'g1', until: '2026-01-01T09:00:00Z' })).rejects.toThrow(expect.objectContaining({ code: 'org_not_found' }));
    const { deps } = world();
    await expect(requestPermission(deps, ALEX, 'o1', 'c9', { justification: 'x' })).rejects.toThrow(expect.objectContaining({ code: 'case_not_found' }));
    await expect(requestChange(deps, ALEX, 'o1', 'c9', { description: 'x', grantId: 'g1', until: '2026-01-01T09:00:00Z' })).rejects.toThrow(expect.objectContaining({ code: 'case_not_found' }));
    await expect(requestChange(deps, ALEX, 'o1', 'c1', { description: 'x', grantId: 'g9', until: '2026-01-01T09:00:00Z' })).rejects.toThrow(expect.objectContaining({ code: 'grant_not_found' }));
  });
});
