import { Webhook } from 'standardwebhooks';
import type { AuditEvent } from './audit';
import type { Clock } from './clock';
import { ConcurrentChangeError } from './errors';
import { eventFromAudit, orderKeyOf, slackMessage, type WebhookEvent } from './webhook-events';
import type { IdFactory } from '../ports/ids';
import type { Store } from '../ports/store';
import { secretContext, type DeliveryAttempt, type DeliveryMessage, type SecretBox, type WebhookDelivery, type WebhookEndpoint, type WebhookQueue, type WebhookSender, type WebhookStore } from '../ports/webhooks';

/**
 * Webhook delivery. The audit event a change commits is its outbox record: the stream turns each
 * published one into a delivery per subscribed endpoint and a queue message (fast writes only —
 * never a receiver's latency on the stream); the queue's consumer posts it, signed, and the queue
 * carries the backoff for 24 hours, first-in-first-out per endpoint and grant.
 */

export interface PublishDeps {
  webhooks: WebhookStore;
  queue: WebhookQueue;
  clock: Clock;
  /** What this stream batch has listed already (each org's endpoints asked for once). */
  listed?: EndpointLists;
}

/**
 * Each org's endpoints, listed once per stream batch. Every event of a batch was committed before
 * the batch was read, so a list read while publishing it is at least as new as each of them.
 */
export class EndpointLists {
  private readonly lists = new Map<string, Promise<WebhookEndpoint[]>>();

  constructor(private readonly webhooks: Pick<WebhookStore, 'listEndpoints'>) {}

  of(orgId: string): Promise<WebhookEndpoint[]> {
    let list = this.lists.get(orgId);
    if (!list) {
      list = this.webhooks.listEndpoints(orgId);
      this.lists.set(orgId, list);
      // A failed listing is asked for again, not kept.
      list.catch(() => this.lists.delete(orgId));
    }
    return list;
  }
}

export interface SendDeps {
  webhooks: WebhookStore;
  sender: WebhookSender;
  secrets: SecretBox;
  store: Store;
  clock: Clock;
  ids: IdFactory;
}

/** Retries of one round: at most 24 hours after its first attempt. */
export const RETRY_WINDOW_MS = 24 * 3600_000;
/** An endpoint failing this long (no success in between) is disabled and its admins told. */
export const DISABLE_AFTER_MS = 3 * 24 * 3600_000;
/** Waits after the 1st, 2nd, … failed attempt; the last repeats until the window closes. */
export const BACKOFF_SECONDS = [5, 30, 120, 600, 1800, 3600, 7200, 14_400, 28_800];
const KEPT_ATTEMPTS = 10;

const deliveryIdOf = (seq: number) => String(seq).padStart(12, '0');

const messageOf = (d: WebhookDelivery): DeliveryMessage => ({ orgId: d.orgId, endpointId: d.endpointId, deliveryId: d.deliveryId, generation: d.generation, orderKey: d.orderKey });

/** Not yet tried in its round: (re)queueing it again after a crash is harmless, the consumer drops duplicates. */
const untried = (d: WebhookDelivery) => d.status === 'queued' && d.attemptCount === 0;

/**
 * Publishes one audit event to the org's endpoints that subscribe to its type (a test event only
 * to its own endpoint, enabled or not). Idempotent: a retried stream batch finds its deliveries
 * and queues only those not tried yet. Returns how many deliveries it queued.
 */
export async function publishAuditEvent(deps: PublishDeps, audit: AuditEvent): Promise<number> {
  if (audit.action === 'webhook.redelivery_requested') return requeue(deps, audit);
  const event = eventFromAudit(audit);
  if (!event) return 0;
  const endpoints =
    event.type === 'webhook.test'
      ? [await deps.webhooks.getEndpoint(audit.orgId, audit.target.id)].filter((e): e is WebhookEndpoint => !!e)
      : (await (deps.listed?.of(audit.orgId) ?? deps.webhooks.listEndpoints(audit.orgId))).filter((e) => e.enabled && e.events.includes(event.type));
  let queued = 0;
  for (const endpoint of endpoints) {
    const delivery = await deps.webhooks.createDelivery(newDelivery(endpoint, event, orderKeyOf(audit), deps.clock.now()));
    if (!untried(delivery)) continue;
    await deps.queue.enqueue(messageOf(delivery));
    queued++;
  }
  return queued;
}

function newDelivery(endpoint: WebhookEndpoint, event: WebhookEvent, orderKey: string, now: Date): WebhookDelivery {
  return {
    orgId: endpoint.orgId,
    endpointId: endpoint.endpointId,
    deliveryId: deliveryIdOf(event.auditSeq),
    event,
    orderKey,
    status: 'queued',
    generation: 1,
    attemptCount: 0,
    attempts: [],
    createdAt: now.toISOString(),
  };
}

/** An admin's "redeliver": a new round of the same event (same id, so receivers can deduplicate). */
async function requeue(deps: PublishDeps, audit: AuditEvent): Promise<number> {
  const deliveryId = String(audit.after?.deliveryId ?? '');
  const delivery = await deps.webhooks.getDelivery(audit.target.id, deliveryId);
  if (!delivery || delivery.orgId !== audit.orgId) return 0;
  if (delivery.redeliveredBy !== audit.seq) {
    const next: WebhookDelivery = { ...delivery, status: 'queued', generation: delivery.generation + 1, attemptCount: 0, firstAttemptAt: undefined, nextAttemptAt: undefined, note: undefined, redeliveredBy: audit.seq };
    if (!(await deps.webhooks.saveDelivery(next, delivery.generation))) return 0;
    await deps.queue.enqueue(messageOf(next));
    return 1;
  }
  if (!untried(delivery)) return 0;
  await deps.queue.enqueue(messageOf(delivery));
  return 1;
}

