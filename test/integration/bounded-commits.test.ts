import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { sessionItem, sessionRefItem } from '../../shared/adapters/dynamodb/items';
import type { Session } from '../../shared/domain/model';
import { AgentClient, PortalClient } from '../support/clients';
import { stackClock } from '../support/clock';
import { db, eventually, getItem, givenOrg, layout, type GivenOrg, uniqueAgent } from '../support/fixtures';

const ALEX = uniqueAgent('alex');

afterEach(() => stackClock.reset());

const SESSIONS = 150;

/** Puts `count` live sessions on a grant straight into the table (as an agent's many sign-ins would). */
async function manySessions(orgId: string, grantId: string, count: number, expiresAt: string): Promise<void> {
  for (let i = 0; i < count; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, count - i) }, async (_, j) => {
        const session: Session = { sessionId: `s${i + j}-${grantId}`, orgId, grantId, agent: { id: `staff-${ALEX}`, email: ALEX }, actAs: { id: 'x', email: 'x@o.test' }, justification: 'load', scope: ['read'], status: 'active', startedAt: new Date().toISOString(), expiresAt, version: 1 };
        await db.send(new PutCommand({ TableName: layout.tableName, Item: sessionItem(session) }));
        await db.send(new PutCommand({ TableName: layout.tableName, Item: sessionRefItem(session) }));
      }),
    );
  }
}

const sessionsOf = async (orgId: string, grantId: string) =>
  (await db.send(new QueryCommand({ TableName: layout.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': `ORG#${orgId}`, ':p': `SESSION#${grantId}#` }, ConsistentRead: true }))).Items ?? [];

/**
 * Finding: ending a grant wrote every still-active session in the same transaction as the grant;
 * past 96 sessions that exceeds DynamoDB's 100 items per transaction, so revoke, expire and
 * solve failed. The grant must end in one bounded transaction and its live sessions after it, in
 * chunks; stale ones (past their own expiry) need no write at all.
 */
describe(`a grant with ${SESSIONS} live sessions can still be ended`, () => {
  let given: GivenOrg;
  let admin: PortalClient;
  let alex: AgentClient;

  beforeAll(async () => {
    given = await givenOrg({}, { remoteAccessPolicy: 'all_cases' });
    admin = await PortalClient.signIn(given.admin.email);
    alex = await AgentClient.signIn(ALEX);
  });

  const newGrant = async (hours = '2') => {
    expect((await admin.post('/grants', { durationHours: hours, level: 'monitor', scope: 'all', environment: 'production' })).status).toBe(303);
    return [...(await admin.get('/')).html.matchAll(/data-grant="([^"]+)"/g)].map((m) => m[1]!).sort().at(-1)!;
  };

  test('revoked: the grant ends at once and every live session after it; stale ones are left to TTL', async () => {
    const orgId = given.org.orgId;
    const grantId = await newGrant();
    await manySessions(orgId, grantId, SESSIONS, new Date(Date.now() + 10 * 60_000).toISOString());
    const revoked = await admin.post(`/grants/${grantId}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect(await getItem(`ORG#${orgId}`, `GRANT#${grantId}`)).toMatchObject({ status: 'revoked' });
    await eventually('every live session ended', async () => (await sessionsOf(orgId, grantId)).every((s) => s.status === 'ended'));
    expect(await sessionsOf(orgId, grantId)).toHaveLength(SESSIONS);
  });

  test('expired by the scheduler with as many sessions', async () => {
    const orgId = given.org.orgId;
    const grantId = await newGrant(String(60 / 3600));
    await manySessions(orgId, grantId, SESSIONS, new Date(Date.now() + 50_000).toISOString());
    await stackClock.advance(3 * 60_000);
    expect(await getItem(`ORG#${orgId}`, `GRANT#${grantId}`)).toMatchObject({ status: 'expired' });
  });

  test('solving the case of a case grant with as many sessions', async () => {
    const orgId = given.org.orgId;
    const user = await PortalClient.signIn(given.user.email);
    const caseId = /\/cases\/([^?]+)/.exec((await user.post('/cases', { subject: 'Busy case', description: 'x', environment: 'production', remoteAccess: 'allowed' })).location!)![1]!;
    const grantId = (await alex.call('POST', `/support/orgs/${orgId}/cases/${caseId}/activate`, {})).body.grantId as string;
    await manySessions(orgId, grantId, SESSIONS, new Date(Date.now() + 10 * 60_000).toISOString());
    const solved = await alex.call('POST', `/support/orgs/${orgId}/cases/${caseId}/resolve`);
    expect(solved.status).toBe(200);
    expect(await getItem(`ORG#${orgId}`, `GRANT#${grantId}`)).toMatchObject({ status: 'ended', endReason: 'case_solved' });
    await eventually('every live session ended', async () => (await sessionsOf(orgId, grantId)).every((s) => s.status === 'ended'));
  });
});
