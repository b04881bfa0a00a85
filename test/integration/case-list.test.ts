import { AgentClient, anonymous } from '../support/clients';
import { givenOrg, type GivenOrg, uniqueAgent } from '../support/fixtures';

const ALEX = uniqueAgent('alex');

/** `GET /support/orgs/{orgId}/cases`: what an agent sees of an org's cases, a page at a time. */
describe('support lists an org\'s cases', () => {
  let given: GivenOrg;
  let alex: AgentClient;
  const opened: string[] = [];

  beforeAll(async () => {
    given = await givenOrg({}, { remoteAccessPolicy: 'all_cases' });
    alex = await AgentClient.signIn(ALEX);
    for (const subject of ['First', 'Second', 'Third', 'Fourth', 'Fifth']) {
      const res = await alex.call('POST', `/support/orgs/${given.org.orgId}/cases`, { subject, contactEmail: given.user.email });
      expect(res.status).toBe(201);
      opened.push(res.body.caseId);
    }
    expect((await alex.call('POST', `/support/orgs/${given.org.orgId}/cases/${opened[1]}/resolve`)).status).toBe(200);
  });

  const list = (query = '') => alex.call('GET', `/support/orgs/${given.org.orgId}/cases${query}`);
  const ids = (body: { cases: { caseId: string }[] }) => body.cases.map((c) => c.caseId);

  test('open cases by default, newest first, shown as the single-case route shows them', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    const open = opened.filter((_, i) => i !== 1).reverse();
    expect(ids(res.body)).toEqual(open);
    expect(res.body.next).toBeUndefined();
    const one = await alex.call('GET', `/support/orgs/${given.org.orgId}/cases/${open[0]}`);
    expect(res.body.cases[0]).toEqual(one.body);
  });

  test('?status=solved and ?status=all', async () => {
    expect(ids((await list('?status=solved')).body)).toEqual([opened[1]]);
    expect(ids((await list('?status=all')).body)).toEqual([...opened].reverse());
  });

  test('pages: limit, then next as after, until no next; every case once', async () => {
    const seen: string[] = [];
    let query = '?status=all&limit=2';
    for (let pages = 0; pages < 5; pages++) {
      const res = await list(query);
      expect(res.status).toBe(200);
      expect(res.body.cases.length).toBeLessThanOrEqual(2);
      seen.push(...ids(res.body));
      if (!res.body.next) break;
      query = `?status=all&limit=2&after=${res.body.next}`;
    }
    expect(seen).toEqual([...opened].reverse());
  });

  test.each([
    ['?status=closed', 'status'],
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?limit=2.5', 'limit'],
    ['?after=..%2FORG', 'after'],
  ])('bad input %s: 400 naming %s', async (query, field) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field });
  });

  test('an unknown org is 404; no token is 401', async () => {
    expect((await alex.call('GET', '/support/orgs/no-such-org/cases')).status).toBe(404);
    expect((await anonymous('GET', `/support/orgs/${given.org.orgId}/cases`)).status).toBe(401);
  });

  test('another org\'s list holds none of these cases', async () => {
    const other = await givenOrg();
    await alex.call('POST', `/support/orgs/${other.org.orgId}/cases`, { subject: 'Elsewhere', contactEmail: other.user.email });
    const res = await alex.call('GET', `/support/orgs/${other.org.orgId}/cases?status=all&after=${opened[4]}`);
    expect(res.status).toBe(200);
    expect(ids(res.body).filter((id) => opened.includes(id))).toEqual([]);
  });
});
