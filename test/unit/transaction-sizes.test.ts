import { agent, customer } from '../../shared/domain/actor';
import { requestPermission } from '../../shared/domain/access-requests';
import { activateCaseAccess } from '../../shared/domain/case-grants';
import { openCase, setRemoteAccess, solveCase } from '../../shared/domain/case-service';
import { ManualClock } from '../../shared/domain/clock';
import { createUserGrant, expireGrant, EXPIRY_BATCH, revokeGrant, SESSION_CHUNK, type GrantDeps } from '../../shared/domain/grant-service';
import type { PortalSession, Session, UserProfile } from '../../shared/domain/model';
import { signOutEverywhere } from '../../shared/domain/portal-sessions';
import { deleteOrg } from '../../shared/domain/org-provisioning';
import { MAX_TRANSACTION_ITEMS } from '../../shared/adapters/dynamodb/store';
import { MemoryStore } from '../support/memory-store';
import { buildOrg } from '../support/org-builder';

const T0 = new Date('2026-03-02T10:00:00.000Z');
const SESSIONS = 150;

function world(settings: Parameters<typeof buildOrg>[2] = {}) {
  const store = new MemoryStore();
  const clock = new ManualClock(T0);
  let n = 0;
  const deps: GrantDeps = {
    store,
    clock,
    ids: () => `id${String(++n).padStart(5, '0')}`,
    scheduler: { scheduleAt: async () => undefined, cancel: async () => undefined },
    limits: { maxGrantHours: 4320, minGrantSeconds: 3600, sessionMinutes: 15, requestExpiryHours: 72 },
  };
  const org = buildOrg('o1', {}, { remoteAccessPolicy: 'all_cases', authorizedContacts: Array.from({ length: 20 }, (_, i) => `contact${i}@o1.test`), ...settings });
  store.orgs.set('o1', org);
  const admin: UserProfile = { email: 'admin@o1.test', orgId: 'o1', name: 'Ada', role: 'admin', level: 'admin', workspaces: 'all' };
  store.users.set(admin.email, admin);
  return { store, clock, deps, admin };
}

/** Live sessions on a grant, as many "log in as" sign-ins would leave. */
function addSessions(store: MemoryStore, grantId: string, count: number, expiresAt: string) {
  for (let i = 0; i < count; i++) {
    const s: Session = { sessionId: `s${i}`, orgId: 'o1', grantId, agent: { id: 'a', email: 'alex@vendor.test' }, actAs: { id: 'x', email: 'x@o1.test' }, justification: 'j', scope: ['read'], status: 'active', startedAt: T0.toISOString(), expiresAt, version: 1 };
    store.sessions.set(s.sessionId, s);
  }
}

const largest = (store: MemoryStore, from = 0) => Math.max(...store.committed.slice(from).map((c) => c.items));
const table: [string, number][] = [];

