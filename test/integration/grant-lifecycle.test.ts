import { GRANT_RETENTION_SECONDS } from '../../shared/adapters/dynamodb/items';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { AgentClient, PortalClient } from '../support/clients';
import { eventually, getItem, givenOrg, layout, type GivenOrg, schedules, uniqueAgent } from '../support/fixtures';
import { emailsTo } from '../support/mailbox';

const ALEX = uniqueAgent('alex');


const grantIdFrom = (html: string): string => {
  const id = /data-grant="([^"]+)"/.exec(html)?.[1];
  if (!id) throw new Error('no grant on the dashboard');
  return id;
};

describe('the grant lifecycle, through the portal, the support API and the local scheduler', () => {
  let given: GivenOrg;
  let admin: PortalClient;
  let agent: AgentClient;

  beforeAll(async () => {
    given = await givenOrg();
    admin = await PortalClient.signIn(given.admin.email);
    agent = await AgentClient.signIn(ALEX);
  });

  test('a grant made in the form is listed, usable by an agent, and revoked by the customer', async () => {
    // Prepare / Act: the admin grants two hours of login access
    const granted = await admin.post('/grants', { durationHours: '2', level: 'manage', environment: 'production' });
    expect(granted.status).toBe(303);
    expect(granted.location).toBe('/?done=granted');

    // Assess: on the dashboard, stored active with a schedule named after it, and announced
    const dashboard = await admin.get('/?done=granted');
    expect(dashboard.html).toContain('Login access granted');
    const grantId = grantIdFrom(dashboard.html);
    const item = await getItem(`ORG#${given.org.orgId}`, `GRANT#${grantId}`);
    expect(item).toMatchObject({ status: 'active', level: 'manage', environment: 'production', actAs: { email: given.admin.email } });
    const hours = (Date.parse(item!.expiresAt as string) - Date.parse(item!.createdAt as string)) / 3_600_000;
    expect(hours).toBeCloseTo(2, 2);
    expect(item!.ttl).toBe(Math.floor(Date.parse(item!.expiresAt as string) / 1000) + GRANT_RETENTION_SECONDS);
    expect(await schedules()).toContain(`grant-${grantId}`);
    const granted_mail = await eventually('the "granted" email', async () => (await emailsTo(given.admin.email)).find((e) => e.subject.includes('granted')));
    expect(granted_mail.body.text).toContain('(manage level, the whole account, production)');
    expect(granted_mail.from).toBe(`"${layout.stage.mailFromName}" <support-access@localhost.test>`);
    expect((await emailsTo(`security@${given.org.orgId}.test`)).some((e) => e.subject.includes('granted'))).toBe(true);

    // Act: the agent lists it and starts a "log in as" session
    const listed = await agent.call('GET', `/support/orgs/${given.org.orgId}/grants?status=active`);
    expect(listed.status).toBe(200);
    expect(listed.body.grants.map((g: { grantId: string }) => g.grantId)).toEqual([grantId]);
    const session = await agent.call('POST', `/support/orgs/${given.org.orgId}/grants/${grantId}/sessions`, { justification: 'Ticket 42: report fails to load' });
    expect(session.status).toBe(201);

    // Assess: the token verifies against the published JWKS and names who acts as whom
    const jwks = createRemoteJWKSet(new URL(`${layout.urls.portal}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(session.body.token, jwks, { issuer: layout.urls.portal, audience: 'product' });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ sub: given.admin.email, act: { email: ALEX }, grant: grantId, org: given.org.orgId, scope: 'read' });
    expect(payload.exp! * 1000).toBeLessThanOrEqual(Date.parse(item!.expiresAt as string));
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(15 * 60);

    // Act: the admin revokes it
    const revoked = await admin.post(`/grants/${grantId}/revoke`, {});
    expect(revoked.status).toBe(303);

    // Assess: gone from the dashboard, revoked in the table with its session ended, schedule deleted
    expect((await admin.get('/')).html).not.toContain(grantId);
    expect(await getItem(`ORG#${given.org.orgId}`, `GRANT#${grantId}`)).toMatchObject({ status: 'revoked', endReason: 'revoked' });
    expect(await getItem(`ORG#${given.org.orgId}`, `SESSION#${grantId}#${session.body.sessionId}`)).toMatchObject({ status: 'ended' });
    expect(await schedules()).not.toContain(`grant-${grantId}`);
    const refused = await agent.call('POST', `/support/orgs/${given.org.orgId}/grants/${grantId}/sessions`, { justification: 'again' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ title: 'grant_revoked' });
    const ended = await eventually('the "ended" email', async () => (await emailsTo(given.admin.email)).find((e) => e.subject.includes('ended')));
    expect(ended.body.text).toContain('because it was revoked');
  });
});
