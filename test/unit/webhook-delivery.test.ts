import { Webhook } from 'standardwebhooks';
import { customer, portalActor } from '../../shared/domain/actor';
import { ManualClock } from '../../shared/domain/clock';
import { ForbiddenError, NotFoundError, ValidationError } from '../../shared/domain/errors';
import type { UserProfile } from '../../shared/domain/model';
import { BACKOFF_SECONDS, EndpointLists, publishAuditEvent, sendDelivery, type PublishDeps, type SendDeps } from '../../shared/domain/webhook-delivery';
import { createEndpoint, deleteEndpoint, endpointWithDeliveries, MAX_ENDPOINTS, parseWebhookUrl, redeliver, sendTestEvent, updateEndpoint, type WebhookAdminDeps } from '../../shared/domain/webhook-endpoints';
import { LocalSecretBox } from '../../shared/adapters/secret-box';
import type { DeliveryMessage, PostResult } from '../../shared/ports/webhooks';
import { MemoryStore } from '../support/memory-store';
import { MemoryWebhookStore } from '../support/memory-webhooks';
import { buildOrg } from '../support/org-builder';

/** Now, to the second: receivers (and the verifier) refuse signatures more than 5 minutes off. */
const T0 = new Date(Math.floor(Date.now() / 1000) * 1000);
const ada: UserProfile = { email: 'ada@acme.test', orgId: 'acme', name: 'Ada', role: 'admin', level: 'admin', workspaces: 'all' };
const uma: UserProfile = { email: 'uma@acme.test', orgId: 'acme', name: 'Uma', role: 'user', level: 'manage', workspaces: 'all' };

/** A receiver that answers what the test says, and keeps every request. */
class FakeSender {
  readonly posts: { url: string; body: string; headers: Record<string, string> }[] = [];
  answers: PostResult[] = [];
  async post(url: string, body: string, headers: Record<string, string>): Promise<PostResult> {
    this.posts.push({ url, body, headers });
    return this.answers.shift() ?? { statusCode: 200, body: 'ok', ms: 3 };
  }
}

function world() {
  const store = new MemoryStore();
  store.orgs.set('acme', buildOrg('acme'));
  store.users.set(ada.email, ada);
  store.users.set(uma.email, uma);
  const webhooks = new MemoryWebhookStore(store);
  const clock = new ManualClock(T0);
  const secrets = new LocalSecretBox('11'.repeat(32));
  const queued: DeliveryMessage[] = [];
  const sender = new FakeSender();
  let n = 0;
  const ids = () => `id${++n}`;
  const admin: WebhookAdminDeps = { store, webhooks, secrets, clock, ids, allowLocalReceivers: false };
  const publish: PublishDeps = { webhooks, clock, queue: { enqueue: async (m) => void queued.push(m) } };
  const send: SendDeps = { webhooks, sender, secrets, store, clock, ids };
  /** Publishes the audit events committed since the last call, as the stream does. */
  let seen = 0;
  const stream = async () => {
    const events = (store.audit.get('acme') ?? []).slice(seen);
    seen += events.length;
    for (const e of events) await publishAuditEvent(publish, e);
  };
  /** What the queue's consumer does with the oldest message. */
  const consume = async () => sendDelivery(send, queued.shift()!);
  return { store, webhooks, clock, secrets, queued, sender, admin, publish, send, stream, consume };
}

/** An audit event of acme as the store would chain it. */
function commitAudit(w: ReturnType<typeof world>, action: string, target: { type: string; id: string }, after: Record<string, unknown> = {}) {
  return w.store.commit({ orgId: 'acme', writes: [], audit: [{ at: w.clock.now().toISOString(), actor: { type: 'user', id: ada.email, email: ada.email }, action, target, after }], notices: [] });
}

async function addEndpoint(w: ReturnType<typeof world>, form: Record<string, string> = {}) {
  return createEndpoint(w.admin, customer(ada), { url: 'https://siem.example.com/hooks', events: 'grant.created,grant.revoked,grant.end_changed', ...form });
}

