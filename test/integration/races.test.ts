import { AgentClient, PortalClient } from '../support/clients';
import { getItem, givenOrg, noticesOf, orgItems, type GivenOrg, uniqueAgent } from '../support/fixtures';

const ALEX = uniqueAgent('alex');

const RUNS = 20;

/** The org's outbox notices of one template. */
const noticesOfTemplate = async (orgId: string, template: string) => (await noticesOf(orgId)).filter((n) => n.template === template);

/**
 * Finding: an admin's extend racing an agent's "add a colleague" on the same case grant both
 * answered success, but the colleague was lost (whole-item writes conditioned only on status).
 * Every outcome must be one some serial order could give, with exactly the notices of the changes
 * that landed.
 */
describe('concurrent changes of one grant never lose an update', () => {
  let given: GivenOrg;
  let admin: PortalClient;
  let alex: AgentClient;

  beforeAll(async () => {
    given = await givenOrg({}, { remoteAccessPolicy: 'all_cases' });
    admin = await PortalClient.signIn(given.admin.email);
    alex = await AgentClient.signIn(ALEX);
  });

  test(`extend vs add a colleague on one case grant, ${RUNS} times at once`, async () => {
    // Prepare: an allowed case and its case grant
    const orgId = given.org.orgId;
    const user = await PortalClient.signIn(given.user.email);
    const caseId = /\/cases\/([^?]+)/.exec((await user.post('/cases', { subject: 'Race', description: 'x', environment: 'production', remoteAccess: 'allowed' })).location!)![1]!;
    const grantId = (await alex.call('POST', `/support/orgs/${orgId}/cases/${caseId}/activate`, {})).body.grantId as string;
    const outcomes: string[] = [];
    let extended = 0;
    let added = 0;

    for (let i = 0; i < RUNS; i++) {
      // Act: both at the same moment
      const colleague = uniqueAgent(`colleague${i}`);
      const hours = 10 + i;
      const csrf = await admin.csrf();
      const [extend, personnel] = await Promise.all([
        admin.post(`/grants/${grantId}/extend`, { durationHours: String(hours) }, { csrf }),
        alex.call('POST', `/support/orgs/${orgId}/grants/${grantId}/personnel`, { email: colleague }),
      ]);
      outcomes.push(`${extend.status}/${personnel.status}`);

      // Assess: whatever answered success is in the grant; a refusal is a 409, never a silent loss
      const grant = await getItem(`ORG#${orgId}`, `GRANT#${grantId}`);
      const people = (grant!.personnel as { email: string }[]).map((p) => p.email);
      expect([303, 409]).toContain(extend.status);
      expect([200, 409]).toContain(personnel.status);
      if (personnel.status === 200) {
        added++;
        expect(people).toContain(colleague);
      } else expect(people).not.toContain(colleague);
      if (extend.status === 303) {
        extended++;
        const hoursLeft = (Date.parse(grant!.expiresAt as string) - Date.now()) / 3_600_000;
        expect(hoursLeft).toBeGreaterThan(hours - 0.1);
        expect(hoursLeft).toBeLessThanOrEqual(hours + 0.01);
      }
    }

    // Assess: exactly the notices and audit events of the changes that landed
    expect((await noticesOfTemplate(orgId, 'personnel-added')).length).toBe(added);
    // (The first change may shorten the grant: it is then named so.)
    expect((await noticesOfTemplate(orgId, 'grant-extended')).length + (await noticesOfTemplate(orgId, 'grant-shortened')).length).toBe(extended);
    const audit = await orgItems(orgId);
    expect(audit.filter((e) => e.action === 'grant.personnel_added').length).toBe(added);
    expect(audit.filter((e) => e.action === 'grant.extended' || e.action === 'grant.shortened').length).toBe(extended);
    // With redo from a fresh read, both normally land
    expect(added + extended).toBeGreaterThanOrEqual(RUNS * 2 - 2);
    console.log(`extend/personnel outcomes over ${RUNS} runs: ${JSON.stringify(tally(outcomes))}`);
  });

  test(`revoke vs the agent ending its session, ${RUNS} times at once`, async () => {
    const orgId = given.org.orgId;
    const outcomes: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Prepare: a grant with a live session
      expect((await admin.post('/grants', { durationHours: '2', level: 'monitor', scope: 'all', environment: 'production' })).status).toBe(303);
      const grantId = [...(await admin.get('/')).html.matchAll(/data-grant="([^"]+)"/g)].map((m) => m[1]!).sort().at(-1)!;
      const session = await alex.call('POST', `/support/orgs/${orgId}/grants/${grantId}/sessions`, { justification: 'race' });
      expect(session.status).toBe(201);

      // Act
      const csrf = await admin.csrf();
      // The agent's call is the shorter one: staggering it by 0–19 ms explores both orders and the
      // interleavings between them (no assertion depends on the timing).
      const [revoke, end] = await Promise.all([
        admin.post(`/grants/${grantId}/revoke`, {}, { csrf }),
        new Promise((r) => setTimeout(r, i)).then(() => alex.call('DELETE', `/support/sessions/${session.body.sessionId}`)),
      ]);
      outcomes.push(`${revoke.status}/${end.status}`);

      // Assess: one serial order explains it: the agent first (200, then the revoke ends no session),
      // or the revoke first (it ends the session; the agent then hears 409 session_ended)
      expect(revoke.status).toBe(303);
      const grant = await getItem(`ORG#${orgId}`, `GRANT#${grantId}`);
      expect(grant).toMatchObject({ status: 'revoked' });
      const stored = await getItem(`ORG#${orgId}`, `SESSION#${grantId}#${session.body.sessionId}`);
      // The revoke's follow-up records the sessions it ended; it must not claim one the agent ended
      const endedByRevoke = (await orgItems(orgId))
        .filter((e) => e.action === 'grant.sessions_ended' && (e.target as { id: string }).id === grantId)
        .flatMap((e) => (e.after as { sessionIds: string[] }).sessionIds);
      if (end.status === 200) {
        expect(stored).toMatchObject({ status: 'ended', endedBy: { type: 'agent', email: ALEX } });
        expect(endedByRevoke).toEqual([]);
      } else {
        expect(end.body.title).toBe('session_ended');
        expect(stored).toMatchObject({ status: 'ended', endedBy: { type: 'user', email: given.admin.email } });
        expect(endedByRevoke).toEqual([session.body.sessionId]);
      }
    }
    console.log(`revoke/end-session outcomes over ${RUNS} runs: ${JSON.stringify(tally(outcomes))}`);
  });
});

const tally = (outcomes: string[]) => outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o]: (acc[o] ?? 0) + 1 }), {});
