import { ValidationError } from './errors';
import { SCOPES, type Case, type Grant, type Scope } from './model';

/** Pure rules of what a session token may do in the product. */

/** Reads the requested scope ("read write", or a list); `read` is always included. */
export function parseRequestedScope(raw: unknown): string[] {
  if (raw === undefined || raw === null || raw === '') return ['read'];
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : undefined;
  if (!list || list.some((s) => typeof s !== 'string')) throw new ValidationError('scope', 'scope must be a space-separated string or a list of scopes, e.g. "read write".');
  return [...new Set(['read', ...(list as string[]).filter(Boolean)])];
}

export interface ScopeDecision {
  scope: Scope[];
  /** Each requested scope that was left out, and why. */
  refused: Record<string, string>;
}

/**
 * `read` always; `write` only for a session naming a case whose change request was approved for
 * this very grant, before the approval's `until`, the case still open, and a grant above
 * `monitor`; any other scope (users, permissions, …) never.
 */
export function decideScope(requested: string[], grant: Grant, c: Case | undefined, now: Date): ScopeDecision {
  const scope: Scope[] = ['read'];
  const refused: Record<string, string> = {};
  for (const s of requested) {
    if (s === 'read') continue;
    if (!(SCOPES as readonly string[]).includes(s)) {
      refused[s] = `Support sessions never get "${s}": only ${SCOPES.join(' and ')} exist, and nothing manages users or permissions.`;
      continue;
    }
    const why = writeRefusal(grant, c, now);
    if (why) refused[s] = why;
    else scope.push('write');
  }
  return { scope, refused };
}

function writeRefusal(grant: Grant, c: Case | undefined, now: Date): string | undefined {
  if (grant.level === 'monitor') return 'The grant is at monitor level, which never writes.';
  if (!c) return 'Write needs a case with an approved change request: pass caseId.';
  if (c.status !== 'open') return `Case ${c.caseId} is solved.`;
  const approval = c.changeApproval;
  if (!approval?.grantId || !approval.until) return `Case ${c.caseId} has no approved change request; ask for one naming this grant (POST .../cases/${c.caseId}/change-requests).`;
  if (approval.grantId !== grant.grantId) return `The change on case ${c.caseId} was approved for grant ${approval.grantId}, not for grant ${grant.grantId}.`;
  if (now.getTime() >= Date.parse(approval.until)) return `The approved change on case ${c.caseId} ended at ${approval.until}; ask again.`;
  return undefined;
}

/** The end of a session: 15 minutes at most, never past its grant, nor past the approved change when it writes. */
export function sessionEnd(now: Date, minutes: number, grant: Grant, scope: Scope[], c: Case | undefined): number {
  const ends = [now.getTime() + minutes * 60_000, Date.parse(grant.expiresAt)];
  if (scope.includes('write') && c?.changeApproval?.until) ends.push(Date.parse(c.changeApproval.until));
  return Math.min(...ends);
}
