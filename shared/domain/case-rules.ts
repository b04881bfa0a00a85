import { ForbiddenError, ValidationError } from './errors';
import { multiLine, singleLine } from './input';
import type { Case, Org, RemoteAccess, UserProfile } from './model';
import { REMOTE_ACCESS } from './model';

/** Pure rules of cases and their remote-access choice (Marketo's policy, Resolver's contacts). */

/** What a new case starts with: `all_cases` → allowed; `approval_needed` and `never` → denied; not on a free or trial plan. */
export function defaultRemoteAccess(org: Org): RemoteAccess {
  return org.settings.remoteAccessPolicy === 'all_cases' && !planLock(org) ? 'allowed' : 'denied';
}

/** Why no case of this org can allow remote access (its plan), or undefined. */
export function planLock(org: Org): string | undefined {
  if (org.plan === 'paid') return undefined;
  return `Remote access for support is not available on the ${org.plan} plan; it comes with the paid plan. Ask your account manager to upgrade.`;
}

/** Free and trial orgs: support can never use an allowed case, so none is allowed (any channel). */
export function assertPlanAllowsRemoteAccess(org: Org): void {
  const reason = planLock(org);
  if (reason) throw new ForbiddenError('plan_not_eligible', reason);
}

export function parseRemoteAccess(raw: unknown, org: Org): RemoteAccess {
  if (raw === undefined || raw === '') return defaultRemoteAccess(org);
  if (!REMOTE_ACCESS.includes(raw as RemoteAccess)) throw new ValidationError('remoteAccess', 'Remote access must be "allowed" or "denied".');
  return raw as RemoteAccess;
}

/** Why a user cannot set `allowed` on a case, or undefined (not on a free plan; under `never`, only admins can). */
export function lockedReason(org: Org, user: UserProfile): string | undefined {
  const plan = planLock(org);
  if (plan) return plan;
  if (org.settings.remoteAccessPolicy === 'never' && user.role !== 'admin') {
    return "This organization's remote-access policy is Never: only an administrator can allow support to access a case.";
  }
  return undefined;
}

export function assertMayChoose(org: Org, user: UserProfile, value: RemoteAccess): void {
  if (value !== 'allowed') return;
  assertPlanAllowsRemoteAccess(org);
  const reason = lockedReason(org, user);
  if (reason) throw new ForbiddenError('policy_never', reason);
}

/** A case grant still has consent while one of its linked cases is open and allowed. */
export function stillConsented(c: Case | undefined): boolean {
  return c?.status === 'open' && c.remoteAccess === 'allowed';
}

/** The case contact or an org admin may change a case; nobody else. */
export function assertMayChangeCase(c: Case, user: UserProfile): void {
  if (user.role !== 'admin' && c.contact.email !== user.email) {
    throw new ForbiddenError('not_case_contact', `Only the case contact (${c.contact.email}) or an administrator can see or change this case.`);
  }
}

/**
 * Who may approve a request on a case: any admin; the case contact or an authorized contact who is
 * a user of the org; under `never`, admins only.
 */
export function mayApprove(org: Org, c: Case, user: UserProfile): boolean {
  if (user.orgId !== org.orgId) return false;
  if (user.role === 'admin') return true;
  const email = user.email.toLowerCase();
  return org.settings.remoteAccessPolicy !== 'never' && (c.contact.email === email || org.settings.authorizedContacts.includes(email));
}

export function whoMayApprove(org: Org, c: Case): string {
  return org.settings.remoteAccessPolicy === 'never'
    ? `Only an administrator of ${org.name} can approve this request (the organization's policy is Never).`
    : `Only the case contact (${c.contact.email}), an authorized contact, or an administrator of ${org.name} can approve this request.`;
}

export function assertOpen(c: Case): void {
  if (c.status !== 'open') throw new ForbiddenError('case_solved', `Case ${c.caseId} is solved; nothing more can happen on it.`);
}

// Subjects, justifications and comments reach email subjects and lines and CSV rows: one line each.
/** Which of an org's cases an agent lists: open or solved (absent: all), a page of `limit`, after the previous page's `next`. */
export interface CaseListQuery {
  status?: Case['status'];
  limit: number;
  after?: string;
}

/** A case's text, as the portal form and the support API (its contract) both take it. */
export const SUBJECT = { field: 'subject', label: 'Subject', max: 200 } as const;
export const DESCRIPTION = { field: 'description', label: 'Description', max: 5000, required: false } as const;

export const parseSubject = (raw: unknown) => singleLine(raw, SUBJECT);
export const parseDescription = (raw: unknown) => multiLine(raw, DESCRIPTION);
export const parseComment = (raw: unknown, required: boolean) => singleLine(raw, { field: 'comment', label: 'A comment', max: 1000, required });
