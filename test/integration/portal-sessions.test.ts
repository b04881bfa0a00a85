import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { userKey } from '../../shared/adapters/dynamodb/keys/user';
import { PortalClient } from '../support/clients';
import { stackClock } from '../support/clock';
import { db, givenOrg, givenUser, layout, orgItems, type GivenOrg, uniqueAgent } from '../support/fixtures';

const ALEX = uniqueAgent('alex');

afterEach(() => stackClock.reset());

const MINUTE = 60_000;
const signedIn = async (client: PortalClient) => (await client.get('/')).status === 200;

describe('portal sessions live on the server: signing out signs out', () => {
  let given: GivenOrg;

  beforeAll(async () => {
    given = await givenOrg();
  });

  test('sign-in and sign-out are audited as whoever it really is', async () => {
    const before = (await orgItems(given.org.orgId)).length;
    const client = await PortalClient.signIn(given.user.email);
    const support = await PortalClient.signIn(given.user.email, { actingAgent: ALEX });
    await client.post('/logout', {});
    await support.post('/logout', {});
    const events = (await orgItems(given.org.orgId)).slice(before).filter((e) => String(e.action).startsWith('user.signed'));
    expect(events.map((e) => [e.action, (e.actor as { type: string }).type, (e.actor as { actingAs?: string }).actingAs])).toEqual([
      ['user.signed_in', 'user', undefined],
      ['user.signed_in', 'agent', given.user.email],
      ['user.signed_out', 'user', undefined],
      ['user.signed_out', 'agent', given.user.email],
    ]);
  });

  test('"sign out everywhere" ends every sign-in of the user at once, this one included', async () => {
    const laptop = await PortalClient.signIn(given.user.email);
    const phone = await PortalClient.signIn(given.user.email);
    const res = await laptop.post('/sign-out-everywhere', {});
    expect(res.status).toBe(200);
    expect(res.html).toContain('Every sign-in of yours ended');
    expect(await signedIn(laptop)).toBe(false);
    expect(await signedIn(phone)).toBe(false);
  });

  test('an admin signs another user of the org out everywhere; a plain user cannot; another org\'s user is not found', async () => {
    const victim = await givenUser(given.org.orgId, `lost-laptop-${Date.now()}`);
    const session = await PortalClient.signIn(victim.email);
    const plain = await PortalClient.signIn(given.user.email);
    expect((await plain.post('/sign-out-everywhere', { email: victim.email })).status).toBe(403);
    expect(await signedIn(session)).toBe(true);
    const other = await givenOrg();
    const admin = await PortalClient.signIn(given.admin.email);
    expect((await admin.post('/sign-out-everywhere', { email: other.user.email })).status).toBe(404);
    const done = await admin.post('/sign-out-everywhere', { email: victim.email });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/settings?done=signed-out&n=1');
    expect(await signedIn(session)).toBe(false);
    expect(await signedIn(admin)).toBe(true);
  });

  test('30 idle minutes end a sign-in; being seen keeps it; 8 hours end it whatever', async () => {
    const start = new Date(Math.floor(Date.now() / MINUTE) * MINUTE);
    await stackClock.set(start);
    const busy = await PortalClient.signIn(given.user.email);
    const idle = await PortalClient.signIn(given.user.email);
    // Busy is seen every 10 minutes for 40 minutes; idle is not
    for (let t = 10; t <= 40; t += 10) {
      await stackClock.set(new Date(start.getTime() + t * MINUTE));
      expect(await signedIn(busy)).toBe(true);
    }
    expect(await signedIn(idle)).toBe(false);
    // Seen every 20 minutes up to 8 hours, still refused at 8 hours
    for (let t = 60; t < 480; t += 20) {
      await stackClock.set(new Date(start.getTime() + t * MINUTE));
      expect(await signedIn(busy)).toBe(true);
    }
    await stackClock.set(new Date(start.getTime() + 480 * MINUTE));
    expect(await signedIn(busy)).toBe(false);
  });

  test('a user removed from the org is out at once', async () => {
    const leaver = await givenUser(given.org.orgId, `leaver-${Date.now()}`);
    const session = await PortalClient.signIn(leaver.email);
    expect(await signedIn(session)).toBe(true);
    await db.send(new DeleteCommand({ TableName: layout.tableName, Key: userKey(leaver.email) }));
    expect((await session.get('/')).status).toBe(403);
  });
});
