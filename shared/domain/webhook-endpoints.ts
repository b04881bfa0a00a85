import { randomBytes } from 'node:crypto';
import { auditActor, inPerson, type Actor } from './actor';
import type { Clock } from './clock';
import { ConflictError, FieldErrors, NotFoundError, ValidationError } from './errors';
import { assertMayManageSettings } from './org-settings';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events';
import { refusedAddress } from './webhook-addresses';
import type { IdFactory } from '../ports/ids';
import type { Store, Write } from '../ports/store';
import { secretContext, type SecretBox, type WebhookDelivery, type WebhookEndpoint, type WebhookStore } from '../ports/webhooks';
import type { UserProfile } from './model';

export interface WebhookAdminDeps {
  store: Store;
  webhooks: WebhookStore;
  secrets: SecretBox;
  clock: Clock;
  ids: IdFactory;
  /** Plain http and loopback receivers: the local stage only. */
  allowLocalReceivers: boolean;
}

/** At most this many endpoints per org. */
export const MAX_ENDPOINTS = 10;
const KINDS: WebhookEndpoint['kind'][] = ['standard', 'slack'];

/**
 * A receiver's URL as an admin typed it: https (http only on the local stage), no user or
 * password in it, and no address that is private, loopback, link-local or otherwise not public
 * when written as one. Names are resolved and checked again at every delivery.
 */
export function parseWebhookUrl(raw: string | undefined, allowLocalReceivers: boolean): string {
  const text = (raw ?? '').trim();
  if (!text) throw new ValidationError('url', 'Enter the URL events are posted to.');
  if (text.length > 2048) throw new ValidationError('url', 'The URL must be at most 2,048 characters.');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError('url', 'Not a URL: it must look like https://siem.example.com/hooks/support-access.');
  }
  if (url.protocol !== 'https:' && !(allowLocalReceivers && url.protocol === 'http:')) throw new ValidationError('url', 'The URL must start with https://.');
  if (url.username || url.password) throw new ValidationError('url', 'Put no user name or password in the URL; receivers verify the signature instead.');
  if (url.hash) throw new ValidationError('url', 'The URL must not have a #fragment.');
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  const refused = refusedAddress(literal, allowLocalReceivers) ?? (!allowLocalReceivers && /^localhost$|\.localhost$|\.internal$|\.local$/i.test(literal) ? 'a local name' : undefined);
  if (refused) throw new ValidationError('url', `Events cannot be sent to ${literal}: ${refused}.`);
  return url.toString();
}

function parseEvents(raw: string | undefined): WebhookEventType[] {
  const chosen = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!chosen.length) throw new ValidationError('events', 'Choose at least one event to send.');
  const unknown = chosen.filter((e) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(e));
  if (unknown.length) throw new ValidationError('events', `Unknown event type: ${unknown.slice(0, 3).join(', ').slice(0, 200)}.`);
  return WEBHOOK_EVENT_TYPES.filter((e) => chosen.includes(e));
}

function parseKind(raw: string | undefined): WebhookEndpoint['kind'] {
  const kind = (raw || 'standard') as WebhookEndpoint['kind'];
  if (!KINDS.includes(kind)) throw new ValidationError('kind', 'The format must be "standard" or "slack".');
  return kind;
}

/** A new Standard Webhooks secret: `whsec_` and 24 random bytes in base64. */
const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

async function loadEndpoint(deps: Pick<WebhookAdminDeps, 'webhooks'>, orgId: string, endpointId: string): Promise<WebhookEndpoint> {
  const endpoint = await deps.webhooks.getEndpoint(orgId, endpointId);
  if (!endpoint) throw new NotFoundError('webhook endpoint', endpointId);
  return endpoint;
}

/** The org's endpoints, for its admins (read-only to a "log in as" session, like the settings page). */
export async function listEndpoints(deps: Pick<WebhookAdminDeps, 'webhooks'>, viewer: UserProfile): Promise<WebhookEndpoint[]> {
  assertMayManageSettings(viewer);
  return deps.webhooks.listEndpoints(viewer.orgId);
}

/** One endpoint and its latest deliveries, for its org's admins. */
export async function endpointWithDeliveries(deps: Pick<WebhookAdminDeps, 'webhooks'>, viewer: UserProfile, endpointId: string): Promise<{ endpoint: WebhookEndpoint; deliveries: WebhookDelivery[] }> {
  assertMayManageSettings(viewer);
  const endpoint = await loadEndpoint(deps, viewer.orgId, endpointId);
  return { endpoint, deliveries: await deps.webhooks.listDeliveries(endpointId, 50) };
}

