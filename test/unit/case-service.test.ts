import { customer, portalActor } from '../../shared/domain/actor';
import { ForbiddenError, NotFoundError, ValidationError } from '../../shared/domain/errors';
import type { Org, Session, UserProfile } from '../../shared/domain/model';
import { listCasesOf, loadCase, openCase, openCaseByEmail, setRemoteAccess, solveCase } from '../../shared/domain/case-service';
import { MemoryStore } from '../support/memory-store';
import { recordingDeps } from '../support/grant-deps';
import { buildCase, buildGrant, buildOrg } from '../support/org-builder';

const NOW = new Date('2026-01-01T05:00:00.000Z');
const ada: UserProfile = { email: 'ada@o1.test', orgId: 'o1', name: 'Ada', role: 'admin', level: 'admin', workspaces: 'all' };
const cleo: UserProfile = { email: 'cleo@o1.test', orgId: 'o1', name: 'Cleo', role: 'user', level: 'manage', workspaces: 'all' };
const ALEX = { id: 'alex-sub', email: 'alex@vendor.test' };

function world(settings: Partial<Org['settings']> = {}, org: Partial<Org> = {}) {
  const store = new MemoryStore();
  store.orgs.set('o1', buildOrg('o1', { environments: ['production', 'sandbox'], ...org }, { remoteAccessPolicy: 'all_cases', authorizedContacts: ['sec@o1.test'], ...settings }));
  store.users.set(ada.email, ada);
  store.users.set(cleo.email, cleo);
  const { deps, cancelled } = recordingDeps(store, NOW);
  return { store, deps, cancelled };
}

const caseOf = (caseId: string, over = {}) => buildCase({ orgId: 'o1', caseId, contact: { id: cleo.email, email: cleo.email }, version: 1, ...over });
const caseGrant = (grantId: string, caseIds: string[]) => buildGrant({ orgId: 'o1', grantId, kind: 'case', caseIds, personnel: [ALEX], grantedBy: { id: cleo.email, email: cleo.email }, expiresAt: '2026-01-02T00:00:00.000Z', version: 1 });

