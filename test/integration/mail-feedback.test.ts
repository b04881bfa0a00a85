import { PortalClient } from '../support/clients';
import { allNoticesSent, eventually, givenOrg, layout, orgItems } from '../support/fixtures';
import { emailsTo } from '../support/mailbox';

/** The mail-feedback function as Lambda would run it, against the test stack's table. */
async function mailFeedback() {
  Object.assign(process.env, { TABLE_NAME: layout.tableName, AWS_ENDPOINT_URL_DYNAMODB: layout.urls.dynamodb, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', POWERTOOLS_METRICS_DISABLED: 'true' });
  return (await import('../../functions/mail-feedback')).handler;
}

const snsEvent = (message: unknown) => ({ Records: [{ EventSource: 'aws:sns', Sns: { MessageId: 'm1', Message: JSON.stringify(message) } }] }) as never;

describe('bounces and complaints from SES', () => {
  test('a permanently bouncing address is suppressed: later notices skip it, visibly in the audit', async () => {
    // Prepare: SES reports the authorized contact's address bouncing
    const given = await givenOrg();
    const bouncing = `security@${given.org.orgId}.test`;
    const handler = await mailFeedback();
    expect(await handler(snsEvent({ eventType: 'Bounce', bounce: { bounceType: 'Permanent', bounceSubType: 'NoEmail', bouncedRecipients: [{ emailAddress: bouncing }] } }))).toEqual({ suppressed: 1 });
    // Act: a grant notifies the granter and the contact
    const admin = await PortalClient.signIn(given.admin.email);
    expect((await admin.post('/grants', { durationHours: '2', level: 'monitor', scope: 'all', environment: 'production' })).status).toBe(303);
    // Assess: the granter is mailed, the bouncing address is not, and the audit says so
    await eventually('the grant email', async () => (await emailsTo(given.admin.email)).find((e) => e.subject.includes('granted')));
    await allNoticesSent(given.org.orgId);
    expect(await emailsTo(bouncing)).toEqual([]);
    expect((await orgItems(given.org.orgId)).filter((e) => e.action === 'notice.suppressed').map((e) => (e.after as { recipient: string }).recipient)).toEqual([bouncing]);
  });
});
