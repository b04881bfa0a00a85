import { ManualClock } from '../../shared/domain/clock';
import { deleteOrg, deletionOf, type PlatformActor, type ProvisioningDeps } from '../../shared/domain/org-provisioning';
import { customer } from '../../shared/domain/actor';
import { createUserGrant } from '../../shared/domain/grant-service';
import type { UserProfile } from '../../shared/domain/model';
import { MemoryStore } from '../support/memory-store';
import { buildOrg } from '../support/org-builder';

const T0 = new Date('2026-03-02T10:00:00.000Z');
const platform: PlatformActor = { type: 'platform', id: 'arn:aws:iam::123456789012:role/PlatformAdmin' };

/** An org with `live` active grants and `old` ended ones: more items than one removal page. */
async function world(live: number, old: number) {
  const store = new MemoryStore();
  const archived: string[] = [];
  const deps: ProvisioningDeps = {
    store,
    clock: new ManualClock(T0),
    ids: (() => { let n = 0; return () => `id${++n}`; })(),
    scheduler: { scheduleAt: async () => undefined, cancel: async () => undefined },
    limits: { maxGrantHours: 4320, minGrantSeconds: 3600, sessionMinutes: 15, requestExpiryHours: 72 },
    archive: { put: async (key) => { archived.push(key); return `archive://${key}`; } },
    orgDefaults: { defaultGrantHours: 24, maxGrantHours: 4320 },
  };
  store.orgs.set('o1', buildOrg('o1'));
  const admin: UserProfile = { email: 'admin@o1.test', orgId: 'o1', name: 'Ada', role: 'admin', level: 'admin', workspaces: 'all' };
  store.users.set(admin.email, admin);
  for (let i = 0; i < live; i++) await createUserGrant(deps, customer(admin), { durationHours: '2' });
  const model = [...store.grants.values()][0]!;
  for (let i = 0; i < old; i++) store.grants.set(`o1#old${i}`, { ...model, grantId: `old${i}`, status: 'ended' });
  store.audit.set('o1', []);
  return { store, deps, archived };
}

describe('deleting an org goes in resumable steps', () => {
  test('one step per call with no time left: suspend, export, remove page by page, then done; each call goes on from the last', async () => {
    const { store, deps, archived } = await world(3, 400);
    const phases: string[] = [];
    for (let calls = 0; calls < 20; calls++) {
      const job = await deleteOrg(deps, platform, 'o1', 0);
      phases.push(job.phase);
      if (job.phase === 'done') break;
    }
    // Even late, each call ends one of the 3 live grants; then 403 grants go in pages of 200, then the org.
    expect(phases).toEqual(['suspending', 'suspending', 'exporting', 'removing', 'removing', 'removing', 'removing', 'done']);
    const job = await deletionOf(deps, 'o1');
    expect(job).toMatchObject({ phase: 'done', grantsEnded: 3, itemsRemoved: 404, auditExport: { events: 5, chainIntact: true } });
    expect(archived).toHaveLength(1);
    expect(store.orgs.has('o1')).toBe(false);
    expect(store.audit.get('o1')!.map((e) => e.action)).toEqual(['org.deletion_started', 'org.suspended', 'grant.ended', 'grant.ended', 'grant.ended', 'org.deleted']);
  });

  test('a finished deletion answers the same again and writes nothing more', async () => {
    const { store, deps } = await world(1, 0);
    const first = await deleteOrg(deps, platform, 'o1', Number.POSITIVE_INFINITY);
    expect(first.phase).toBe('done');
    const events = store.audit.get('o1')!.length;
    expect(await deleteOrg(deps, platform, 'o1', Number.POSITIVE_INFINITY)).toEqual(first);
    expect(store.audit.get('o1')).toHaveLength(events);
  });

  test('an org never deleted has no deletion to report', async () => {
    const { deps } = await world(0, 0);
    await expect(deletionOf(deps, 'o1')).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
