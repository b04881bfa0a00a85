import type { AuditEvent } from './audit';

/**
 * The webhook event catalogue: what a customer's SIEM, Slack or ticketing can subscribe to. Each
 * event is a projection of one audit event (written in the same transaction as the change it
 * records), so an event exists exactly when its change happened, and its id points back into the
 * org's hash-chained trail.
 */
export const WEBHOOK_EVENT_TYPES = [
  'grant.created',
  'grant.end_changed',
  'grant.revoked',
  'grant.expired',
  'grant.consent_withdrawn',
  'grant.ended',
  'session.started',
  'session.ended',
  'access_request.created',
  'access_request.decided',
  'case.access_changed',
  'change_request.decided',
  'support.activity',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number] | 'webhook.test';

/** What each type means, for the settings page and the docs. */
export const EVENT_DESCRIPTIONS: Record<WebhookEventType, string> = {
  'grant.created': 'Login access was granted (by a user, or activated by support for a case).',
  'grant.end_changed': 'A grant now ends later or earlier.',
  'grant.revoked': 'A grant was revoked.',
  'grant.expired': 'A grant ran out.',
  'grant.consent_withdrawn': 'A case grant ended because remote access for its case was switched to denied.',
  'grant.ended': 'A grant ended for another reason: its case was solved, the account was suspended, or its plan changed.',
  'session.started': 'Support signed in as a user ("log in as").',
  'session.ended': 'A support session ended.',
  'access_request.created': 'Support asked for access to a case.',
  'access_request.decided': 'An access request was approved or denied.',
  'case.access_changed': 'Remote access for a case was allowed or denied.',
  'change_request.decided': 'A request to make changes was approved or denied.',
  'support.activity': 'Your product reported something support did during a session.',
  'webhook.test': 'A test event, sent from the settings page.',
};

/** One event as it is delivered: a stable id, its type and time, the org, and the facts. */
export interface WebhookEvent {
  /** `evt_` and the start of the audit event's hash: stable across retries and redeliveries. */
  id: string;
  type: WebhookEventType;
  time: string;
  orgId: string;
  /** The audit event this one is (its place in the org's trail). */
  auditSeq: number;
  data: Record<string, unknown>;
}

/** The event type an audit event is published as, if any. */
export function eventTypeOf(audit: Pick<AuditEvent, 'action' | 'after'>): WebhookEventType | undefined {
  const a = audit.action;
  if (a === 'grant.created' || a === 'grant.case_activated') return 'grant.created';
  if (a === 'grant.extended' || a === 'grant.shortened') return 'grant.end_changed';
  if (a === 'grant.revoked' || a === 'grant.expired') return a;
  // Other endings are `grant.ended` with the reason: consent withdrawn, case solved, org suspended, plan changed.
  if (a === 'grant.ended') return audit.after?.endReason === 'consent_withdrawn' ? 'grant.consent_withdrawn' : 'grant.ended';
  if (a === 'session.started' || a === 'session.ended' || a === 'support.activity') return a;
  if (a === 'request.created') return 'access_request.created';
  // A vote that leaves a multi-approver request pending is not a decision yet.
  const decided = audit.after?.status === 'approved' || audit.after?.status === 'denied';
  if ((a === 'request.approved_by' || a === 'request.denied_by') && decided) return 'access_request.decided';
  if ((a === 'change.approved_by' || a === 'change.denied_by') && decided) return 'change_request.decided';
  if (a === 'case.remote_access_changed') return 'case.access_changed';
  if (a === 'webhook.test_requested') return 'webhook.test';
  return undefined;
}

/** Keys never published, at any depth: credentials and hashes have no place in a webhook. */
const SECRET_KEY = /token|secret|password|hash|credential/i;

function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => !SECRET_KEY.test(k)).map(([k, v]) => [k, withoutSecrets(v)]));
}

/**
 * The grant (or, without one, the subject) an event is about: deliveries to one endpoint keep
 * this order — a grant's "created" never arrives after its "revoked".
 */
export function orderKeyOf(audit: Pick<AuditEvent, 'target' | 'after'>): string {
  const grantId = audit.target.type === 'grant' ? audit.target.id : audit.after?.grantId;
  return typeof grantId === 'string' ? `grant-${grantId}` : `${audit.target.type}-${audit.target.id}`;
}

/** The webhook event an audit event is published as, or undefined when it is not published. */
export function eventFromAudit(audit: AuditEvent): WebhookEvent | undefined {
  const type = eventTypeOf(audit);
  if (!type) return undefined;
  const facts: Record<string, unknown> = {
    action: audit.action,
    actor: audit.actor,
    target: audit.target,
    caseId: audit.caseId,
    requestId: audit.requestId,
    justification: audit.justification,
    before: audit.before,
    after: audit.after,
  };
  return {
    id: `evt_${audit.hash.slice(0, 32)}`,
    type,
    time: audit.at,
    orgId: audit.orgId,
    auditSeq: audit.seq,
    data: withoutSecrets(JSON.parse(JSON.stringify(facts))) as Record<string, unknown>,
  };
}

const SLACK_TITLES: Record<WebhookEventType, string> = {
  'grant.created': ':key: Support login access granted',
  'grant.end_changed': ':hourglass: Support login access now ends at another time',
  'grant.revoked': ':no_entry: Support login access revoked',
  'grant.expired': ':checkered_flag: Support login access expired',
  'grant.consent_withdrawn': ':no_entry: Consent withdrawn: support access ended',
  'grant.ended': ':checkered_flag: Support login access ended',
  'session.started': ':bust_in_silhouette: Support signed in as a user',
  'session.ended': ':wave: Support session ended',
  'access_request.created': ':raising_hand: Support asks for access',
  'access_request.decided': ':ballot_box_with_check: Access request decided',
  'case.access_changed': ':gear: Remote access for a case changed',
  'change_request.decided': ':ballot_box_with_check: Change request decided',
  'support.activity': ':mag: Support activity',
  'webhook.test': ':white_check_mark: Test event from Support Access',
};

/** Slack's mrkdwn: `&`, `<` and `>` are its only control characters. */
const slackText = (s: unknown) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The same event as a Slack incoming-webhook message: a title, the facts that matter, the ids. */
export function slackMessage(event: WebhookEvent): { text: string; blocks: unknown[] } {
  const d = event.data;
  const actor = d.actor as { type?: string; id?: string; email?: string; actingAs?: string } | undefined;
  const target = d.target as { type: string; id: string } | undefined;
  const after = (d.after ?? {}) as Record<string, unknown>;
  const facts = [
    actor ? `*By:* ${slackText(actor.email ?? actor.id ?? actor.type)}${actor.actingAs ? ` (acting as ${slackText(actor.actingAs)})` : ''}` : '',
    target ? `*${slackText(target.type)}:* \`${slackText(target.id)}\`` : '',
    d.caseId ? `*Case:* \`${slackText(d.caseId)}\`` : '',
    d.justification ? `*Why:* ${slackText(d.justification)}` : '',
    after.expiresAt ? `*Ends:* ${slackText(after.expiresAt)}` : '',
    after.status ? `*Status:* ${slackText(after.status)}` : '',
  ].filter(Boolean);
  const title = SLACK_TITLES[event.type];
  return {
    text: `${title} (${event.orgId})`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${facts.join('\n')}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `${slackText(event.orgId)} · ${event.time} · ${event.id}` }] },
    ],
  };
}
