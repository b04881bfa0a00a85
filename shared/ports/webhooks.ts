import type { WebhookEvent, WebhookEventType } from '../domain/webhook-events';

/** Where an org's events go: a URL, what to send there, and how to sign it. */
export interface WebhookEndpoint {
  orgId: string;
  endpointId: string;
  url: string;
  /** `standard`: the event as JSON (Standard Webhooks); `slack`: the same event as a Slack message. */
  kind: 'standard' | 'slack';
  events: WebhookEventType[];
  enabled: boolean;
  /** The signing secret, sealed (KMS in AWS) with the org and endpoint as its context. */
  sealedSecret: string;
  /** The last characters of the secret, so an admin can tell which one their receiver has. */
  secretHint: string;
  createdAt: string;
  createdBy: string;
  /** The first failure since the last success (an endpoint failing for 3 days is disabled). */
  failingSince?: string;
  /** Why it was disabled by the product, not by an admin. */
  disabledReason?: string;
  version: number;
}

/** One try at delivering: what the receiver answered, or why nothing was answered. */
export interface DeliveryAttempt {
  at: string;
  attempt: number;
  ms: number;
  statusCode?: number;
  error?: string;
  /** The start of the response body (at most 1 KB). */
  responseBody?: string;
}

/** One event on its way to one endpoint. */
export interface WebhookDelivery {
  orgId: string;
  endpointId: string;
  /** The audit sequence number, zero-padded: deliveries list newest first by it. */
  deliveryId: string;
  event: WebhookEvent;
  /** Deliveries of one order key (a grant) reach an endpoint in order. */
  orderKey: string;
  status: 'queued' | 'retrying' | 'delivered' | 'failed' | 'skipped';
  /** Bumped by a redelivery, so a message of an earlier round is recognised and dropped. */
  generation: number;
  /** Attempts of the current round (the 24-hour window counts from its first). */
  attemptCount: number;
  firstAttemptAt?: string;
  nextAttemptAt?: string;
  /** The latest attempts, newest last (at most 10). */
  attempts: DeliveryAttempt[];
  createdAt: string;
  /** The audit event (seq) of the redelivery that started the current round, if one did. */
  redeliveredBy?: number;
  /** Why it was skipped, for the delivery log. */
  note?: string;
}

/** What the queue carries: which delivery, and which round of it. */
export interface DeliveryMessage {
  orgId: string;
  endpointId: string;
  deliveryId: string;
  generation: number;
  orderKey: string;
}

/** Webhook bookkeeping in the table (endpoint changes themselves go through `Store.commit`, audited). */
export interface WebhookStore {
  listEndpoints(orgId: string): Promise<WebhookEndpoint[]>;
  getEndpoint(orgId: string, endpointId: string): Promise<WebhookEndpoint | undefined>;
  /** Stores a new delivery; when it exists already (a retried stream batch), the stored one. */
  createDelivery(delivery: WebhookDelivery): Promise<WebhookDelivery>;
  getDelivery(endpointId: string, deliveryId: string): Promise<WebhookDelivery | undefined>;
  /** Writes the delivery if it is still at `generation` (a redelivery starts a new round). */
  saveDelivery(delivery: WebhookDelivery, generation: number): Promise<boolean>;
  /** The endpoint's latest deliveries, newest first. */
  listDeliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]>;
  /** Records a failure (keeps the first `failingSince`) or a success (clears it); not audited. */
  setFailing(orgId: string, endpointId: string, since: string | undefined): Promise<void>;
  /** The org's administrators' emails (told when an endpoint is disabled). */
  orgAdmins(orgId: string): Promise<string[]>;
}

/** The queue between the stream and the sender: FIFO per endpoint and order key, with its own backoff. */
export interface WebhookQueue {
  enqueue(message: DeliveryMessage): Promise<void>;
}

/** What a receiver answered. */
export interface PostResult {
  statusCode?: number;
  /** The first 1 KB of the answer. */
  body: string;
  ms: number;
  /** Why nothing usable was answered (refused address, timeout, connection error). */
  error?: string;
}

/** Posts one signed body to a receiver's URL, safely (no private addresses, no redirects, 5 s). */
export interface WebhookSender {
  post(url: string, body: string, headers: Record<string, string>): Promise<PostResult>;
}

/** Seals secrets at rest (KMS in AWS), bound to a context that must match to open them. */
export interface SecretBox {
  seal(plaintext: string, context: Record<string, string>): Promise<string>;
  open(sealed: string, context: Record<string, string>): Promise<string>;
}

/** The context an endpoint's secret is sealed with: it opens only for its own org and endpoint. */
export const secretContext = (e: Pick<WebhookEndpoint, 'orgId' | 'endpointId'>): Record<string, string> => ({ orgId: e.orgId, endpointId: e.endpointId });