describe('opening cases', () => {
  test('in the portal: the contact is the user, the history starts with their choice, audited as case.opened', async () => {
    const { store, deps } = world();
    const c = await openCase(deps, customer(cleo), { subject: ' Import broke ', description: 'Since Monday', environment: 'sandbox', remoteAccess: 'denied' });
    expect(c).toEqual({ orgId: 'o1', caseId: 'id1', subject: 'Import broke', description: 'Since Monday', environment: 'sandbox', contact: { id: cleo.email, email: cleo.email, name: 'Cleo' }, channel: 'portal', remoteAccess: 'denied', status: 'open', history: [{ at: NOW.toISOString(), by: cleo.email, from: null, to: 'denied' }], createdAt: NOW.toISOString(), version: 1 });
    expect(store.audit.get('o1')!.map((e) => [e.action, e.caseId, e.after])).toEqual([['case.opened', 'id1', { subject: 'Import broke', channel: 'portal', remoteAccess: 'denied', environment: 'sandbox' }]]);
    // The policy's default when nothing is chosen.
    expect((await openCase(deps, customer(cleo), { subject: 'x', description: '', environment: 'production' })).remoteAccess).toBe('allowed');
  });

  test('from an email (by support): it starts denied, the contact must be a user of the org', async () => {
    const { store, deps } = world();
    const c = await openCaseByEmail(deps, ALEX, 'o1', { subject: 'Login fails', description: 'd', contactEmail: cleo.email });
    expect(c).toMatchObject({ channel: 'email', remoteAccess: 'denied', environment: 'production', contact: { email: cleo.email, name: 'Cleo' }, history: [{ by: ALEX.email, from: null, to: 'denied' }] });
    expect(store.audit.get('o1')!.at(-1)!.actor).toEqual({ type: 'agent', id: ALEX.id, email: ALEX.email });
    await expect(openCaseByEmail(deps, ALEX, 'o1', { subject: 'x', description: '', contactEmail: 'ghost@o1.test' })).rejects.toThrow(expect.objectContaining({ field: 'contactEmail', message: 'ghost@o1.test is not a user of this organization.' }));
    store.users.set('zed@o2.test', { ...cleo, email: 'zed@o2.test', orgId: 'o2' });
    await expect(openCaseByEmail(deps, ALEX, 'o1', { subject: 'x', description: '', contactEmail: 'zed@o2.test' })).rejects.toBeInstanceOf(ValidationError);
  });

  test('a "log in as" session cannot open a case; unknown cases and orgs are not found', async () => {
    const { deps } = world();
    await expect(openCase(deps, portalActor(cleo, ALEX.email), { subject: 'x' })).rejects.toThrow('in person');
    await expect(loadCase(deps, 'o1', 'nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(listCasesOf(deps, 'o9', { limit: 10 })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('switching remote access', () => {
  test('allowing: the history and version move on, audited; choosing the same again writes nothing', async () => {
    const { store, deps } = world();
    store.cases.set('o1#c1', caseOf('c1', { remoteAccess: 'denied' }));
    const updated = await setRemoteAccess(deps, customer(cleo), 'c1', 'allowed');
    expect(updated).toMatchObject({ remoteAccess: 'allowed', version: 2, history: [{ at: NOW.toISOString(), by: cleo.email, from: 'denied', to: 'allowed' }] });
    expect(store.audit.get('o1')!.map((e) => [e.action, e.before, e.after])).toEqual([['case.remote_access_changed', { remoteAccess: 'denied' }, { remoteAccess: 'allowed' }]]);
    const writes = store.committed.length;
    await setRemoteAccess(deps, customer(cleo), 'c1', 'allowed');
    expect(store.committed.length).toBe(writes);
  });

  test('denying withdraws consent: a grant for this case only ends; one still linked to another allowed, open case is unlinked', async () => {
    const { store, deps, cancelled } = world();
    store.cases.set('o1#c1', caseOf('c1'));
    store.cases.set('o1#c2', caseOf('c2'));
    store.cases.set('o1#c3', caseOf('c3', { remoteAccess: 'denied' }));
    store.grants.set('o1#only', caseGrant('only', ['c1', 'c3']));
    store.grants.set('o1#both', caseGrant('both', ['c1', 'c2']));
    await setRemoteAccess(deps, customer(cleo), 'c1', 'denied');
    expect(store.grants.get('o1#only')).toMatchObject({ status: 'ended', endReason: 'consent_withdrawn', caseIds: ['c3'] });
    expect(store.grants.get('o1#both')).toMatchObject({ status: 'active', caseIds: ['c2'] });
    expect(store.committed.at(-1)!.change.audit.map((e) => [e.action, e.target.id, e.caseId])).toEqual([
      ['case.remote_access_changed', 'c1', 'c1'],
      ['grant.ended', 'only', 'c1'],
      ['grant.case_unlinked', 'both', 'c1'],
    ]);
    expect(store.committed.at(-1)!.change.notices.map((x) => [x.template, x.data.reason])).toEqual([['grant-ended', 'consent_withdrawn']]);
    expect(cancelled).toEqual(['grant-only', 'warn-only']);
  });

  test('refused: a bad value (400), another user\'s case (403), a solved case, a "log in as" session', async () => {
    const { store, deps } = world();
    store.cases.set('o1#c1', caseOf('c1'));
    await expect(setRemoteAccess(deps, customer(cleo), 'c1', 'maybe')).rejects.toThrow(expect.objectContaining({ field: 'remoteAccess', message: 'Remote access must be "allowed" or "denied".' }));
    await expect(setRemoteAccess(deps, customer({ ...cleo, email: 'bob@o1.test' }), 'c1', 'denied')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(setRemoteAccess(deps, portalActor(cleo, ALEX.email), 'c1', 'denied')).rejects.toThrow('in person');
    store.cases.set('o1#c1', caseOf('c1', { status: 'solved' }));
    await expect(setRemoteAccess(deps, customer(cleo), 'c1', 'denied')).rejects.toThrow(expect.objectContaining({ code: 'case_solved' }));
    expect(store.committed).toEqual([]);
  });
});

describe('solving a case', () => {
  test('grants linked only to it end first (case_solved), one linked to an open case goes on; then the case is solved, naming what ended', async () => {
    const { store, deps, cancelled } = world();
    store.cases.set('o1#c1', caseOf('c1'));
    store.cases.set('o1#c2', caseOf('c2'));
    store.grants.set('o1#only', caseGrant('only', ['c1']));
    store.grants.set('o1#both', caseGrant('both', ['c1', 'c2']));
    store.grants.set('o1#user', buildGrant({ orgId: 'o1', grantId: 'user', expiresAt: '2026-01-02T00:00:00.000Z' }));
    const { case: solved, ended } = await solveCase(deps, { type: 'agent', agent: ALEX }, 'o1', 'c1');
    expect(solved).toMatchObject({ status: 'solved', solvedAt: NOW.toISOString(), version: 2 });
    expect(ended.map((g) => g.grantId)).toEqual(['only']);
    expect(store.grants.get('o1#both')!.status).toBe('active');
    expect(store.grants.get('o1#user')!.status).toBe('active');
    expect(store.committed.map((c) => c.change.audit.map((e) => e.action))).toEqual([['grant.ended'], ['case.solved']]);
    expect(store.audit.get('o1')!.at(-1)).toMatchObject({ action: 'case.solved', actor: { type: 'agent', email: ALEX.email }, after: { grantsEnded: ['only'] } });
    expect(cancelled).toEqual(['grant-only', 'warn-only']);
  });

  test('a grant whose other case is solved too ends; its live sessions end after it', async () => {
    const { store, deps } = world();
    store.cases.set('o1#c1', caseOf('c1'));
    store.cases.set('o1#c2', caseOf('c2', { status: 'solved' }));
    store.grants.set('o1#g', caseGrant('g', ['c1', 'c2']));
    const session: Session = { sessionId: 's1', orgId: 'o1', grantId: 'g', agent: ALEX, actAs: { id: 'p', email: 'p' }, justification: 'x', scope: ['read'], status: 'active', startedAt: NOW.toISOString(), expiresAt: '2026-01-01T05:10:00.000Z', version: 1 };
    store.sessions.set('s1', session);
    const { ended } = await solveCase(deps, customer(ada), 'o1', 'c1');
    expect(ended.map((g) => g.grantId)).toEqual(['g']);
    expect(store.sessions.get('s1')!.status).toBe('ended');
  });

  test('refused: already solved, someone else\'s case, unknown case or org', async () => {
    const { store, deps } = world();
    store.cases.set('o1#c1', caseOf('c1', { status: 'solved' }));
    await expect(solveCase(deps, customer(cleo), 'o1', 'c1')).rejects.toThrow('Case c1 is already solved.');
    store.cases.set('o1#c2', caseOf('c2'));
    await expect(solveCase(deps, customer({ ...cleo, email: 'bob@o1.test' }), 'o1', 'c2')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(solveCase(deps, customer(cleo), 'o1', 'nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(solveCase(deps, customer(cleo), 'o9', 'c2')).rejects.toBeInstanceOf(NotFoundError);
    expect(store.committed).toEqual([]);
  });
});
