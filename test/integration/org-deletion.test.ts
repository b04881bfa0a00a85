import { DynamoStore } from '../../shared/adapters/dynamodb/store';
import { FileAuditArchive } from '../../shared/adapters/file-audit-archive';
import { ManualClock } from '../../shared/domain/clock';
import { deleteOrg, type DeletionDeps } from '../../shared/domain/org-provisioning';
import { newId } from '../../shared/ports/ids';
import { functionEnvironment, platformEnvironment } from '../../infra/local/layout';
import { adminCall } from '../support/clients';
import { stackClock } from '../support/clock';
import { db, eventually, layout, orgItems, uniqueId } from '../support/fixtures';

/**
 * A deletion goes on without its caller: a platform admin's DELETE that stops answering (the CLI
 * killed, the laptop closed) leaves a job the sweep takes further until the org is gone.
 */
describe('org deletion without its caller', () => {
  afterEach(() => stackClock.reset());

  test('a deletion left after its first step is finished by the sweep, which the audit trail names', async () => {
    // Prepare: an org, and one step of its deletion taken on the stack clock, then nobody calls again
    const slug = uniqueId('del');
    const created = await adminCall('POST', '/admin/orgs', { name: `Corp ${slug}`, plan: 'paid', environments: ['production'], firstAdminEmail: `admin@${slug}.test` });
    expect(created.status).toBe(201);
    const orgId = created.body.org.orgId as string;
    const now = await stackClock.set(new Date(Date.now()));
    const env = { ...platformEnvironment(layout), ...functionEnvironment(layout) };
    const deps: DeletionDeps = {
      store: new DynamoStore(db, layout.tableName),
      clock: new ManualClock(now),
      ids: newId,
      scheduler: { scheduleAt: async () => { throw new Error('no grants: nothing to schedule'); }, cancel: async () => { throw new Error('no grants: nothing to cancel'); } },
      limits: { maxGrantHours: 4320, minGrantSeconds: 1, sessionMinutes: 15, requestExpiryHours: 72 },
      archive: new FileAuditArchive(env.AUDIT_ARCHIVE_DIR!),
    };
    const firstStep = await deleteOrg(deps, { type: 'platform', id: 'arn:aws:iam::000000000000:user/leaving' }, orgId, 0);
    expect(firstStep.phase).toBe('exporting');
    expect((await adminCall('GET', `/admin/orgs/${orgId}/deletion`)).body).toMatchObject({ deleted: false, phase: 'exporting' });

    // Act: minutes pass; the sweep finds the stalled job through its index
    await stackClock.advance(6 * 60_000);

    // Assess: done, the org gone, the trail exported and ending with the sweep's `org.deleted`
    const status = await eventually('the sweep to finish the deletion', async () => {
      const res = await adminCall('GET', `/admin/orgs/${orgId}/deletion`);
      return res.body.deleted ? res : undefined;
    });
    expect(status.body).toMatchObject({ phase: 'done', auditExport: { chainIntact: true } });
    expect((await adminCall('GET', `/admin/orgs/${orgId}`)).status).toBe(404);
    const trail = (await orgItems(orgId)).filter((i) => i.type === 'audit');
    expect(trail.map((e) => [e.action, (e.actor as { type: string }).type])).toEqual([
      ['org.created', 'platform'],
      ['user.added', 'platform'],
      ['product_credentials.issued', 'platform'],
      ['org.deletion_started', 'platform'],
      ['org.suspended', 'platform'],
      ['org.deleted', 'system'],
    ]);
  });
});