describe('one stream batch lists each org\'s endpoints once', () => {
  test('the events of a batch share one listing per org, and each still reaches every endpoint subscribed', async () => {
    const w = world();
    await addEndpoint(w);
    await createEndpoint(w.admin, customer(ada), { url: 'https://second.example.com/hooks', events: 'grant.created' });
    let listings = 0;
    const listEndpoints = w.webhooks.listEndpoints.bind(w.webhooks);
    w.webhooks.listEndpoints = async (orgId: string) => {
      listings++;
      return listEndpoints(orgId);
    };
    await commitAudit(w, 'grant.created', { type: 'grant', id: 'g1' });
    await commitAudit(w, 'grant.revoked', { type: 'grant', id: 'g1' });
    await commitAudit(w, 'grant.created', { type: 'grant', id: 'g2' });
    const batch = { ...w.publish, listed: new EndpointLists(w.webhooks) };
    const queued = [];
    for (const e of w.store.audit.get('acme')!) queued.push(await publishAuditEvent(batch, e));
    // webhook.created ×2 (not published), grant.created (both), grant.revoked (the first), grant.created (both)
    expect(queued).toEqual([0, 0, 2, 1, 2]);
    expect(listings).toBe(1);
  });

  test('a failed listing is asked for again, not kept', async () => {
    let calls = 0;
    const lists = new EndpointLists({ listEndpoints: async () => (++calls === 1 ? Promise.reject(new Error('throttled')) : []) });
    await expect(lists.of('acme')).rejects.toThrow('throttled');
    await expect(lists.of('acme')).resolves.toEqual([]);
    await expect(lists.of('acme')).resolves.toEqual([]);
    expect(calls).toBe(2);
  });
});

