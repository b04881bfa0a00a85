import type { AuditEvent } from '../../domain/audit';
import { readableTime } from './form-parts';

type Fields = Record<string, unknown>;

/** Who did it, as a person reads it: an email, "support (alex@…) as uma@…", or the system. */
export function actorName(e: AuditEvent): string {
  if (!('email' in e.actor)) return e.actor.type === 'system' ? `The system (${e.actor.id})` : `${e.actor.type} ${e.actor.id}`;
  const who = e.actor.email;
  return 'actingAs' in e.actor && e.actor.actingAs ? `${who} (acting as ${e.actor.actingAs})` : who;
}

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const time = (v: unknown) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? readableTime(v) : str(v));
const scopeOf = (w: unknown) => (w === 'all' ? 'the whole account' : Array.isArray(w) ? `workspaces ${w.join(', ')}` : str(w));
const changedKeys = (b: Fields, a: Fields) => Object.keys({ ...b, ...a }).filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));

const END_REASONS: Record<string, string> = {
  revoked: 'it was revoked',
  expired: 'its time ran out',
  case_solved: 'its case was solved',
  consent_withdrawn: 'consent was withdrawn on its case',
  org_suspended: 'the account was suspended',
  plan_changed: "the account's plan no longer allows it",
};

/** Each action as a sentence; an action this list does not know still reads as "who: action". */
const SENTENCES: Record<string, (who: string, b: Fields, a: Fields, e: AuditEvent) => string> = {
  'grant.created': (who, _b, a) => `${who} granted support login access (${str(a.level)}, ${scopeOf(a.workspaces)}, ${str(a.environment)}) until ${time(a.expiresAt)}.`,
  'grant.extended': (who, b, a) => `${who} extended support's access: it now ends ${time(a.expiresAt)} instead of ${time(b.expiresAt)}.`,
  'grant.shortened': (who, b, a) => `${who} shortened support's access: it now ends ${time(a.expiresAt)} instead of ${time(b.expiresAt)}.`,
  'grant.revoked': (who) => `${who} revoked support's access.`,
  'grant.expired': () => "Support's access ended: its time ran out.",
  'grant.ended': (who, _b, a) => `Support's access ended because ${END_REASONS[str(a.endReason)] ?? str(a.endReason)} (${who}).`,
  'grant.sessions_ended': (_who, _b, a) => `${str(a.sessionsEnded)} "log in as" session(s) through the grant were ended with it.`,
  'grant.ending_soon_notified': (_who, _b, a) => `The contacts were told that support's access ends ${time(a.expiresAt)}.`,
  'grant.case_activated': (who) => `${who} activated access for the case.`,
  'grant.case_linked': (who) => `${who} linked the case to their existing case access.`,
  'grant.case_unlinked': () => 'The case was unlinked from the access when it was solved.',
  'grant.personnel_added': (who, _b, a) => `${who} added ${str(a.email ?? a.added ?? a.personnel)} to the agents with access.`,
  'session.started': (who, _b, a) => `${who} started a "log in as" session${a.scope ? ` (${Array.isArray(a.scope) ? a.scope.join(' ') : str(a.scope)})` : ''} until ${time(a.expiresAt)}.`,
  'session.ended': (who) => `${who} ended a "log in as" session.`,
  'support.activity': (who, _b, a) => `${who} in the product: ${str(a.action ?? a.activity ?? a.description)}.`,
  'case.opened': (who, _b, a) => `${who} opened the case${a.subject ? ` "${str(a.subject)}"` : ''}${a.remoteAccess ? ` with remote access ${str(a.remoteAccess)}` : ''}.`,
  'case.remote_access_changed': (who, b, a) => `${who} set remote access for the case to ${str(a.remoteAccess)} (was ${str(b.remoteAccess) || 'unset'}).`,
  'case.solved': (who) => `${who} marked the case solved.`,
  'request.created': (who) => `${who} asked for permission to access the account.`,
  'change.created': (who, _b, a) => `${who} asked for written approval of a change${a.until ? `, until ${time(a.until)}` : ''}.`,
  'request.approved_by': (who, _b, a) => `${who} approved support's access request${a.status === 'approved' ? '' : ` (${str(a.approvals)} approval so far)`}.`,
  'request.denied_by': (who) => `${who} denied support's access request.`,
  'change.approved_by': (who) => `${who} approved support's change request in writing.`,
  'change.denied_by': (who) => `${who} denied support's change request.`,
  'request.expired': () => 'A request expired without a decision.',
  'consent.refused_impersonated': (who) => `${who} tried to change access from inside a "log in as" session and was refused: only the customer in person can.`,
  'org.settings_changed': (who, b, a) => `${who} changed the settings: ${changedKeys(b, a).join(', ') || 'nothing'}.`,
  'org.created': (who) => `${who} created the organization.`,
  'user.added': (who, _b, a) => `${who} added the user ${str(a.email)}.`,
  'user.signed_in': (who) => `${who} signed in.`,
  'user.signed_out': (who) => `${who} signed out.`,
  'user.signed_out_everywhere': (who, _b, a) => `${who} signed ${str(a.email) || 'a user'} out everywhere.`,
  'product_credentials.issued': (who) => `${who} issued new product credentials.`,
  'notice.failed': (_who, _b, a) => `An email could not be delivered${a.to ? ` to ${[a.to].flat().join(', ')}` : ''}.`,
  'notice.suppressed': (_who, _b, a) => `An email was not sent${a.to ? ` to ${[a.to].flat().join(', ')}` : ''}: the address bounced or complained before.`,
};

/** "Ada extended support's access: it now ends Thu 27 Nov 2026, 19:38 UTC instead of …". */
export function auditSentence(e: AuditEvent): string {
  const sentence = SENTENCES[e.action];
  const who = actorName(e);
  return sentence ? sentence(who, (e.before ?? {}) as Fields, (e.after ?? {}) as Fields, e) : `${who}: ${e.action} (${e.target.type} ${e.target.id}).`;
}

/** The choices of the audit page's action picker (each a prefix of the actions it covers). */
export const ACTION_GROUPS: [prefix: string, label: string][] = [
  ['grant.', 'Login access (grants)'],
  ['session.', '"Log in as" sessions'],
  ['support.activity', 'What support did in the product'],
  ['case.', 'Cases'],
  ['request.', 'Access requests'],
  ['change.', 'Change requests'],
  ['consent.', 'Refused changes'],
  ['org.', 'Settings and organization'],
  ['user.', 'Sign-ins'],
  ['notice.', 'Emails not delivered'],
];
