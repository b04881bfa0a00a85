import { epochSeconds } from '../../domain/clock';
import type { AccessRequest, ApprovalToken, Case, Grant, Org, OrgDeletion, PortalSession, ProductClient, Session, UserProfile } from '../../domain/model';
import { portalSessionKey } from './keys/portal-session';
import type { Notice } from '../../domain/notices';
import type { AuditEvent } from '../../domain/audit';
import { activeGrantIndexKeys, expiryShard, grantKey, pendingSessionsIndexKeys } from './keys/grant';
import { sessionKey, sessionRefKey } from './keys/session';
import { productClientKey, productClientRefKey } from './keys/product-client';
import { noticeKey } from './keys/notice';
import { auditEventKey } from './keys/audit';
import { approvalTokenKey } from './keys/approval-token';
import { caseKey } from './keys/case';
import { deletionKey, orgKey, orgNameKey } from './keys/org';
import { memberKey, userKey } from './keys/user';
import { pendingRequestIndexKeys, requestKey } from './keys/request';
import { webhookDeliveryKey, webhookEndpointKey } from './keys/webhook';
import type { WebhookDelivery, WebhookEndpoint } from '../../ports/webhooks';

/** How long a sent notice is kept for idempotency before TTL removes it. */
const NOTICE_RETENTION_SECONDS = 30 * 24 * 3600;

/**
 * How long an ended grant stays readable (dashboard history, the stream's record) before TTL
 * removes it. Ending a grant is the scheduler's and the sweep's job; TTL only cleans up, and
 * records an expiry both of them missed for this long.
 */
export const GRANT_RETENTION_SECONDS = 30 * 24 * 3600;

/** Entity ⇄ item mapping: keys, the type tag, TTL, and sparse index keys only while active. */
export function grantItem(grant: Grant): Record<string, unknown> {
  return {
    ...grantKey(grant.orgId, grant.grantId),
    type: 'grant',
    ...grant,
    ttl: epochSeconds(grant.expiresAt) + GRANT_RETENTION_SECONDS,
    ...(grant.status === 'active' ? activeGrantIndexKeys(grant.orgId, grant.grantId, grant.expiresAt) : {}),
    ...(grant.status !== 'active' && grant.sessionsPending ? pendingSessionsIndexKeys(grant.orgId, grant.grantId, grant.endedAt ?? grant.expiresAt) : {}),
  };
}

export function sessionItem(session: Session): Record<string, unknown> {
  return {
    ...sessionKey(session.orgId, session.grantId, session.sessionId),
    type: 'session',
    ...session,
    ttl: epochSeconds(session.expiresAt),
  };
}

/** Where a session lives, for finding it by id; it expires with the session. */
export function sessionRefItem(session: Session): Record<string, unknown> {
  return { ...sessionRefKey(session.sessionId), type: 'session-ref', orgId: session.orgId, grantId: session.grantId, ttl: epochSeconds(session.expiresAt) };
}

/** A portal sign-in; TTL removes it at its absolute end. */
export function portalSessionItem(session: PortalSession): Record<string, unknown> {
  return { ...portalSessionKey(session.email, session.sid), type: 'portal-session', ...session, ttl: epochSeconds(session.expiresAt) };
}

export function productClientItem(client: ProductClient): Record<string, unknown> {
  return { ...productClientKey(client.clientId), type: 'product-client', ...client };
}

/** Product credentials and the org's pointer to them. */
export function productClientItems(client: ProductClient): Record<string, unknown>[] {
  return [productClientItem(client), { ...productClientRefKey(client.orgId, client.clientId), type: 'client-ref', clientId: client.clientId }];
}

/** A user's profile and their membership in the org's partition. */
export function userItems(user: UserProfile): Record<string, unknown>[] {
  return [
    { ...userKey(user.email), type: 'user', ...user, email: user.email.toLowerCase() },
    { ...memberKey(user.orgId, user.email), type: 'member', email: user.email.toLowerCase() },
  ];
}

/**
 * A notice not finished this long after it was written is re-driven by the sweep (the stream gave
 * up on it, or its sender died mid-send); the stream normally delivers within seconds.
 */
export const NOTICE_REDRIVE_AFTER_MS = 10 * 60_000;

