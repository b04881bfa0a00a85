import { customer } from '../../shared/domain/actor';
import { join } from 'node:path';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { DynamoStore } from '../../shared/adapters/dynamodb/store';
import { LocalKeySigner } from '../../shared/adapters/local-key-signer';
import { EventBridgeScheduler } from '../../shared/adapters/scheduler';
import { ManualClock } from '../../shared/domain/clock';
import { createUserGrant, revokeGrant } from '../../shared/domain/grant-service';
import { introspect, type ProductDeps } from '../../shared/domain/introspection';
import { startSession } from '../../shared/domain/session-service';
import { newId } from '../../shared/ports/ids';
import { functionEnvironment, platformEnvironment } from '../../infra/local/layout';
import { db, givenOrg, layout, uniqueAgent } from '../support/fixtures';

const ALEX = uniqueAgent('alex');

/**
 * The domain over the real table with a hand-moved clock: introspection turns inactive at the
 * grant's expiry instant and at its revocation, not a second later.
 */
describe('introspection against a controlled clock', () => {
  const env = { ...platformEnvironment(layout), ...functionEnvironment(layout) };
  const clock = new ManualClock(new Date());
  const deps: ProductDeps = {
    store: new DynamoStore(db, layout.tableName),
    scheduler: new EventBridgeScheduler(new SchedulerClient({ endpoint: layout.urls.scheduler, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }), {
      groupName: env.SCHEDULE_GROUP!,
      targetArn: env.EXPIRE_FUNCTION_ARN!,
      roleArn: env.SCHEDULER_ROLE_ARN!,
      deadLetterArn: env.SCHEDULER_DLQ_ARN!,
    }),
    clock,
    ids: newId,
    limits: { maxGrantHours: 4320, minGrantSeconds: 1, sessionMinutes: 15, requestExpiryHours: 72 },
    signer: new LocalKeySigner(join(layout.dataDir, 'keys', 'session-signing-key.json')),
    token: { issuer: layout.urls.portal, audience: 'product' },
  };
  const agent = { id: `staff-${ALEX}`, email: ALEX };

  async function liveSession(seconds: number) {
    const given = await givenOrg();
    const client = given.product;
    clock.set(new Date());
    const grant = await createUserGrant(deps, customer(given.admin), { durationHours: String(seconds / 3600) });
    const { token } = await startSession(deps, agent, given.org.orgId, grant.grantId, { justification: 'clock test' });
    return { given, client, grant, token };
  }

  test('active until the last millisecond before expiry, inactive at the expiry instant', async () => {
    const { client, grant, token } = await liveSession(600);
    const expiry = Date.parse(grant.expiresAt);

    clock.set(new Date(expiry - 1));
    const before = await introspect(deps, client, token);
    clock.set(new Date(expiry));
    const at = await introspect(deps, client, token);

    // The token itself is valid for at most 15 minutes of its 10-minute grant, so expiry is the grant's.
    expect(before.active).toBe(true);
    expect(at).toEqual({ active: false });
  });

  test('inactive in the same instant the grant is revoked', async () => {
    const { given, client, grant, token } = await liveSession(3600);
    clock.advance(5_000);
    expect((await introspect(deps, client, token)).active).toBe(true);

    await revokeGrant(deps, customer(given.admin), grant.grantId);

    expect(await introspect(deps, client, token)).toEqual({ active: false });
  });
});