/** Adds an endpoint; the secret is returned this once (only its sealed form is stored). */
export async function createEndpoint(deps: WebhookAdminDeps, actor: Actor, form: Record<string, string | undefined>): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const admin = inPerson(actor);
  assertMayManageSettings(admin);
  const errors = new FieldErrors();
  const url = errors.check(() => parseWebhookUrl(form.url, deps.allowLocalReceivers));
  const kind = errors.check(() => parseKind(form.kind));
  const events = errors.check(() => parseEvents(form.events));
  errors.throwIfAny();
  const existing = await deps.webhooks.listEndpoints(admin.orgId);
  if (existing.length >= MAX_ENDPOINTS) throw new ConflictError('too_many_endpoints', `An organization can have at most ${MAX_ENDPOINTS} webhook endpoints; delete one first.`);
  const endpointId = `wh_${deps.ids()}`;
  const secret = newSecret();
  const at = deps.clock.now().toISOString();
  const endpoint: WebhookEndpoint = {
    orgId: admin.orgId,
    endpointId,
    url: url!,
    kind: kind!,
    events: events!,
    enabled: true,
    sealedSecret: await deps.secrets.seal(secret, secretContext({ orgId: admin.orgId, endpointId })),
    secretHint: secret.slice(-4),
    createdAt: at,
    createdBy: admin.email,
    version: 1,
  };
  await deps.store.commit({
    orgId: admin.orgId,
    writes: [{ kind: 'webhook', endpoint, expect: 'new' }],
    audit: [{ at, actor: auditActor(actor), action: 'webhook.created', target: { type: 'webhook', id: endpointId }, after: { url: endpoint.url, kind: endpoint.kind, events: endpoint.events, enabled: true } }],
    notices: [],
  });
  return { endpoint, secret };
}

/** Changes what an endpoint sends and whether it is on; only what changed is audited. */
export async function updateEndpoint(deps: WebhookAdminDeps, actor: Actor, endpointId: string, form: Record<string, string | undefined>): Promise<WebhookEndpoint> {
  const admin = inPerson(actor);
  assertMayManageSettings(admin);
  const endpoint = await loadEndpoint(deps, admin.orgId, endpointId);
  const events = parseEvents(form.events);
  const enabled = form.enabled === 'on' || form.enabled === 'true';
  // Turning it back on starts afresh: no "turned off" reason, no failures counted toward the 3 days.
  const changed: WebhookEndpoint = { ...endpoint, events, enabled, version: endpoint.version + 1, ...(enabled && !endpoint.enabled ? { disabledReason: undefined, failingSince: undefined } : {}) };
  const keys = (['events', 'enabled'] as const).filter((k) => JSON.stringify(endpoint[k]) !== JSON.stringify(changed[k]));
  if (!keys.length) return endpoint;
  await commitEndpoint(deps, actor, endpoint, { kind: 'webhook', endpoint: changed, expect: { version: endpoint.version } }, 'webhook.changed', {
    before: Object.fromEntries(keys.map((k) => [k, endpoint[k]])),
    after: Object.fromEntries(keys.map((k) => [k, changed[k]])),
  });
  return changed;
}

/** Removes an endpoint: nothing more is sent to it (deliveries on their way are dropped). */
export async function deleteEndpoint(deps: WebhookAdminDeps, actor: Actor, endpointId: string): Promise<void> {
  const admin = inPerson(actor);
  assertMayManageSettings(admin);
  const endpoint = await loadEndpoint(deps, admin.orgId, endpointId);
  await commitEndpoint(deps, actor, endpoint, { kind: 'webhook', endpoint, expect: { version: endpoint.version }, remove: true }, 'webhook.deleted', { before: { url: endpoint.url } });
}

/** Queues a `webhook.test` event to this endpoint (its audit event is what the stream delivers). */
export async function sendTestEvent(deps: WebhookAdminDeps, actor: Actor, endpointId: string): Promise<void> {
  const admin = inPerson(actor);
  assertMayManageSettings(admin);
  const endpoint = await loadEndpoint(deps, admin.orgId, endpointId);
  await deps.store.commit({
    orgId: admin.orgId,
    writes: [],
    audit: [{ at: deps.clock.now().toISOString(), actor: auditActor(actor), action: 'webhook.test_requested', target: { type: 'webhook', id: endpoint.endpointId }, after: { url: endpoint.url } }],
    notices: [],
  });
}

/** Sends a delivery again, as a new round with its own 24 hours of retries. */
export async function redeliver(deps: WebhookAdminDeps, actor: Actor, endpointId: string, deliveryId: string | undefined): Promise<void> {
  const admin = inPerson(actor);
  assertMayManageSettings(admin);
  const endpoint = await loadEndpoint(deps, admin.orgId, endpointId);
  const delivery = /^\d{1,20}$/.test(deliveryId ?? '') ? await deps.webhooks.getDelivery(endpoint.endpointId, deliveryId!) : undefined;
  if (!delivery || delivery.orgId !== admin.orgId) throw new NotFoundError('delivery', String(deliveryId ?? '').slice(0, 40));
  await deps.store.commit({
    orgId: admin.orgId,
    writes: [],
    audit: [{ at: deps.clock.now().toISOString(), actor: auditActor(actor), action: 'webhook.redelivery_requested', target: { type: 'webhook', id: endpointId }, after: { deliveryId, eventId: delivery.event.id, eventType: delivery.event.type } }],
    notices: [],
  });
}

async function commitEndpoint(deps: WebhookAdminDeps, actor: Actor, before: WebhookEndpoint, write: Write, action: string, facts: { before?: Record<string, unknown>; after?: Record<string, unknown> }) {
  await deps.store.commit({
    orgId: before.orgId,
    writes: [write],
    audit: [{ at: deps.clock.now().toISOString(), actor: auditActor(actor), action, target: { type: 'webhook', id: before.endpointId }, ...facts }],
    notices: [],
  });
}