describe('webhook endpoints: admins in person only, audited, secret sealed', () => {
  test('adding one seals its secret (opens only with its own org and endpoint), audits it, and returns the secret once', async () => {
    const w = world();
    const { endpoint, secret } = await addEndpoint(w);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(endpoint).toMatchObject({ orgId: 'acme', url: 'https://siem.example.com/hooks', kind: 'standard', events: ['grant.created', 'grant.end_changed', 'grant.revoked'], enabled: true, secretHint: secret.slice(-4), version: 1 });
    expect(JSON.stringify(w.store.webhookEndpoints.get(`acme#${endpoint.endpointId}`))).not.toContain(secret);
    expect(await w.secrets.open(endpoint.sealedSecret, { orgId: 'acme', endpointId: endpoint.endpointId })).toBe(secret);
    await expect(w.secrets.open(endpoint.sealedSecret, { orgId: 'acme', endpointId: 'wh_other' })).rejects.toThrow();
    const audit = w.store.audit.get('acme')!;
    expect(audit.map((e) => [e.action, e.target.id, e.after])).toEqual([['webhook.created', endpoint.endpointId, { url: endpoint.url, kind: 'standard', events: endpoint.events, enabled: true }]]);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  test('bad input names each field and writes nothing', async () => {
    const w = world();
    const error = await createEndpoint(w.admin, customer(ada), { url: 'http://siem.example.com', kind: 'teams', events: 'grant.created,grant.teleported' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields).toEqual({
      url: 'The URL must start with https://.',
      kind: 'The format must be "standard" or "slack".',
      events: 'Unknown event type: grant.teleported.',
    });
    expect(w.store.committed).toEqual([]);
  });

  test.each([
    ['https://10.0.0.8/hook', 'a private address'],
    ['https://127.0.0.1/hook', 'a loopback address'],
    ['https://169.254.169.254/latest/meta-data', 'a link-local address (this includes the cloud metadata service)'],
    ['https://100.64.1.1/', 'a carrier-grade NAT address'],
    ['https://[::1]/', 'a loopback address'],
    ['https://[fd00:ec2::254]/', 'a private (unique local) address'],
    ['https://[::ffff:10.1.1.1]/', 'a private address'],
    ['https://localhost/hook', 'a local name'],
    ['https://metadata.google.internal/', 'a local name'],
  ])('%s is refused: %s', async (url, why) => {
    const w = world();
    await expect(addEndpoint(w, { url })).rejects.toThrow(why);
    expect(w.store.committed).toEqual([]);
  });

  test('a user name or password in the URL is refused (receivers verify signatures instead)', async () => {
    await expect(addEndpoint(world(), { url: 'https://bob:hunter2@siem.example.com/' })).rejects.toThrow('Put no user name or password in the URL');
  });

  test('a non-admin and a "log in as" session are refused before anything is read', async () => {
    const w = world();
    await expect(createEndpoint(w.admin, customer(uma), { url: 'https://siem.example.com/', events: 'grant.created' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createEndpoint(w.admin, portalActor(ada, 'alex@vendor.test'), {})).rejects.toThrow('in person');
    const { endpoint } = await addEndpoint(w);
    for (const change of [
      () => updateEndpoint(w.admin, portalActor(ada, 'alex@vendor.test'), endpoint.endpointId, { events: 'grant.created' }),
      () => deleteEndpoint(w.admin, portalActor(ada, 'alex@vendor.test'), endpoint.endpointId),
      () => sendTestEvent(w.admin, portalActor(ada, 'alex@vendor.test'), endpoint.endpointId),
      () => redeliver(w.admin, portalActor(ada, 'alex@vendor.test'), endpoint.endpointId, '000000000001'),
    ]) await expect(change()).rejects.toThrow('in person');
  });

  test('another org\'s endpoint is not found', async () => {
    const w = world();
    const { endpoint } = await addEndpoint(w);
    const bob: UserProfile = { ...ada, email: 'bob@globex.test', orgId: 'globex' };
    await expect(updateEndpoint(w.admin, customer(bob), endpoint.endpointId, { events: 'grant.created' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(endpointWithDeliveries(w.admin, bob, endpoint.endpointId)).rejects.toBeInstanceOf(NotFoundError);
  });

  test('changing events and turning it off audits only what changed; turning it on clears a product-made "off"', async () => {
    const w = world();
    const { endpoint } = await addEndpoint(w);
    await updateEndpoint(w.admin, customer(ada), endpoint.endpointId, { events: 'grant.created,grant.revoked,grant.end_changed', enabled: 'on' });
    expect(w.store.audit.get('acme')!.length).toBe(1);
    const off = await updateEndpoint(w.admin, customer(ada), endpoint.endpointId, { events: 'grant.created,grant.revoked,grant.end_changed' });
    expect(off.enabled).toBe(false);
    expect(w.store.audit.get('acme')!.at(-1)).toMatchObject({ action: 'webhook.changed', before: { enabled: true }, after: { enabled: false } });
    w.store.webhookEndpoints.set(`acme#${endpoint.endpointId}`, { ...off, disabledReason: 'failing', failingSince: T0.toISOString() });
    const on = await updateEndpoint(w.admin, customer(ada), endpoint.endpointId, { events: 'grant.created', enabled: 'on' });
    expect(on).toMatchObject({ enabled: true, events: ['grant.created'] });
    expect(on.disabledReason).toBeUndefined();
    expect(on.failingSince).toBeUndefined();
    // Changing only the events of one that is on keeps its failures counting.
    w.store.webhookEndpoints.set(`acme#${endpoint.endpointId}`, { ...on, failingSince: T0.toISOString() });
    expect((await updateEndpoint(w.admin, customer(ada), endpoint.endpointId, { events: 'grant.revoked', enabled: 'on' })).failingSince).toBe(T0.toISOString());
  });
});

describe('publishing: the audit event is the outbox record', () => {
  test('a published event queues one delivery per subscribed, enabled endpoint, in the grant\'s order group', async () => {
    const w = world();
    const a = (await addEndpoint(w)).endpoint;
    const b = (await addEndpoint(w, { events: 'session.started' })).endpoint;
    const c = (await addEndpoint(w)).endpoint;
    await updateEndpoint(w.admin, customer(ada), c.endpointId, { events: c.events.join(',') }); // turned off
    await w.stream();
    await commitAudit(w, 'grant.created', { type: 'grant', id: 'g1' }, { expiresAt: '2026-05-04T11:00:00.000Z' });
    await w.stream();
    expect(w.queued).toEqual([{ orgId: 'acme', endpointId: a.endpointId, deliveryId: expect.stringMatching(/^\d{12}$/), generation: 1, orderKey: 'grant-g1' }]);
    expect(b.endpointId).not.toBe(a.endpointId);
  });

  test('publishing the same audit event again (a retried stream batch) queues nothing new once tried, and re-queues an untried one', async () => {
    const w = world();
    await addEndpoint(w);
    await w.stream();
    await commitAudit(w, 'grant.revoked', { type: 'grant', id: 'g1' });
    const event = w.store.audit.get('acme')!.at(-1)!;
    expect(await publishAuditEvent(w.publish, event)).toBe(1);
    expect(await publishAuditEvent(w.publish, event)).toBe(1); // not tried yet: queued again, the consumer drops the duplicate
    await w.consume();
    expect(await w.consume()).toEqual({ result: 'skipped' });
    expect(await publishAuditEvent(w.publish, event)).toBe(0);
    expect(w.sender.posts).toHaveLength(1);
  });

  test('unpublished actions and a vote that leaves a request pending queue nothing', async () => {
    const w = world();
    await addEndpoint(w, { events: 'access_request.decided,grant.created' });
    await w.stream();
    await commitAudit(w, 'user.signed_in', { type: 'user', id: ada.email });
    await commitAudit(w, 'request.approved_by', { type: 'request', id: 'r1' }, { status: 'pending', approvals: 1 });
    await w.stream();
    expect(w.queued).toEqual([]);
    await commitAudit(w, 'request.approved_by', { type: 'request', id: 'r1' }, { status: 'approved', approvals: 2 });
    await w.stream();
    expect(w.queued.map((m) => m.orderKey)).toEqual(['request-r1']);
  });

  test('a test event goes only to its own endpoint, even when it is off', async () => {
    const w = world();
    const a = (await addEndpoint(w)).endpoint;
    await addEndpoint(w);
    await updateEndpoint(w.admin, customer(ada), a.endpointId, { events: a.events.join(',') });
    await sendTestEvent(w.admin, customer(ada), a.endpointId);
    await w.stream();
    expect(w.queued.map((m) => m.endpointId)).toEqual([a.endpointId]);
    expect(await w.consume()).toEqual({ result: 'delivered' });
    expect(JSON.parse(w.sender.posts[0]!.body)).toMatchObject({ type: 'webhook.test', orgId: 'acme' });
  });
});

describe('sending: signed, retried with backoff for 24 hours, exactly one round at a time', () => {
  async function oneQueued(w: ReturnType<typeof world>) {
    const { endpoint, secret } = await addEndpoint(w);
    await w.stream();
    await commitAudit(w, 'grant.created', { type: 'grant', id: 'g1' });
    await w.stream();
    return { endpoint, secret, message: w.queued[0]! };
  }

  test('a 2xx answer delivers it, signed with the Standard Webhooks scheme over the exact body', async () => {
    const w = world();
    const { secret, message } = await oneQueued(w);
    expect(await w.consume()).toEqual({ result: 'delivered' });
    const post = w.sender.posts[0]!;
    expect(post.url).toBe('https://siem.example.com/hooks');
    const event = new Webhook(secret).verify(post.body, post.headers) as Record<string, unknown>;
    expect(event).toMatchObject({ type: 'grant.created', orgId: 'acme', time: T0.toISOString(), data: { target: { type: 'grant', id: 'g1' } } });
    expect(post.headers['webhook-id']).toBe(event.id);
    expect(post.headers['webhook-timestamp']).toBe(String(T0.getTime() / 1000));
    expect(() => new Webhook(secret).verify(post.body.replace('g1', 'g2'), post.headers)).toThrow();
    expect(await w.webhooks.getDelivery(message.endpointId, message.deliveryId)).toMatchObject({ status: 'delivered', attemptCount: 1, attempts: [{ attempt: 1, statusCode: 200, responseBody: 'ok', at: T0.toISOString() }] });
  });

  test('failures back off (5 s, 30 s, 2 min, …) until 24 hours after the first attempt, then the delivery has failed', async () => {
    const w = world();
    const { message } = await oneQueued(w);
    const waits: number[] = [];
    for (;;) {
      w.sender.answers.push({ statusCode: 503, body: 'down', ms: 4 });
      const outcome = await sendDelivery(w.send, message);
      if (outcome.result !== 'retry') {
        expect(outcome).toEqual({ result: 'failed' });
        break;
      }
      waits.push(outcome.afterSeconds);
      w.clock.advance(outcome.afterSeconds * 1000);
    }
    expect(waits.slice(0, BACKOFF_SECONDS.length)).toEqual(BACKOFF_SECONDS);
    expect(waits.reduce((a, b) => a + b, 0)).toBe(24 * 3600);
    const stored = (await w.webhooks.getDelivery(message.endpointId, message.deliveryId))!;
    expect(stored).toMatchObject({ status: 'failed', attemptCount: waits.length + 1 });
    expect(stored.attempts).toHaveLength(10);
    expect(stored.attempts.at(-1)).toMatchObject({ statusCode: 503, responseBody: 'down', attempt: waits.length + 1 });
  });

  test('a message of an earlier round, or of a finished delivery, is dropped without posting', async () => {
    const w = world();
    const { endpoint, message } = await oneQueued(w);
    await w.consume();
    expect(await sendDelivery(w.send, message)).toEqual({ result: 'skipped' });
    await redeliver(w.admin, customer(ada), endpoint.endpointId, message.deliveryId);
    await w.stream();
    expect(w.queued).toEqual([{ ...message, generation: 2 }]);
    expect(await sendDelivery(w.send, message)).toEqual({ result: 'skipped' });
    expect(await w.consume()).toEqual({ result: 'delivered' });
    expect(w.sender.posts.map((p) => p.headers['webhook-id'])).toEqual([w.sender.posts[0]!.headers['webhook-id'], w.sender.posts[0]!.headers['webhook-id']]);
  });

  test('a redelivery published twice (a retried stream batch) starts one round, not two', async () => {
    const w = world();
    const { endpoint, message } = await oneQueued(w);
    await w.consume();
    await redeliver(w.admin, customer(ada), endpoint.endpointId, message.deliveryId);
    const request = w.store.audit.get('acme')!.at(-1)!;
    await publishAuditEvent(w.publish, request);
    await w.consume();
    expect(await publishAuditEvent(w.publish, request)).toBe(0);
    expect((await w.webhooks.getDelivery(message.endpointId, message.deliveryId))!.generation).toBe(2);
  });

  test('redelivering an unknown or malformed delivery is not found', async () => {
    const w = world();
    const { endpoint } = await addEndpoint(w);
    await expect(redeliver(w.admin, customer(ada), endpoint.endpointId, '000000000999')).rejects.toBeInstanceOf(NotFoundError);
    await expect(redeliver(w.admin, customer(ada), endpoint.endpointId, '../x')).rejects.toBeInstanceOf(NotFoundError);
  });

  test('a delivery to an endpoint turned off or deleted meanwhile is skipped, with why', async () => {
    const w = world();
    const { endpoint, message } = await oneQueued(w);
    await deleteEndpoint(w.admin, customer(ada), endpoint.endpointId);
    expect(await w.consume()).toEqual({ result: 'skipped' });
    expect(w.sender.posts).toEqual([]);
    expect(await w.webhooks.getDelivery(message.endpointId, message.deliveryId)).toMatchObject({ status: 'skipped', note: 'The endpoint was deleted.' });
  });

  test('an endpoint failing for 3 days is turned off, audited, and its admins are emailed; a success before that clears it', async () => {
    const w = world();
    const { endpoint } = await oneQueued(w);
    const message = w.queued.shift()!;
    w.sender.answers.push({ statusCode: 500, body: '', ms: 1 });
    await sendDelivery(w.send, message);
    expect((await w.webhooks.getEndpoint('acme', endpoint.endpointId))!.failingSince).toBe(T0.toISOString());
    w.clock.advance(5000);
    await sendDelivery(w.send, message); // 200
    expect((await w.webhooks.getEndpoint('acme', endpoint.endpointId))!.failingSince).toBeUndefined();

    w.sender.answers.push({ statusCode: 500, body: '', ms: 1 });
    await commitAudit(w, 'grant.revoked', { type: 'grant', id: 'g2' });
    await w.stream();
    await w.consume(); // fails: failing since now
    const since = w.clock.now().toISOString();
    w.clock.advance(3 * 24 * 3600_000);
    await commitAudit(w, 'grant.revoked', { type: 'grant', id: 'g3' });
    await w.stream();
    w.sender.answers.push({ statusCode: 500, body: '', ms: 1 });
    await w.consume();
    const off = (await w.webhooks.getEndpoint('acme', endpoint.endpointId))!;
    expect(off).toMatchObject({ enabled: false, disabledReason: `Every delivery failed since ${since}.` });
    expect(w.store.audit.get('acme')!.at(-1)).toMatchObject({ action: 'webhook.disabled_failing', actor: { type: 'system', id: 'webhooks' }, after: { enabled: false, failingSince: since } });
    expect(w.store.notices.at(-1)).toMatchObject({ template: 'webhook-disabled', to: ['ada@acme.test'], data: { url: endpoint.url, failingSince: since } });
  });
});

describe('endpoint rules, word for word', () => {
  const refusal = (raw: string | undefined, local = false) => {
    try {
      return parseWebhookUrl(raw, local);
    } catch (error) {
      return (error as ValidationError).message;
    }
  };

  test.each([
    [undefined, 'Enter the URL events are posted to.'],
    ['   ', 'Enter the URL events are posted to.'],
    [`https://siem.example.com/${'x'.repeat(2049 - 'https://siem.example.com/'.length)}`, 'The URL must be at most 2,048 characters.'],
    ['siem.example.com/hooks', 'Not a URL: it must look like https://siem.example.com/hooks/support-access.'],
    ['http://siem.example.com/', 'The URL must start with https://.'],
    ['ftp://siem.example.com/', 'The URL must start with https://.'],
    ['https://bob@siem.example.com/', 'Put no user name or password in the URL; receivers verify the signature instead.'],
    ['https://:pw@siem.example.com/', 'Put no user name or password in the URL; receivers verify the signature instead.'],
    ['https://siem.example.com/#x', 'The URL must not have a #fragment.'],
    ['https://[fe80::1]/', 'Events cannot be sent to fe80::1: a link-local address (this includes the cloud metadata service).'],
    ['https://a.localhost/', 'Events cannot be sent to a.localhost: a local name.'],
    ['https://printer.local/', 'Events cannot be sent to printer.local: a local name.'],
    ['https://LOCALHOST/', 'Events cannot be sent to localhost: a local name.'],
  ])('%j → %j', (raw, message) => {
    expect(refusal(raw)).toBe(message);
  });

  test.each([
    ['  https://siem.example.com/hooks?x=1  ', 'https://siem.example.com/hooks?x=1'],
    ['https://localhost.example.com/', 'https://localhost.example.com/'],
    ['https://mylocalhost/', 'https://mylocalhost/'],
    ['https://internal.example.com/', 'https://internal.example.com/'],
    ['https://example.local.com/', 'https://example.local.com/'],
    ['https://[2606:4700::1111]/', 'https://[2606:4700::1111]/'],
    [`https://siem.example.com/${'x'.repeat(2048 - 'https://siem.example.com/'.length)}`, `https://siem.example.com/${'x'.repeat(2048 - 'https://siem.example.com/'.length)}`],
  ])('%j is accepted as %j', (raw, url) => {
    expect(parseWebhookUrl(raw, false)).toBe(url);
  });

  test('on the local stage: plain http and loopback are allowed, private addresses still are not', () => {
    expect(parseWebhookUrl('http://localhost:4008/hooks/a', true)).toBe('http://localhost:4008/hooks/a');
    expect(parseWebhookUrl('http://127.0.0.1:4008/', true)).toBe('http://127.0.0.1:4008/');
    expect(refusal('http://10.0.0.1/', true)).toBe('Events cannot be sent to 10.0.0.1: a private address.');
    expect(refusal('ftp://localhost/', true)).toBe('The URL must start with https://.');
  });

  test('events: trimmed, in the catalogue\'s order; no choice, or unknown ones (at most three named), refused', async () => {
    const w = world();
    const { endpoint } = await addEndpoint(w, { events: ' support.activity , grant.created,, ' });
    expect(endpoint.events).toEqual(['grant.created', 'support.activity']);
    await expect(addEndpoint(w, { events: ' , ' })).rejects.toThrow('Choose at least one event to send.');
    await expect(addEndpoint(w, { events: 'a,b,c,d,grant.created' })).rejects.toThrow('Unknown event type: a, b, c.');
  });

  test(`at most ${MAX_ENDPOINTS} endpoints per org`, async () => {
    const w = world();
    for (let i = 0; i < MAX_ENDPOINTS; i++) await addEndpoint(w);
    await expect(addEndpoint(w)).rejects.toThrow(expect.objectContaining({ code: 'too_many_endpoints', message: `An organization can have at most ${MAX_ENDPOINTS} webhook endpoints; delete one first.` }));
  });

  test('what each change records: version, audit action and facts', async () => {
    const w = world();
    const { endpoint } = await addEndpoint(w);
    const changed = await updateEndpoint(w.admin, customer(ada), endpoint.endpointId, { events: 'grant.created', enabled: 'true' });
    expect([changed.version, changed.enabled, changed.events]).toEqual([2, true, ['grant.created']]);
    await sendTestEvent(w.admin, customer(ada), endpoint.endpointId);
    await w.stream();
    const deliveryId = w.queued[0]!.deliveryId;
    await redeliver(w.admin, customer(ada), endpoint.endpointId, deliveryId);
    await deleteEndpoint(w.admin, customer(ada), endpoint.endpointId);
    expect(w.store.audit.get('acme')!.map((e) => [e.action, e.target, e.before, e.after])).toEqual([
      ['webhook.created', { type: 'webhook', id: endpoint.endpointId }, undefined, { url: endpoint.url, kind: 'standard', events: endpoint.events, enabled: true }],
      ['webhook.changed', { type: 'webhook', id: endpoint.endpointId }, { events: endpoint.events }, { events: ['grant.created'] }],
      ['webhook.test_requested', { type: 'webhook', id: endpoint.endpointId }, undefined, { url: endpoint.url }],
      ['webhook.redelivery_requested', { type: 'webhook', id: endpoint.endpointId }, undefined, { deliveryId, eventId: expect.stringMatching(/^evt_/), eventType: 'webhook.test' }],
      ['webhook.deleted', { type: 'webhook', id: endpoint.endpointId }, { url: endpoint.url }, undefined],
    ]);
    expect(w.store.webhookEndpoints.size).toBe(0);
    await expect(updateEndpoint(w.admin, customer(ada), endpoint.endpointId, { events: 'grant.created' })).rejects.toThrow(`No webhook endpoint ${endpoint.endpointId}`);
  });

  test('redelivering another org\'s delivery, or a made-up id, is not found and names the id', async () => {
    const w = world();
    const { endpoint } = await addEndpoint(w);
    await w.webhooks.createDelivery({ orgId: 'globex', endpointId: endpoint.endpointId, deliveryId: '000000000001', event: { id: 'e', type: 'grant.created', time: 'T', orgId: 'globex', auditSeq: 1, data: {} }, orderKey: 'k', status: 'delivered', generation: 1, attemptCount: 1, attempts: [], createdAt: 'T' });
    await expect(redeliver(w.admin, customer(ada), endpoint.endpointId, '000000000001')).rejects.toThrow('000000000001');
    await expect(redeliver(w.admin, customer(ada), endpoint.endpointId, '1x')).rejects.toThrow('1x');
    await expect(redeliver(w.admin, customer(ada), endpoint.endpointId, undefined)).rejects.toBeInstanceOf(NotFoundError);
  });
});