export function noticeItem(notice: Notice): Record<string, unknown> {
  return {
    ...noticeKey(notice.noticeId),
    type: 'notice',
    ...notice,
    status: 'pending',
    ttl: epochSeconds(notice.createdAt) + NOTICE_RETENTION_SECONDS,
    // In the sweep's sparse index until delivery finishes (then removed).
    gsi2pk: expiryShard(notice.noticeId),
    gsi2sk: `${new Date(Date.parse(notice.createdAt) + NOTICE_REDRIVE_AFTER_MS).toISOString()}#NOTICE#${notice.orgId}#${notice.noticeId}`,
  };
}

/** How long a deletion may sit unfinished before the sweep continues it. */
export const DELETION_STALLED_AFTER_MS = 5 * 60_000;

export function deletionItem(job: OrgDeletion): Record<string, unknown> {
  const stalledAt = new Date(Date.parse(job.updatedAt) + DELETION_STALLED_AFTER_MS).toISOString();
  return {
    ...deletionKey(job.orgId),
    type: 'org-deletion',
    ...job,
    // In the sweep's sparse index until done, so a deletion whose caller went away still finishes.
    ...(job.phase === 'done' ? {} : { gsi2pk: expiryShard(job.orgId), gsi2sk: `${stalledAt}#DELETION#${job.orgId}#JOB` }),
  };
}

export function orgItem(org: Org): Record<string, unknown> {
  return { ...orgKey(org.orgId), type: 'org', ...org };
}

/** A new org: its item and its directory entry, which keeps names unique and lists the orgs. */
export function newOrgItems(org: Org): Record<string, unknown>[] {
  return [orgItem(org), { ...orgNameKey(org.name), type: 'org-name', orgId: org.orgId, name: org.name }];
}

/** What an item of an org's partition points at outside it; those go when the org is deleted. */
export function ownedKeys(item: Record<string, unknown>): { pk: string; sk: string }[] {
  switch (item.type) {
    case 'member':
      return [userKey(String(item.email))];
    case 'client-ref':
      return [productClientKey(String(item.clientId))];
    case 'session':
      return [sessionRefKey(String(item.sessionId))];
    default:
      return [];
  }
}

export function caseItem(c: Case): Record<string, unknown> {
  return { ...caseKey(c.orgId, c.caseId), type: 'case', ...c };
}

/** Requests and their links are kept a while after they end, then TTL removes them. */
const REQUEST_RETENTION_SECONDS = 30 * 24 * 3600;

export function requestItem(r: AccessRequest): Record<string, unknown> {
  return {
    ...requestKey(r.orgId, r.requestId),
    type: 'request',
    ...r,
    ttl: epochSeconds(r.expiresAt) + REQUEST_RETENTION_SECONDS,
    ...(r.status === 'pending' ? pendingRequestIndexKeys(r.orgId, r.requestId, r.expiresAt) : {}),
  };
}

export function tokenItem(t: ApprovalToken): Record<string, unknown> {
  return { ...approvalTokenKey(t.tokenHash), type: 'approval-token', ...t, ttl: epochSeconds(t.expiresAt) + REQUEST_RETENTION_SECONDS };
}

export function webhookEndpointItem(endpoint: WebhookEndpoint): Record<string, unknown> {
  return { ...webhookEndpointKey(endpoint.orgId, endpoint.endpointId), type: 'webhook', ...endpoint };
}

/** How long a delivery (and its log line on the settings page) is kept. */
export const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;

export function webhookDeliveryItem(delivery: WebhookDelivery): Record<string, unknown> {
  return { ...webhookDeliveryKey(delivery.endpointId, delivery.deliveryId), type: 'webhook-delivery', ...delivery, ttl: epochSeconds(delivery.createdAt) + DELIVERY_RETENTION_SECONDS };
}

export function auditItem(event: AuditEvent): Record<string, unknown> {
  return { ...auditEventKey(event.orgId, event.seq), type: 'audit', ...event };
}

const STORAGE_ATTRIBUTES = ['pk', 'sk', 'type', 'ttl', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'status_sent_at'];

/** Strips storage attributes so the domain gets its entity back. */
export function fromItem<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const copy: Record<string, unknown> = { ...item };
  for (const key of STORAGE_ATTRIBUTES) delete copy[key];
  return copy as T;
}