/** The Standard Webhooks headers of one send: `webhook-id` is the event's id in every attempt. */
export function signedHeaders(secret: string, eventId: string, at: Date, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'SupportAccess-Webhooks/1',
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(eventId, at, body),
  };
}

/** What the body of a delivery to this endpoint is. */
const bodyFor = (endpoint: Pick<WebhookEndpoint, 'kind'>, event: WebhookEvent): string => JSON.stringify(endpoint.kind === 'slack' ? slackMessage(event) : event);

type SendOutcome = { result: 'delivered' | 'failed' | 'skipped' } | { result: 'retry'; afterSeconds: number };

/**
 * One attempt at a queued delivery. A message of an earlier round, or of a delivery already
 * finished, is dropped; a disabled or deleted endpoint's delivery is skipped (a test event still
 * goes to a disabled one). A 2xx answer delivers; anything else is retried with backoff until 24
 * hours after the round's first attempt, then it has failed. An endpoint failing for 3 days is
 * disabled and its org's admins are told.
 */
export async function sendDelivery(deps: SendDeps, message: DeliveryMessage): Promise<SendOutcome> {
  const delivery = await deps.webhooks.getDelivery(message.endpointId, message.deliveryId);
  if (!delivery || delivery.orgId !== message.orgId || delivery.generation !== message.generation) return { result: 'skipped' };
  if (delivery.status !== 'queued' && delivery.status !== 'retrying') return { result: 'skipped' };
  const endpoint = await deps.webhooks.getEndpoint(message.orgId, message.endpointId);
  if (!endpoint || (!endpoint.enabled && delivery.event.type !== 'webhook.test')) {
    await deps.webhooks.saveDelivery({ ...delivery, status: 'skipped', note: endpoint ? 'The endpoint is disabled.' : 'The endpoint was deleted.' }, delivery.generation);
    return { result: 'skipped' };
  }
  const now = deps.clock.now();
  const body = bodyFor(endpoint, delivery.event);
  const secret = await deps.secrets.open(endpoint.sealedSecret, secretContext(endpoint));
  const answer = await deps.sender.post(endpoint.url, body, signedHeaders(secret, delivery.event.id, now, body));
  const attemptCount = delivery.attemptCount + 1;
  const attempt: DeliveryAttempt = { at: now.toISOString(), attempt: attemptCount, ms: answer.ms, statusCode: answer.statusCode, error: answer.error, responseBody: answer.body || undefined };
  const firstAttemptAt = delivery.firstAttemptAt ?? attempt.at;
  const tried = { ...delivery, attemptCount, firstAttemptAt, attempts: [...delivery.attempts, attempt].slice(-KEPT_ATTEMPTS) };
  const ok = answer.statusCode !== undefined && answer.statusCode >= 200 && answer.statusCode < 300;
  if (ok) {
    await deps.webhooks.saveDelivery({ ...tried, status: 'delivered', nextAttemptAt: undefined }, delivery.generation);
    if (endpoint.failingSince) await deps.webhooks.setFailing(endpoint.orgId, endpoint.endpointId, undefined);
    return { result: 'delivered' };
  }
  await noteFailure(deps, endpoint, now);
  const windowLeftMs = Date.parse(firstAttemptAt) + RETRY_WINDOW_MS - now.getTime();
  if (windowLeftMs <= 0) {
    await deps.webhooks.saveDelivery({ ...tried, status: 'failed', nextAttemptAt: undefined }, delivery.generation);
    return { result: 'failed' };
  }
  const afterSeconds = Math.max(1, Math.min(BACKOFF_SECONDS[Math.min(attemptCount, BACKOFF_SECONDS.length) - 1]!, Math.ceil(windowLeftMs / 1000)));
  await deps.webhooks.saveDelivery({ ...tried, status: 'retrying', nextAttemptAt: new Date(now.getTime() + afterSeconds * 1000).toISOString() }, delivery.generation);
  return { result: 'retry', afterSeconds };
}

/** Keeps when the endpoint started failing; after 3 days of failures it is disabled, audited, and its admins told. */
async function noteFailure(deps: SendDeps, endpoint: WebhookEndpoint, now: Date): Promise<void> {
  if (!endpoint.failingSince) {
    await deps.webhooks.setFailing(endpoint.orgId, endpoint.endpointId, now.toISOString());
    return;
  }
  if (!endpoint.enabled || now.getTime() - Date.parse(endpoint.failingSince) < DISABLE_AFTER_MS) return;
  const reason = `Every delivery failed since ${endpoint.failingSince}.`;
  const admins = await deps.webhooks.orgAdmins(endpoint.orgId);
  await deps.store
    .commit({
      orgId: endpoint.orgId,
      writes: [{ kind: 'webhook', endpoint: { ...endpoint, enabled: false, disabledReason: reason, version: endpoint.version + 1 }, expect: { version: endpoint.version } }],
      audit: [{ at: now.toISOString(), actor: { type: 'system', id: 'webhooks' }, action: 'webhook.disabled_failing', target: { type: 'webhook', id: endpoint.endpointId }, before: { enabled: true }, after: { enabled: false, failingSince: endpoint.failingSince } }],
      notices: admins.length
        ? [{ noticeId: deps.ids(), orgId: endpoint.orgId, template: 'webhook-disabled', to: admins, createdAt: now.toISOString(), data: { url: endpoint.url, failingSince: endpoint.failingSince, endpointId: endpoint.endpointId } }]
        : [],
    })
    // Someone changed the endpoint meanwhile (an admin, or a parallel delivery disabling it): theirs stands.
    .catch((error: unknown) => {
      if (!(error instanceof ConcurrentChangeError)) throw error;
    });
}
