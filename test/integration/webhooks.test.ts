import { Webhook } from 'standardwebhooks';
import { AgentClient, PortalClient } from '../support/clients';
import { stackClock } from '../support/clock';
import { eventually, givenOrg, layout, orgItems, uniqueAgent, uniqueId, type GivenOrg } from '../support/fixtures';
import { emailsTo } from '../support/mailbox';

/** What the local receiver got on one hook path. */
interface Received {
  headers: Record<string, string>;
  body: string;
  answered: number | 'timeout';
}

const receiver = layout.urls.webhooks;
const received = async (path: string): Promise<Received[]> => ((await (await fetch(`${receiver}/api/received?path=${encodeURIComponent(path)}`)).json()) as Received[]).reverse();
const answerWith = async (path: string, status: number | 'timeout') => {
  const res = await fetch(`${receiver}/api/answer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path, status }) });
  expect(res.status).toBe(200);
};
/** Returns once the local webhook queue has nothing due and nothing in flight (a test-stage control). */
const settleQueue = async () => expect((await fetch(`${layout.urls.scheduler}/__queue/webhooks`, { method: 'POST' })).status).toBe(200);
const typeOf = (r: Received) => (JSON.parse(r.body) as { type: string }).type;
const delivered = (rs: Received[]) => rs.filter((r) => r.answered === 200);

let a: GivenOrg;
let admin: PortalClient;

beforeAll(async () => {
  await stackClock.reset();
  a = await givenOrg();
  admin = await PortalClient.signIn(a.admin.email);
});
// A test that moved the clock far signed the admin out (idle timeout): real time again, and a fresh sign-in.
afterEach(async () => {
  await stackClock.reset();
  admin = await PortalClient.signIn(a.admin.email);
});

/** Adds a webhook through the settings page; its id and the secret shown once. */
async function addWebhook(path: string, fields: Record<string, string> = {}): Promise<{ endpointId: string; secret: string; html: string }> {
  const res = await admin.post('/settings/webhooks', { url: `${receiver}${path}`, kind: 'standard', events: 'grant.created,grant.end_changed,grant.revoked,grant.expired', ...fields });
  expect(res.status).toBe(201);
  return {
    endpointId: /\/settings\/webhooks\/(wh_[a-z0-9]+)/.exec(res.html)![1]!,
    secret: /<code id="webhook-secret" class="secret">(whsec_[A-Za-z0-9+/=]+)<\/code>/.exec(res.html)![1]!,
    html: res.html,
  };
}

/** Grants login access on the dashboard; its id. */
async function grant(): Promise<string> {
  const before = new Set([...(await admin.get('/')).html.matchAll(/\/grants\/([^/]+)\/revoke/g)].map((m) => m[1]));
  expect((await admin.post('/grants', { durationHours: '2' })).status).toBe(303);
  return [...(await admin.get('/')).html.matchAll(/\/grants\/([^/]+)\/revoke/g)].map((m) => m[1]!).find((id) => !before.has(id))!;
}

describe('webhooks: a customer admin feeds access events to their own receiver', () => {
  test('added on the settings page, the secret is shown once; events arrive signed, verifiable with the Standard Webhooks scheme', async () => {
    const path = `/hooks/${uniqueId('siem')}`;
    const { endpointId, secret } = await addWebhook(path);
    const page = await admin.get(`/settings/webhooks/${endpointId}`);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain(secret);
    expect(page.html).toContain(`ends in <code>${secret.slice(-4)}</code>`);
    expect((await admin.get('/settings/webhooks')).html).toContain(`${receiver}${path}`);

    const grantId = await grant();
    const [arrived] = await eventually('the grant.created webhook', async () => (await received(path)).length === 1 && received(path));
    const event = new Webhook(secret).verify(arrived!.body, arrived!.headers) as { id: string; type: string; orgId: string; data: { target: { id: string } } };
    expect(event).toMatchObject({ type: 'grant.created', orgId: a.org.orgId, data: { target: { type: 'grant', id: grantId } } });
    expect(arrived!.headers['webhook-id']).toBe(event.id);
    expect(() => new Webhook(secret).verify(arrived!.body.replace(grantId, 'forged'), arrived!.headers)).toThrow();

    const log = await eventually('the delivery in the log', async () => {
      const html = (await admin.get(`/settings/webhooks/${endpointId}`)).html;
      return html.includes('HTTP 200') && html;
    });
    expect(log).toContain('<code>grant.created</code>');
    expect((await orgItems(a.org.orgId)).filter((i) => i.action === 'webhook.created').map((i) => (i.after as { url: string }).url)).toEqual([`${receiver}${path}`]);
  });

  test('a receiver down for a while gets every event exactly once, in order per grant, after it returns', async () => {
    const path = `/hooks/${uniqueId('down')}`;
    await addWebhook(path);
    await answerWith(path, 503);
    const grantId = await grant();
    expect((await admin.post(`/grants/${grantId}/extend`, { durationHours: '3' })).status).toBe(303);
    expect((await admin.post(`/grants/${grantId}/revoke`, {})).status).toBe(303);
    // The first event fails; the grant's later ones wait behind it in its message group.
    await eventually('a failed attempt', async () => (await received(path)).some((r) => r.answered === 503));
    expect((await received(path)).map(typeOf).every((t) => t === 'grant.created')).toBe(true);

    await answerWith(path, 200);
    await stackClock.advance(10 * 60_000); // past the next retry
    const got = await eventually('all three, delivered', async () => delivered(await received(path)).length >= 3 && delivered(await received(path)));
    expect(got.map(typeOf)).toEqual(['grant.created', 'grant.end_changed', 'grant.revoked']);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(3);
    // Nothing more arrives later: each exactly once.
    await stackClock.advance(60 * 60_000);
    await settleQueue();
    expect(delivered(await received(path))).toHaveLength(3);
  });

  test('"redeliver" sends the same event (same id) again; "send test event" sends a webhook.test', async () => {
    const path = `/hooks/${uniqueId('redo')}`;
    const { endpointId, secret } = await addWebhook(path);
    await grant();
    const [first] = await eventually('the first delivery', async () => (await received(path)).length === 1 && received(path));
    const deliveryId = await eventually('a delivery id in the log', async () => /name="deliveryId" value="(\d+)"/.exec((await admin.get(`/settings/webhooks/${endpointId}`)).html)?.[1]);
    const redo = await admin.post(`/settings/webhooks/${endpointId}/redeliver`, { deliveryId });
    expect([redo.status, redo.location]).toEqual([303, `/settings/webhooks/${endpointId}?done=redeliver`]);
    const again = await eventually('the redelivery', async () => (await received(path)).length === 2 && (await received(path))[1]);
    expect(again.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(new Webhook(secret).verify(again.body, again.headers)).toMatchObject({ type: 'grant.created' });

    expect((await admin.post(`/settings/webhooks/${endpointId}/test`, {})).status).toBe(303);
    const test = await eventually('the test event', async () => (await received(path)).find((r) => typeOf(r) === 'webhook.test'));
    expect(new Webhook(secret).verify(test.body, test.headers)).toMatchObject({ type: 'webhook.test', orgId: a.org.orgId });
    expect((await orgItems(a.org.orgId)).filter((i) => String(i.action).startsWith('webhook.')).map((i) => i.action)).toEqual(expect.arrayContaining(['webhook.redelivery_requested', 'webhook.test_requested']));
  });

  test('withdrawing consent for a case publishes the access change and the case grant it ended', async () => {
    const path = `/hooks/${uniqueId('consent')}`;
    const { secret } = await addWebhook(path, { events: 'case.access_changed,grant.consent_withdrawn,grant.created' });
    const opened = await admin.post('/cases', { subject: 'Webhook consent', description: 'x', environment: 'production', remoteAccess: 'allowed' });
    const caseId = /\/cases\/([^?]+)/.exec(opened.location!)![1]!;
    const alex = await AgentClient.signIn(uniqueAgent('alex'));
    const activated = await alex.call('POST', `/support/orgs/${a.org.orgId}/cases/${caseId}/activate`, { justification: 'Look at it' });
    expect(activated.status).toBe(201);
    expect((await admin.post(`/cases/${caseId}/remote-access`, { remoteAccess: 'denied' })).status).toBe(303);
    const got = await eventually('three events', async () => (await received(path)).length >= 3 && received(path));
    const events = got.map((r) => new Webhook(secret).verify(r.body, r.headers) as { type: string; data: { target: { id: string }; after: Record<string, unknown> } });
    expect(events.map((e) => e.type)).toEqual(['grant.created', 'case.access_changed', 'grant.consent_withdrawn']);
    expect(events[2]!.data).toMatchObject({ target: { type: 'grant', id: activated.body.grantId }, after: { endReason: 'consent_withdrawn' } });
    expect(events[1]!.data).toMatchObject({ target: { type: 'case', id: caseId }, after: { remoteAccess: 'denied' } });
  });

  test('a Slack endpoint gets the same events as Slack messages', async () => {
    const path = `/hooks/${uniqueId('slack')}`;
    await addWebhook(path, { kind: 'slack', events: 'grant.created' });
    const grantId = await grant();
    const [message] = await eventually('the Slack message', async () => (await received(path)).length === 1 && received(path));
    const body = JSON.parse(message!.body) as { text: string; blocks: { text?: { text: string } }[] };
    expect(body.text).toBe(`:key: Support login access granted (${a.org.orgId})`);
    expect(body.blocks[0]!.text!.text).toContain(`*grant:* \`${grantId}\``);
  });

  test('an address inside the network is refused with the field named, and nothing is written', async () => {
    const before = await orgItems(a.org.orgId);
    for (const url of ['http://10.0.0.7/hook', 'http://169.254.169.254/latest/meta-data/', 'http://[fd00::1]/']) {
      const res = await admin.post('/settings/webhooks', { url, kind: 'standard', events: 'grant.created' });
      expect(res.status).toBe(400);
      expect(res.html).toContain('Events cannot be sent to');
    }
    expect(await orgItems(a.org.orgId)).toEqual(before);
  });

  test('an endpoint failing for 3 days is turned off, audited, and the org\'s admins are emailed', async () => {
    const b = await givenOrg();
    const bAdmin = await PortalClient.signIn(b.admin.email);
    const path = `/hooks/${uniqueId('dead')}`;
    const res = await bAdmin.post('/settings/webhooks', { url: `${receiver}${path}`, kind: 'standard', events: 'grant.created,grant.expired' });
    const endpointId = /\/settings\/webhooks\/(wh_[a-z0-9]+)/.exec(res.html)![1]!;
    await answerWith(path, 500);
    expect((await bAdmin.post('/grants', { durationHours: '2' })).status).toBe(303);
    await eventually('a failed attempt', async () => (await received(path)).length >= 1);
    await stackClock.advance(3 * 24 * 3600_000 + 60_000);
    const mail = await eventually('the "turned off" email', async () => (await emailsTo(b.admin.email)).find((e) => e.subject === 'A Support Access webhook was turned off: it kept failing'));
    expect(mail.body.text).toContain(`${receiver}${path}`);
    const off = await eventually('the endpoint turned off', async () => (await orgItems(b.org.orgId)).find((i) => i.action === 'webhook.disabled_failing'));
    expect(off).toMatchObject({ actor: { type: 'system', id: 'webhooks' }, target: { type: 'webhook', id: endpointId } });
    const again = await PortalClient.signIn(b.admin.email);
    expect((await again.get(`/settings/webhooks/${endpointId}`)).html).toContain('turned off by Support Access');
  });
});
