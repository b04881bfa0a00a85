import { execFileSync } from 'node:child_process';
import { AgentClient, PortalClient } from '../support/clients';
import { allNoticesSent, eventually, getItem, givenOrg, layout, noticesOf, schedules, uniqueAgent } from '../support/fixtures';
import { sesVerdict } from '../support/ses';
import { emailsTo, mailbox } from '../support/mailbox';
import { stackClock } from '../support/clock';

const ALEX = uniqueAgent('alex');

afterEach(() => stackClock.reset());



const newestGrant = async (client: PortalClient) => [...(await client.get('/')).html.matchAll(/data-grant="([^"]+)"/g)].map((m) => m[1]!).sort().at(-1)!;

/** Kills the test stack's SES emulator (the stack restarts it two seconds later). */
function crashSesEmulator() {
  const pids = execFileSync('pgrep', ['-f', `aws-ses-v2-local/dist/cli.js --host 127.0.0.1 --port ${layout.ports.mailbox}`], { encoding: 'utf8' }).trim().split('\n');
  for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
}

describe('notice delivery you can trust', () => {
  test('with the SES emulator down, grants are made and revoked; once it is back every notice arrives exactly once', async () => {
    const given = await givenOrg();
    const admin = await PortalClient.signIn(given.admin.email);

    // Act: the mail service goes away; the customer keeps working. (The admin's address is also
    // held back at the SES gate until a failed send is seen, so the outage cannot end first.)
    await sesVerdict(given.admin.email, 'throttle');
    crashSesEmulator();
    const grantIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      expect((await admin.post('/grants', { durationHours: '2' })).status).toBe(303);
      grantIds.push(await newestGrant(admin));
    }
    expect((await admin.post(`/grants/${grantIds[0]}/revoke`, {})).status).toBe(303);
    expect(await getItem(`ORG#${given.org.orgId}`, `GRANT#${grantIds[0]}`)).toMatchObject({ status: 'revoked' });

    // Assess: a send failed during the outage — the mailer gave its claim back with nothing sent
    await eventually('a failed send during the outage', async () => (await noticesOf(given.org.orgId)).some((n) => n.status === 'pending' && Array.isArray(n.sentTo) && (n.sentTo as string[]).length === 0));
    // The outage ends: the gate lets the address through and the emulator is back up.
    await sesVerdict(given.admin.email, 'accept');
    await eventually('the SES emulator back up', async () => (await mailbox().then(() => true, () => false)));

    // Assess: after it comes back (and the outbox retries), 3 "granted" and 1 "ended", once each
    const delivered = await eventually(
      'every notice after the outage',
      async () => {
        const mails = await emailsTo(given.admin.email);
        return mails.filter((e) => e.subject.includes('granted')).length >= 3 && mails.some((e) => e.subject.includes('ended')) && mails;
      },
      45_000,
    );
    await allNoticesSent(given.org.orgId);
    const mails = await emailsTo(given.admin.email);
    expect(mails.filter((e) => e.subject.includes('granted'))).toHaveLength(3);
    expect(mails.filter((e) => e.subject.includes('ended'))).toHaveLength(1);
    expect(mails.length).toBe(delivered.length);
    expect(new Set(mails.map((e) => e.messageId)).size).toBe(mails.length);
  });

  test('a grant whose schedule was deleted behind the product’s back is expired by the sweep, with its notice', async () => {
    const given = await givenOrg();
    const admin = await PortalClient.signIn(given.admin.email);
    expect((await admin.post('/grants', { durationHours: String(2 / 3600) })).status).toBe(303);
    const grantId = await newestGrant(admin);
    const deleted = await fetch(`${layout.urls.scheduler}/schedules/grant-${grantId}?groupName=support-access`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);

    // The sweep's rule runs every 5 minutes of stack time
    await stackClock.advance(6 * 60_000);
    const expired = await getItem(`ORG#${given.org.orgId}`, `GRANT#${grantId}`);
    expect(expired).toMatchObject({ status: 'expired', endedBy: { type: 'system', id: 'sweep' } });
    await eventually('the "ended" email', async () => (await emailsTo(given.admin.email)).find((e) => e.subject.includes('ended') && e.body.text?.includes('time ran out')));
  });

  test('a grant longer than a day gets its own "ends in 24 hours" schedule and email; an extension moves it', async () => {
    const given = await givenOrg();
    const admin = await PortalClient.signIn(given.admin.email);
    // 24 hours and 3 seconds: the warning is due in 3 seconds, its schedule in the minute after
    expect((await admin.post('/grants', { durationHours: String(24 + 3 / 3600) })).status).toBe(303);
    const grantId = await newestGrant(admin);
    expect(await schedules()).toContain(`warn-${grantId}`);
    const short = await (async () => {
      expect((await admin.post('/grants', { durationHours: '5' })).status).toBe(303);
      return newestGrant(admin);
    })();
    expect(await schedules()).not.toContain(`warn-${short}`);

    await stackClock.advance(2 * 60_000);
    const warning = await eventually('the "ends in 24 hours" email', async () => (await emailsTo(given.admin.email)).find((e) => e.subject.includes('ends in 24 hours')));
    expect(warning.body.text).toContain('change its end time on the dashboard');
    expect(await getItem(`ORG#${given.org.orgId}`, `GRANT#${grantId}`)).toMatchObject({ warnedFor: expect.any(String) });
    expect((await mailbox()).filter((e) => e.subject.includes('ends in 24 hours') && e.destination.to.includes(given.admin.email))).toHaveLength(1);

    // An extension to 48 hours moves the warning to 24 hours from now
    expect((await admin.post(`/grants/${grantId}/extend`, { durationHours: '48' })).status).toBe(303);
    const moved = (await (await fetch(`${layout.urls.scheduler}/schedules/warn-${grantId}?groupName=support-access`)).json()) as { ScheduleExpression: string };
    const at = Date.parse(`${/at\((.+)\)/.exec(moved.ScheduleExpression)![1]}Z`);
    expect(Math.abs(at - ((await stackClock.now()).getTime() + 24 * 3_600_000))).toBeLessThan(2 * 60_000);
  });

  test('every notice names the org and reads as HTML and text (session started, as an example)', async () => {
    const given = await givenOrg();
    const admin = await PortalClient.signIn(given.admin.email);
    expect((await admin.post('/grants', { durationHours: '1' })).status).toBe(303);
    const alex = await AgentClient.signIn(ALEX);
    await alex.call('POST', `/support/orgs/${given.org.orgId}/grants/${await newestGrant(admin)}/sessions`, { justification: '<b>not bold</b>' });
    const mail = await eventually('the session email', async () => (await emailsTo(given.admin.email)).find((e) => e.subject.includes('signed in')));
    expect(mail.body.text).toContain('<b>not bold</b>');
    expect(mail.body.html).toContain('&lt;b&gt;not bold&lt;/b&gt;');
    expect(mail.body.html).toContain(given.org.name);
  });
});
