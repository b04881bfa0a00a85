import { customer, portalActor } from '../../shared/domain/actor';
import { ConcurrentChangeError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/domain/errors';
import { changeGrantEnd, createUserGrant, EndedGrants, expireGrant, grantNotice, grantRecipients, listActiveGrants, loadGrant, readEndingEarly, recordTtlExpiry, revokeGrant, together, warnGrant, WARNING_MS } from '../../shared/domain/grant-service';
import type { Session, UserProfile } from '../../shared/domain/model';
import { MemoryStore } from '../support/memory-store';
import { recordingDeps } from '../support/grant-deps';
import { buildGrant, buildOrg } from '../support/org-builder';

const NOW = new Date('2026-01-01T05:00:00.000Z');
const ada: UserProfile = { email: 'ada@o1.test', orgId: 'o1', name: 'Ada', role: 'admin', level: 'admin', workspaces: 'all' };
const uma: UserProfile = { email: 'uma@o1.test', orgId: 'o1', name: 'Uma', role: 'user', level: 'manage', workspaces: ['sales'] };

function world(options: { schedulerFails?: boolean } = {}) {
  const store = new MemoryStore();
  store.orgs.set('o1', buildOrg('o1', { name: 'Acme' }, { authorizedContacts: ['sec@o1.test'], allowNonAdminGrants: true }));
  return { store, ...recordingDeps(store, NOW, options) };
}

/** The store, recording what the domain reads — each call but the commit, with its first argument (not what the memory store calls on itself). */
function counting(store: MemoryStore) {
  const reads: string[] = [];
  const asked = new Proxy(store, {
    get: (target, key) => {
      const value = (target as unknown as Record<PropertyKey, unknown>)[key];
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (key !== 'commit') reads.push(`${String(key)} ${JSON.stringify(args[0])}`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { asked, reads };
}

describe('granting', () => {
  test('a user grant: stored, audited, the user and contacts told, its expiry and 24-hour warning scheduled', async () => {
    const { store, deps, scheduled } = world();
    const grant = await createUserGrant(deps, customer(ada), { durationHours: '48', level: 'manage', environment: 'production', scope: 'all' });
    expect(grant).toMatchObject({ orgId: 'o1', grantId: 'id1', kind: 'user', grantedBy: { id: ada.email, email: ada.email, name: 'Ada' }, actAs: { email: ada.email }, level: 'manage', workspaces: 'all', status: 'active', createdAt: NOW.toISOString(), expiresAt: '2026-01-03T05:00:00.000Z', version: 1, caseIds: [], personnel: [] });
    expect(store.grants.get('o1#id1')).toEqual(grant);
    expect(store.audit.get('o1')!.map((e) => [e.action, e.target, e.after])).toEqual([['grant.created', { type: 'grant', id: 'id1' }, { level: 'manage', environment: 'production', expiresAt: '2026-01-03T05:00:00.000Z', workspaces: 'all' }]]);
    expect(store.notices.map((x) => [x.template, x.to, x.data.scope, x.data.actAs])).toEqual([['grant-created', ['ada@o1.test', 'sec@o1.test'], 'the whole account', 'ada@o1.test']]);
    expect(scheduled).toEqual([
      { name: 'grant-id1', at: '2026-01-03T05:00:00.000Z', target: { type: 'grant', orgId: 'o1', id: 'id1' } },
      { name: 'warn-id1', at: '2026-01-02T05:00:00.000Z', target: { type: 'warning', orgId: 'o1', id: 'id1' } },
    ]);
  });

  test('a grant of a day or less gets no warning; a failing scheduler is logged, never fatal (reads and the sweep end access)', async () => {
    const { deps, scheduled } = world();
    await createUserGrant(deps, customer(ada), { durationHours: '24', level: 'monitor', environment: 'production', scope: 'all' });
    expect(scheduled.map((s) => s.name)).toEqual(['grant-id1']);
    const failing = world({ schedulerFails: true });
    await createUserGrant(failing.deps, customer(ada), { durationHours: '48', level: 'monitor', environment: 'production', scope: 'all' });
    expect(failing.errors).toEqual(['schedule at expiry failed', 'schedule warning failed']);
    expect(failing.store.grants.size).toBe(1);
  });

  test('refused in a "log in as" session before anything is read; an unknown org is not found', async () => {
    const { deps, store } = world();
    await expect(createUserGrant(deps, portalActor(ada, 'alex@vendor.test'), { durationHours: '1' })).rejects.toThrow('in person');
    store.orgs.clear();
    await expect(createUserGrant(deps, customer(ada), { durationHours: '1' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('changing the end time', () => {
  const seeded = () => {
    const w = world();
    w.store.grants.set('o1#g1', buildGrant({ orgId: 'o1', grantId: 'g1', grantedBy: { id: uma.email, email: uma.email }, actAs: { id: uma.email, email: uma.email }, expiresAt: '2026-01-01T10:00:00.000Z', version: 2 }));
    return w;
  };

  test('later is "extended", earlier is "shortened": audited before and after, the notice says which, the schedules move', async () => {
    const { store, deps, scheduled } = seeded();
    const longer = await changeGrantEnd(deps, customer(ada), 'g1', '30');
    expect([longer.change, longer.grant.expiresAt, store.grants.get('o1#g1')!.version]).toEqual(['extended', '2026-01-02T11:00:00.000Z', 3]);
    const shorter = await changeGrantEnd(deps, customer(ada), 'g1', '1');
    expect([shorter.change, shorter.grant.expiresAt]).toEqual(['shortened', '2026-01-01T06:00:00.000Z']);
    expect(store.audit.get('o1')!.map((e) => [e.action, e.before, e.after])).toEqual([
      ['grant.extended', { expiresAt: '2026-01-01T10:00:00.000Z' }, { expiresAt: '2026-01-02T11:00:00.000Z' }],
      ['grant.shortened', { expiresAt: '2026-01-02T11:00:00.000Z' }, { expiresAt: '2026-01-01T06:00:00.000Z' }],
    ]);
    expect(store.notices.map((x) => [x.template, x.to, x.data.previousExpiresAt])).toEqual([
      ['grant-extended', ['uma@o1.test', 'sec@o1.test'], '2026-01-01T10:00:00.000Z'],
      ['grant-shortened', ['uma@o1.test', 'sec@o1.test'], '2026-01-02T11:00:00.000Z'],
    ]);
    expect(scheduled.map((s) => `${s.name}@${s.at}`)).toEqual(['grant-g1@2026-01-02T11:00:00.000Z', 'warn-g1@2026-01-01T11:00:00.000Z', 'grant-g1@2026-01-01T06:00:00.000Z']);
  });

  test('the same end again counts as extended (not earlier); bad hours name the field; a missing grant is not found', async () => {
    const { deps } = seeded();
    expect((await changeGrantEnd(deps, customer(ada), 'g1', '5')).change).toBe('extended');
    await expect(changeGrantEnd(deps, customer(ada), 'g1', 'soon')).rejects.toBeInstanceOf(ValidationError);
    await expect(changeGrantEnd(deps, customer(ada), 'nope', '5')).rejects.toBeInstanceOf(NotFoundError);
  });

  test('a user may change only grants that act as them', async () => {
    const { deps, store } = seeded();
    const other: UserProfile = { ...uma, email: 'zed@o1.test' };
    await expect(changeGrantEnd(deps, customer(other), 'g1', '5')).rejects.toBeInstanceOf(ForbiddenError);
    expect(store.committed).toEqual([]);
  });
});

describe('revoking', () => {
  test('revoked, audited, told, and its schedules deleted', async () => {
    const { store, deps, cancelled } = world();
    store.grants.set('o1#g1', buildGrant({ orgId: 'o1', grantId: 'g1', version: 1 }));
    await revokeGrant(deps, customer(ada), 'g1');
    expect(store.grants.get('o1#g1')).toMatchObject({ status: 'revoked', endReason: 'revoked', endedBy: { type: 'user', email: ada.email } });
    expect(store.audit.get('o1')!.map((e) => [e.action, e.before, e.after])).toEqual([['grant.revoked', { status: 'active' }, expect.objectContaining({ status: 'revoked' })]]);
    expect(store.notices.map((x) => [x.template, x.data.reason])).toEqual([['grant-ended', 'revoked']]);
    expect(cancelled).toEqual(['grant-g1', 'warn-g1']);
  });

  test('a read begun early (with the sign-in) for the actor\'s own org is the ending\'s read: nothing is read twice', async () => {
    const { store, deps } = world();
    store.grants.set('o1#g1', buildGrant({ orgId: 'o1', grantId: 'g1', version: 1 }));
    const { asked, reads } = counting(store);
    const early = readEndingEarly({ ...deps, store: asked }, 'o1', 'g1');
    await revokeGrant({ ...deps, store: asked }, customer(ada), 'g1', early);
    expect(reads).toHaveLength(2);
    expect(store.grants.get('o1#g1')).toMatchObject({ status: 'revoked' });
  });

  test('an early read of another org (a cookie naming it) is ignored: the actor\'s own org is read, and its grant ended', async () => {
    const { store, deps } = world();
    store.orgs.set('o2', buildOrg('o2'));
    store.grants.set('o1#g1', buildGrant({ orgId: 'o1', grantId: 'g1', version: 1 }));
    store.grants.set('o2#g1', buildGrant({ orgId: 'o2', grantId: 'g1', version: 1 }));
    const { asked, reads } = counting(store);
    await revokeGrant({ ...deps, store: asked }, customer(ada), 'g1', readEndingEarly({ ...deps, store: asked }, 'o2', 'g1'));
    expect(reads.filter((r) => r.startsWith('readTogether')).map((r) => JSON.parse(r.slice('readTogether '.length)).org)).toEqual(['o2', 'o1']);
    expect([store.grants.get('o1#g1')!.status, store.grants.get('o2#g1')!.status]).toEqual(['revoked', 'active']);
  });

  test('an early read that fails while the visitor is refused is no unhandled rejection; one awaited by the ending fails it', async () => {
    const { store, deps } = world();
    const failing = Object.assign(Object.create(store) as MemoryStore, { listSessionsOfGrant: async () => Promise.reject(new Error('store down')) });
    readEndingEarly({ ...deps, store: failing }, 'o1', 'g1');
    await new Promise((resolve) => setImmediate(resolve));
    store.grants.set('o1#g1', buildGrant({ orgId: 'o1', grantId: 'g1', version: 1 }));
    await expect(revokeGrant({ ...deps, store: failing }, customer(ada), 'g1', readEndingEarly({ ...deps, store: failing }, 'o1', 'g1'))).rejects.toThrow('store down');
  });
});

describe('ending a grant with live sessions', () => {
  const sessionOf = (i: number): Session => ({ sessionId: `s${i}`, orgId: 'o1', grantId: 'g1', agent: { id: 'alex', email: 'alex@vendor.test' }, actAs: { id: 'a', email: 'a@o1.test' }, justification: 'x', scope: ['read'], status: 'active', startedAt: NOW.toISOString(), expiresAt: '2026-01-01T05:10:00.000Z', version: 1 });

  test('the sessions are read with the grant, once: the follow-up ends them in chunks from what the ending knew, without reading again', async () => {
    const { store, deps } = world();
    store.grants.set('o1#g1', buildGrant({ orgId: 'o1', grantId: 'g1', version: 1 }));
    for (let i = 0; i < 30; i++) store.sessions.set(`s${i}`, sessionOf(i));
    store.sessions.set('old', { ...sessionOf(99), sessionId: 'old', status: 'ended' });
    const { asked, reads } = counting(store);
    await revokeGrant({ ...deps, store: asked }, customer(ada), 'g1');
    expect(reads.map((r) => r.split(' ')[0]).sort()).toEqual(['listSessionsOfGrant', 'readTogether']);
    expect([...store.sessions.values()].filter((x) => x.status === 'active')).toEqual([]);
    expect(store.committed.map((c) => [c.change.writes.length, c.change.audit.map((a) => a.action), c.change.auditHead?.seq])).toEqual([
      [1, ['grant.revoked'], 0],
      [25, ['grant.sessions_ended'], 1],
      [6, ['grant.sessions_ended'], 2],
    ]);
    expect(store.grants.get('o1#g1')).toMatchObject({ status: 'revoked', version: 3 });
    expect(store.grants.get('o1#g1')!.sessionsPending).toBeUndefined();
  });

  test('a follow-up that loses a race reads afresh and still ends every session', async () => {
    const { store, deps } = world();
    store.grants.set('o1#g1', buildGrant({ orgId: 'o1', grantId: 'g1', version: 1 }));
    for (let i = 0; i < 3; i++) store.sessions.set(`s${i}`, sessionOf(i));
    const commit = store.commit.bind(store);
    let calls = 0;
    store.commit = async (change) => {
      // The second commit (the follow-up's first) finds a session changed meanwhile.
      if (++calls === 2) store.sessions.set('s0', { ...store.sessions.get('s0')!, version: 2 });
      return commit(change);
    };
    await revokeGrant(deps, customer(ada), 'g1');
    expect([...store.sessions.values()].map((x) => x.status)).toEqual(['ended', 'ended', 'ended']);
    expect(store.grants.get('o1#g1')!.sessionsPending).toBeUndefined();
  });
});

describe('grants of one org expiring together', () => {
  const DUE = '2026-01-01T05:00:00.000Z';
  const dueWorld = () => {
    const w = world();
    w.store.orgs.set('o2', buildOrg('o2'));
    for (const id of ['a', 'b', 'c']) w.store.grants.set(`o1#${id}`, buildGrant({ orgId: 'o1', grantId: id, expiresAt: DUE, version: 1 }));
    w.store.grants.set('o1#later', buildGrant({ orgId: 'o1', grantId: 'later', expiresAt: '2026-01-01T06:00:00.000Z', version: 1 }));
    w.store.grants.set('o2#x', buildGrant({ orgId: 'o2', grantId: 'x', expiresAt: DUE, version: 1 }));
    return w;
  };
  const statuses = (store: MemoryStore) => Object.fromEntries([...store.grants.entries()].map(([key, g]) => [key, g.status]));

  test('the first schedule to fire ends every due grant of its org in one transaction, each audited and told; the others find theirs ended', async () => {
    const { store, deps } = dueWorld();
    expect(await expireGrant(deps, 'o1', 'b', 'scheduler')).toBe('expired');
    expect(statuses(store)).toEqual({ 'o1#a': 'expired', 'o1#b': 'expired', 'o1#c': 'expired', 'o1#later': 'active', 'o2#x': 'active' });
    expect(store.committed).toHaveLength(1);
    expect(store.audit.get('o1')!.map((e) => [e.action, e.target.id, e.actor])).toEqual([
      ['grant.expired', 'b', { type: 'system', id: 'scheduler' }],
      ['grant.expired', 'a', { type: 'system', id: 'scheduler' }],
      ['grant.expired', 'c', { type: 'system', id: 'scheduler' }],
    ]);
    expect(store.notices.map((n) => [n.template, n.data.reason])).toEqual([['grant-ended', 'expired'], ['grant-ended', 'expired'], ['grant-ended', 'expired']]);
    expect(await expireGrant(deps, 'o1', 'a', 'scheduler')).toBe('already_ended');
    expect(store.committed).toHaveLength(1);
  });

  test('the sessions of a grant ended with another are ended in its follow-up', async () => {
    const { store, deps } = dueWorld();
    store.sessions.set('s1', { sessionId: 's1', orgId: 'o1', grantId: 'c', agent: { id: 'alex', email: 'alex@vendor.test' }, actAs: { id: 'a', email: 'a@o1.test' }, justification: 'x', scope: ['read'], status: 'active', startedAt: '2026-01-01T04:55:00.000Z', expiresAt: '2026-01-01T05:10:00.000Z', version: 1 });
    await expireGrant(deps, 'o1', 'a', 'scheduler');
    expect([store.sessions.get('s1')!.status, store.grants.get('o1#c')!.sessionsPending]).toEqual(['ended', undefined]);
    expect(store.audit.get('o1')!.map((e) => [e.action, e.target.id])).toContainEqual(['grant.sessions_ended', 'c']);
  });

  test('an expiry reads in one round trip before its write: the grant, its org and audit head, the due grants and a page of sessions, asked together', async () => {
    const { store, deps } = dueWorld();
    store.sessions.set('s1', { sessionId: 's1', orgId: 'o1', grantId: 'a', agent: { id: 'alex', email: 'alex@vendor.test' }, actAs: { id: 'a', email: 'a@o1.test' }, justification: 'x', scope: ['read'], status: 'active', startedAt: '2026-01-01T04:55:00.000Z', expiresAt: '2026-01-01T05:10:00.000Z', version: 1 });
    // Each call is numbered by the wave it starts: a call made while none is in flight opens a new one.
    const calls: [string, number][] = [];
    let inFlight = 0;
    let waves = 0;
    const counted = new Proxy(store, {
      get: (target, key) => {
        const value = (target as unknown as Record<PropertyKey, unknown>)[key];
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (inFlight++ === 0) waves++;
          calls.push([String(key), waves]);
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } finally {
            inFlight--;
          }
        };
      },
    });
    expect(await expireGrant({ ...deps, store: counted }, 'o1', 'b', 'scheduler')).toBe('expired');
    const beforeWrite = calls.slice(0, calls.findIndex(([name]) => name === 'commit'));
    expect(beforeWrite.sort()).toEqual([['listDueGrants', 1], ['listSessionsPage', 1], ['readTogether', 1]]);
    // The session found on the page was ended with its grant.
    expect(store.sessions.get('s1')!.status).toBe('ended');
  });

  test('a container remembers what it ended: the later fires for the others ask the store nothing; an ending found is remembered too', async () => {
    const { store, deps } = dueWorld();
    const ended = new EndedGrants();
    expect(await expireGrant(deps, 'o1', 'a', 'scheduler', ended)).toBe('expired');
    const asked: string[] = [];
    const quiet = new Proxy(store, { get: (target, key) => (asked.push(String(key)), (target as unknown as Record<PropertyKey, unknown>)[key]) });
    expect(await expireGrant({ ...deps, store: quiet }, 'o1', 'b', 'scheduler', ended)).toBe('already_ended');
    expect(await expireGrant({ ...deps, store: quiet }, 'o1', 'c', 'scheduler', ended)).toBe('already_ended');
    expect(asked).toEqual([]);
    // Another org's grant, ended elsewhere: read once, then known.
    store.grants.set('o2#x', { ...store.grants.get('o2#x')!, status: 'revoked' });
    expect(await expireGrant(deps, 'o2', 'x', 'scheduler', ended)).toBe('already_ended');
    expect(ended.has('o2', 'x')).toBe(true);
    expect(ended.has('o1', 'later')).toBe(false);
  });

  test('what a container remembers is bounded: the oldest is forgotten first', () => {
    const ended = new EndedGrants(2);
    ended.add('o1', 'a');
    ended.add('o1', 'b');
    ended.add('o1', 'c');
    expect([ended.has('o1', 'a'), ended.has('o1', 'b'), ended.has('o1', 'c')]).toEqual([false, true, true]);
  });

  test('an org with more sessions stored than one page: each due grant\'s own sessions are asked for, and ended', async () => {
    const { store, deps } = dueWorld();
    store.sessions.set('s1', { sessionId: 's1', orgId: 'o1', grantId: 'b', agent: { id: 'alex', email: 'alex@vendor.test' }, actAs: { id: 'a', email: 'a@o1.test' }, justification: 'x', scope: ['read'], status: 'active', startedAt: '2026-01-01T04:55:00.000Z', expiresAt: '2026-01-01T05:10:00.000Z', version: 1 });
    store.listSessionsPage = async () => ({ sessions: [], more: true });
    const asked: string[] = [];
    const ofGrant = store.listSessionsOfGrant.bind(store);
    store.listSessionsOfGrant = async (orgId, grantId) => {
      asked.push(grantId);
      return ofGrant(orgId, grantId);
    };
    await expireGrant(deps, 'o1', 'a', 'scheduler');
    expect([...new Set(asked)].sort()).toEqual(['a', 'b', 'c']);
    expect(store.sessions.get('s1')!.status).toBe('ended');
  });

  test('an index that still lists a grant ended meanwhile loses the race: the redo ends this grant alone, and the other keeps its state', async () => {
    const { store, deps } = dueWorld();
    const stale = { ...store.grants.get('o1#c')! };
    store.grants.set('o1#c', { ...stale, status: 'revoked', version: 2 });
    const listDue = store.listDueGrants.bind(store);
    store.listDueGrants = async (...args) => [...(await listDue(...args)), stale];
    expect(await expireGrant(deps, 'o1', 'a', 'scheduler')).toBe('expired');
    expect(statuses(store)).toMatchObject({ 'o1#a': 'expired', 'o1#b': 'active', 'o1#c': 'revoked' });
    expect(store.audit.get('o1')!.map((e) => e.target.id)).toEqual(['a']);
  });
});

describe('the "ends in 24 hours" warning', () => {
  test('sent once per expiry, a day before; skipped when moved, ended, or already sent; a missing grant is missing', async () => {
    const { store, deps, clock } = world();
    store.grants.set('o1#g1', buildGrant({ orgId: 'o1', grantId: 'g1', expiresAt: new Date(NOW.getTime() + WARNING_MS).toISOString(), version: 1 }));
    expect(await warnGrant(deps, 'o1', 'nope')).toBe('missing');
    clock.advance(-61_000);
    expect(await warnGrant(deps, 'o1', 'g1')).toBe('moved');
    clock.advance(61_000);
    expect(await warnGrant(deps, 'o1', 'g1')).toBe('warned');
    expect(await warnGrant(deps, 'o1', 'g1')).toBe('already_warned');
    expect(store.notices.map((x) => x.template)).toEqual(['grant-ending-soon']);
    expect(store.audit.get('o1')!.map((e) => [e.action, e.actor, e.after])).toEqual([['grant.ending_soon_notified', { type: 'system', id: 'scheduler' }, { expiresAt: store.grants.get('o1#g1')!.expiresAt }]]);
    store.grants.set('o1#g1', { ...store.grants.get('o1#g1')!, status: 'revoked' });
    expect(await warnGrant(deps, 'o1', 'g1')).toBe('already_ended');
  });

  test('a warning that loses a race to an ending is "already ended"', async () => {
    const { store, deps } = world();
    store.grants.set('o1#g1', buildGrant({ orgId: 'o1', grantId: 'g1', expiresAt: new Date(NOW.getTime() + 3600_000).toISOString(), version: 1 }));
    store.commit = async () => {
      throw new ConcurrentChangeError();
    };
    expect(await warnGrant(deps, 'o1', 'g1')).toBe('already_ended');
  });
});

describe('reads and helpers', () => {
  test('active grants: all for an admin, only those acting as them for a user; ended and expired ones never', async () => {
    const { store, deps } = world();
    store.grants.set('o1#a', buildGrant({ orgId: 'o1', grantId: 'a', actAs: { id: uma.email, email: uma.email }, expiresAt: '2026-01-01T06:00:00.000Z' }));
    store.grants.set('o1#b', buildGrant({ orgId: 'o1', grantId: 'b', expiresAt: '2026-01-01T06:00:00.000Z' }));
    store.grants.set('o1#c', buildGrant({ orgId: 'o1', grantId: 'c', status: 'revoked', expiresAt: '2026-01-01T06:00:00.000Z' }));
    store.grants.set('o1#d', buildGrant({ orgId: 'o1', grantId: 'd', expiresAt: NOW.toISOString() }));
    expect((await listActiveGrants(deps, ada)).map((g) => g.grantId).sort()).toEqual(['a', 'b']);
    expect((await listActiveGrants(deps, uma)).map((g) => g.grantId)).toEqual(['a']);
    expect((await listActiveGrants(deps, ada, [buildGrant({ grantId: 'given', expiresAt: '2026-01-01T06:00:00.000Z' }), buildGrant({ grantId: 'old', expiresAt: '2026-01-01T04:00:00.000Z' })])).map((g) => g.grantId)).toEqual(['given']);
    await expect(loadGrant(store, 'o1', 'zz')).rejects.toBeInstanceOf(NotFoundError);
    expect((await loadGrant(store, 'o1', 'a')).grantId).toBe('a');
  });

  test('recipients: a user grant\'s user, a case grant\'s contact (who granted it), and the contacts, lower-cased, once each', () => {
    const org = buildOrg('o1', {}, { authorizedContacts: ['SEC@o1.test', 'uma@o1.test'] });
    expect(grantRecipients(org, buildGrant({ actAs: { id: 'x', email: 'Uma@o1.test' } }))).toEqual(['uma@o1.test', 'sec@o1.test']);
    expect(grantRecipients(org, buildGrant({ kind: 'case', grantedBy: { id: 'c', email: 'contact@o1.test' }, actAs: { id: 'p', email: 'profile@o1.test' } }))).toEqual(['contact@o1.test', 'sec@o1.test', 'uma@o1.test']);
  });

  test('a notice\'s data: names over emails where known, the scope in words, and what the caller adds', () => {
    const { deps } = world();
    const notice = grantNotice(deps, buildOrg('o1', { name: 'Acme' }), buildGrant({ kind: 'case', grantedBy: { id: 'c', email: 'c@o1.test', name: 'Cleo' }, actAs: { id: 'p', email: 'p@o1.test', name: 'Support profile' }, workspaces: ['sales', 'finance'] }), 'grant-created', { extra: 'x' });
    expect(notice).toEqual({
      noticeId: 'id1',
      orgId: 'o1',
      template: 'grant-created',
      to: ['c@o1.test'],
      createdAt: NOW.toISOString(),
      data: { orgName: 'Acme', orgId: 'o1', grantId: 'g1', grantedBy: 'Cleo', actAs: 'Support profile', level: 'manage', scope: 'workspaces sales, finance', environment: 'production', expiresAt: '2026-01-01T10:00:00.000Z', grantKind: 'case', extra: 'x' },
    });
  });

  test('reads issued together fail in the order given, whichever answers first', async () => {
    const slowFail = new Promise((_, reject) => setTimeout(() => reject(new Error('first')), 10));
    const fastFail = Promise.reject(new Error('second'));
    await expect(together([slowFail, fastFail] as const)).rejects.toThrow('first');
    expect(await together([Promise.resolve(1), Promise.resolve('a')] as const)).toEqual([1, 'a']);
  });

  test('a grant only TTL saw end is recorded once as expired (noticed by TTL), and its people told', async () => {
    const { store, deps } = world();
    const grant = buildGrant({ orgId: 'o1', grantId: 'g9' });
    expect(await recordTtlExpiry(deps, grant)).toBe('recorded');
    expect(store.audit.get('o1')!.map((e) => [e.action, e.actor, e.after])).toEqual([['grant.expired', { type: 'system', id: 'ttl' }, { status: 'expired', endReason: 'expired', noticedBy: 'ttl' }]]);
    expect(store.notices.map((x) => [x.template, x.data.reason])).toEqual([['grant-ended', 'expired']]);
    expect(await recordTtlExpiry(deps, { ...grant, status: 'revoked' })).toBe('already_ended');
    expect(await recordTtlExpiry(deps, { ...grant, orgId: 'gone' })).toBe('already_ended');
  });
});
