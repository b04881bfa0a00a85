import { GENESIS_HASH } from '../../shared/domain/audit';
import { expireTarget } from '../../shared/domain/expiry';
import { ConcurrentChangeError } from '../../shared/domain/errors';
import { expireGrant, type GrantDeps } from '../../shared/domain/grant-service';
import type { Grant } from '../../shared/domain/model';
import type { Store } from '../../shared/ports/store';
import { buildGrant, buildOrg } from '../support/org-builder';

const due: Grant = buildGrant();
const HEAD = { seq: 0, hash: GENESIS_HASH };

/** A store whose commit always loses (a busy audit trail), and whose grant reads as `after` once it has. */
function losingStore(after: Grant): Store {
  let lost = false;
  return {
    readTogether: async () => ({ grant: lost ? after : due, org: buildOrg('o1'), auditHead: HEAD }),
    listSessionsOfGrant: async () => [],
    listDueGrants: async () => [],
    listSessionsPage: async () => ({ sessions: [], more: false }),
    commit: async () => {
      lost = true;
      throw new ConcurrentChangeError('The audit trail is busy; nothing was written. Try again.');
    },
  } as unknown as Store;
}

const depsWith = (store: Store): GrantDeps => ({
  store,
  scheduler: { scheduleAt: async () => undefined, cancel: async () => undefined },
  clock: { now: () => new Date('2026-01-01T10:00:01.000Z') },
  ids: () => 'n1',
  limits: { maxGrantHours: 4320, minGrantSeconds: 3600, sessionMinutes: 15, requestExpiryHours: 72 },
});

describe('the expiry target when its commit loses', () => {
  test('the grant is still active (a busy audit trail): redone from fresh reads, then it throws, so the scheduler retries', async () => {
    await expect(expireGrant(depsWith(losingStore(due)), 'o1', 'g1', 'scheduler')).rejects.toMatchObject({ code: 'concurrent_change', kind: 'conflict' });
  });

  test('someone else ended it meanwhile: already ended, nothing to retry', async () => {
    await expect(expireGrant(depsWith(losingStore({ ...due, status: 'revoked' })), 'o1', 'g1', 'scheduler')).resolves.toBe('already_ended');
  });
});

describe('an early fire', () => {
  test('re-arms the schedule for the item\'s expiry and returns; nothing is thrown for Lambda to retry', async () => {
    // Prepare: the grant ends at 10:00:30; the target runs at 10:00:01
    const grant = buildGrant({ expiresAt: '2026-01-01T10:00:30.000Z' });
    const armed: { name: string; at: string }[] = [];
    const deps: GrantDeps = {
      ...depsWith({ getGrant: async () => grant, readTogether: async () => ({ grant, org: buildOrg('o1'), auditHead: HEAD }), listSessionsOfGrant: async () => [], listDueGrants: async () => [], listSessionsPage: async () => ({ sessions: [], more: false }) } as unknown as Store),
      scheduler: { scheduleAt: async (name, at) => void armed.push({ name, at: at.toISOString() }), cancel: async () => undefined },
    };
    // Act
    const outcome = await expireTarget(deps, { type: 'grant', orgId: 'o1', id: grant.grantId }, 'scheduler');
    // Assess
    expect(outcome).toBe('rearmed');
    expect(armed).toEqual([{ name: `grant-${grant.grantId}`, at: '2026-01-01T10:00:30.000Z' }]);
  });

  test('a due grant is expired, not re-armed', async () => {
    const armed: string[] = [];
    let committed = 0;
    const store = { getGrant: async () => due, readTogether: async () => ({ grant: due, org: buildOrg('o1'), auditHead: HEAD }), listSessionsOfGrant: async () => [], listDueGrants: async () => [], listSessionsPage: async () => ({ sessions: [], more: false }), commit: async () => void committed++ } as unknown as Store;
    const deps: GrantDeps = { ...depsWith(store), scheduler: { scheduleAt: async (name) => void armed.push(name), cancel: async () => undefined } };
    expect(await expireTarget(deps, { type: 'grant', orgId: 'o1', id: due.grantId }, 'scheduler')).toBe('expired');
    expect([committed, armed]).toEqual([1, []]);
  });
});