describe('no transaction grows with data: the largest each operation builds', () => {
  afterAll(() => {
    // The figures the README quotes.
    console.log(`largest transaction per operation (items, DynamoDB allows ${MAX_TRANSACTION_ITEMS}):\n${table.map(([op, n]) => `  ${op}: ${n}`).join('\n')}`);
  });

  test(`revoking a grant with ${SESSIONS} live sessions: the grant in 3 items, sessions in chunks of ${SESSION_CHUNK}`, async () => {
    const { store, deps, admin } = world();
    const grant = await createUserGrant(deps, customer(admin), { durationHours: '2' });
    table.push(['grant', largest(store)]);
    addSessions(store, grant.grantId, SESSIONS, '2026-03-02T10:10:00.000Z');
    const from = store.committed.length;
    await revokeGrant(deps, customer(admin), grant.grantId);
    const sizes = store.committed.slice(from).map((c) => c.items);
    expect(sizes[0]).toBe(4); // grant, chain head, event, notice
    expect(sizes.slice(1)).toEqual(Array.from({ length: SESSIONS / SESSION_CHUNK }, (_, i) => SESSION_CHUNK + 2 + (i === SESSIONS / SESSION_CHUNK - 1 ? 1 : 0)));
    expect([...store.sessions.values()].every((s) => s.status === 'ended')).toBe(true);
    expect(store.grants.get(`o1#${grant.grantId}`)!.sessionsPending).toBeUndefined();
    table.push(['revoke (150 sessions)', largest(store, from)]);
  });

  test('stale sessions (past their own end) cost nothing', async () => {
    const { store, deps, admin, clock } = world();
    const grant = await createUserGrant(deps, customer(admin), { durationHours: '2' });
    addSessions(store, grant.grantId, SESSIONS, '2026-03-02T10:05:00.000Z');
    clock.set(new Date('2026-03-02T12:00:00.000Z'));
    const from = store.committed.length;
    expect(await expireGrant(deps, 'o1', grant.grantId, 'scheduler')).toBe('expired');
    expect(store.committed.slice(from).map((c) => c.items)).toEqual([4]);
    table.push(['expire (150 stale sessions)', largest(store, from)]);
  });

  test(`50 grants of one org due together: the expiry ends ${EXPIRY_BATCH} in one transaction (3 items each and the head), the rest on their own schedules`, async () => {
    const { store, deps, admin, clock } = world();
    const grants = [];
    for (let i = 0; i < 50; i++) grants.push(await createUserGrant(deps, customer(admin), { durationHours: '1' }));
    clock.set(new Date(T0.getTime() + 3_600_000));
    const from = store.committed.length;
    expect(await expireGrant(deps, 'o1', grants[49]!.grantId, 'scheduler')).toBe('expired');
    expect(store.committed.slice(from).map((c) => c.items)).toEqual([EXPIRY_BATCH * 3 + 1]);
    expect([...store.grants.values()].filter((g) => g.status === 'expired')).toHaveLength(EXPIRY_BATCH);
    table.push([`expire (${EXPIRY_BATCH} of one org due together)`, largest(store, from)]);
  });

  test('solving a case ends its grants one transaction each, then the case', async () => {
    const { store, deps, admin } = world();
    const c = await openCase(deps, customer(admin), { subject: 'Busy', environment: 'production', remoteAccess: 'allowed' });
    for (let i = 0; i < 20; i++) await activateCaseAccess(deps, { id: `a${i}`, email: `agent${i}@vendor.test` }, 'o1', c.caseId, {});
    const one = [...store.grants.values()][0]!;
    addSessions(store, one.grantId, SESSIONS, '2026-03-02T10:10:00.000Z');
    table.push(['activate case access', largest(store)]);
    const from = store.committed.length;
    const { ended } = await solveCase(deps, agent({ id: 'a0', email: 'agent0@vendor.test' }), 'o1', c.caseId);
    expect(ended).toHaveLength(20);
    expect(largest(store, from)).toBeLessThanOrEqual(SESSION_CHUNK + 3);
    table.push(['solve (20 case grants, 150 sessions)', largest(store, from)]);
  });

  test('withdrawing consent ends the case grants in the case\'s transaction, bounded by at most 20 per case', async () => {
    const { store, deps, admin } = world();
    const c = await openCase(deps, customer(admin), { subject: 'Withdraw', environment: 'production', remoteAccess: 'allowed' });
    for (let i = 0; i < 20; i++) await activateCaseAccess(deps, { id: `a${i}`, email: `agent${i}@vendor.test` }, 'o1', c.caseId, {});
    await expect(activateCaseAccess(deps, { id: 'a20', email: 'agent20@vendor.test' }, 'o1', c.caseId, {})).rejects.toMatchObject({ code: 'too_many_case_grants' });
    const from = store.committed.length;
    await setRemoteAccess(deps, customer(admin), c.caseId, 'denied');
    // The case, its event, the head, and per grant: the grant, its event, its notice
    expect(store.committed[from]!.items).toBe(3 + 20 * 3);
    table.push(['withdraw consent (20 case grants)', largest(store, from)]);
  });

  test('a permission request to the case contact and 20 authorized contacts', async () => {
    const { store, deps, admin } = world({ remoteAccessPolicy: 'approval_needed' });
    const c = await openCase(deps, customer(admin), { subject: 'Ask', environment: 'production' });
    const from = store.committed.length;
    await requestPermission(deps, { id: 'a', email: 'alex@vendor.test' }, 'o1', c.caseId, { justification: 'Let me look' });
    table.push(['permission request (21 recipients)', largest(store, from)]);
    expect(largest(store, from)).toBe(2 + 1 + 1 + 21);
  });

  test('signing a user out everywhere, 60 sign-ins', async () => {
    const { store, deps, admin } = world();
    for (let i = 0; i < 60; i++) {
      const s: PortalSession = { sid: `p${i}`, email: admin.email, orgId: 'o1', status: 'active', createdAt: T0.toISOString(), lastSeenAt: T0.toISOString(), expiresAt: '2026-03-02T18:00:00.000Z', version: 1 };
      store.portalSessions.set(`${admin.email}#${s.sid}`, s);
    }
    const from = store.committed.length;
    expect(await signOutEverywhere(deps, customer(admin), undefined)).toBe(60);
    expect(largest(store, from)).toBe(SESSION_CHUNK + 2);
    table.push(['sign out everywhere (60 sign-ins)', largest(store, from)]);
  });

  test('deleting an org with 20 live grants, 150 sessions on one: each grant alone, the job one item', async () => {
    const { store, deps, admin } = world();
    const grants = [];
    for (let i = 0; i < 20; i++) grants.push(await createUserGrant(deps, customer(admin), { durationHours: '2' }));
    addSessions(store, grants[0]!.grantId, SESSIONS, '2026-03-02T10:10:00.000Z');
    const from = store.committed.length;
    const job = await deleteOrg({ ...deps, archive: { put: async (key) => key } }, { type: 'platform', id: 'arn:aws:iam::1:role/admin' }, 'o1', Number.POSITIVE_INFINITY);
    expect(job).toMatchObject({ phase: 'done', grantsEnded: 20 });
    expect(largest(store, from)).toBe(SESSION_CHUNK + 3);
    table.push(['delete org (20 grants, 150 sessions on one)', largest(store, from)]);
  });

  test('every figure is within DynamoDB\'s limit', () => {
    expect(table.length).toBeGreaterThanOrEqual(8);
    for (const [, n] of table) expect(n).toBeLessThanOrEqual(MAX_TRANSACTION_ITEMS);
  });
});
