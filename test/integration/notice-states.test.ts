import { PortalClient } from '../support/clients';
import { stackClock } from '../support/clock';
import { allNoticesSent, eventually, givenOrg, noticesOf, orgItems } from '../support/fixtures';
import { emailsTo } from '../support/mailbox';
import { sesVerdict, streamFailures } from '../support/ses';

afterEach(() => stackClock.reset());

/**
 * Findings: a permanent SES refusal was retried like a transient one, holding every later record
 * of the shard until the retries ran out (then dropped too); after the stream's retries the
 * notice stayed pending forever, with only a pointer in the on-failure queue.
 */
describe('notices that cannot be lost', () => {
  test('a permanently refused recipient is marked failed (audited) and everyone else, and every later notice, still gets theirs', async () => {
    // Prepare: the org's authorized contact is an address SES refuses
    const given = await givenOrg();
    const bad = `security@${given.org.orgId}.test`;
    await sesVerdict(bad, 'reject');
    const admin = await PortalClient.signIn(given.admin.email);
    // Act: a grant, then its revoke
    expect((await admin.post('/grants', { durationHours: '2', level: 'monitor', scope: 'all', environment: 'production' })).status).toBe(303);
    const grantId = /\/grants\/([^/]+)\/revoke/.exec((await admin.get('/')).html)![1]!;
    expect((await admin.post(`/grants/${grantId}/revoke`, {})).status).toBe(303);
    // Assess: the admin got both emails; the refused address none; the refusal is on record
    await eventually('the admin\'s "ended" email', async () => (await emailsTo(given.admin.email)).find((e) => e.subject.includes('ended')));
    await allNoticesSent(given.org.orgId);
    expect((await emailsTo(given.admin.email)).filter((e) => e.subject.includes('granted'))).toHaveLength(1);
    expect(await emailsTo(bad)).toHaveLength(0);
    const notices = await noticesOf(given.org.orgId);
    expect(notices.every((n) => (n.failedTo as string[] | undefined)?.includes(bad))).toBe(true);
    const failed = (await orgItems(given.org.orgId)).filter((e) => e.action === 'notice.failed');
    expect(failed).toHaveLength(notices.length);
    expect(failed[0]).toMatchObject({ actor: { type: 'system', id: 'mailer' }, after: { recipient: bad } });
    await sesVerdict(bad, 'accept');
  });

  test('a notice the stream gave up on reaches the on-failure destination, and the sweep re-drives it once when SES is back', async () => {
    // Prepare: SES throttles both recipients of the org
    const given = await givenOrg();
    const recipients = [given.admin.email, `security@${given.org.orgId}.test`];
    for (const r of recipients) await sesVerdict(r, 'throttle');
    const failuresBefore = (await streamFailures()).length;
    const admin = await PortalClient.signIn(given.admin.email);
    // Act: a grant; the stream retries its notice until it gives up
    expect((await admin.post('/grants', { durationHours: '2', level: 'monitor', scope: 'all', environment: 'production' })).status).toBe(303);
    const failures = await eventually('the stream to give up on the batch', async () => ((await streamFailures()).length > failuresBefore ? streamFailures() : undefined), 40_000);
    expect(failures.at(-1)).toMatchObject({ requestContext: { condition: 'RetryAttemptsExhausted' }, DDBStreamBatchInfo: { batchSize: expect.any(Number) } });
    const [notice] = await noticesOf(given.org.orgId);
    expect(notice).toMatchObject({ status: 'pending' });
    // Act: SES is back; ten minutes later the sweep finds the notice through the re-drive index
    for (const r of recipients) await sesVerdict(r, 'accept');
    await stackClock.advance(16 * 60_000);
    // Assess: delivered once to each
    await eventually('the re-driven email', async () => (await emailsTo(given.admin.email)).find((e) => e.subject.includes('granted')));
    await allNoticesSent(given.org.orgId);
    for (const r of recipients) expect((await emailsTo(r)).filter((e) => e.subject.includes('granted'))).toHaveLength(1);
    expect((await noticesOf(given.org.orgId))[0]).toMatchObject({ status: 'sent', redrivenBy: 'sweep' });
  });
});
