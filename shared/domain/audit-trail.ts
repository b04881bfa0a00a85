import { verifyChain, type AuditEvent } from './audit';
import { ForbiddenError, ValidationError } from './errors';
import type { GrantDeps } from './grant-service';
import type { UserProfile } from './model';

/** Reading an org's audit trail: who may see what, filters, pages, CSV, and verification. */

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilter {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  page: number;
}

const day = (raw: string | undefined, field: 'from' | 'to'): string | undefined => {
  const value = (raw ?? '').trim();
  if (!value) return undefined;
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) throw new ValidationError(field, `${field === 'from' ? 'From' : 'To'} must be a date (YYYY-MM-DD).`);
  // "to" a day includes the whole day.
  return new Date(field === 'to' && value.length === 10 ? ms + 86_400_000 - 1 : ms).toISOString();
};

export function parseAuditFilter(query: Record<string, string | undefined>): AuditFilter {
  const page = query.page ? Number(query.page) : 1;
  if (!Number.isInteger(page) || page < 1) throw new ValidationError('page', 'page must be a whole number from 1.');
  const filter: AuditFilter = { from: day(query.from, 'from'), to: day(query.to, 'to'), actor: query.actor?.trim().toLowerCase() || undefined, action: query.action?.trim() || undefined, page };
  if (filter.from && filter.to && filter.from > filter.to) throw new ValidationError('to', 'To must not be before From.');
  return filter;
}

const actorLabel = (e: AuditEvent) => ('email' in e.actor ? e.actor.email : e.actor.id);

function matches(e: AuditEvent, f: AuditFilter): boolean {
  return (
    (!f.from || e.at >= f.from) &&
    (!f.to || e.at <= f.to) &&
    (!f.actor || actorLabel(e).toLowerCase().includes(f.actor) || ('actingAs' in e.actor && e.actor.actingAs?.toLowerCase().includes(f.actor)) === true) &&
    (!f.action || e.action.startsWith(f.action))
  );
}

/**
 * Admins see the whole org; a user sees what concerns them: what they did, what support did as
 * them, their grants from start to end, and their cases.
 */
async function visibleTo(deps: GrantDeps, user: UserProfile, events: AuditEvent[]): Promise<AuditEvent[]> {
  if (user.role === 'admin') return events;
  const me = user.email.toLowerCase();
  const cases = new Set((await deps.store.listCases(user.orgId)).filter((c) => c.contact.email === me).map((c) => c.caseId));
  const mine = (e: AuditEvent) => ('email' in e.actor && e.actor.email === me) || ('actingAs' in e.actor && e.actor.actingAs === me) || (e.caseId !== undefined && cases.has(e.caseId));
  const grants = new Set(events.filter((e) => mine(e) && e.target.type === 'grant').map((e) => e.target.id));
  return events.filter((e) => mine(e) || (e.target.type === 'grant' && grants.has(e.target.id)) || grants.has(String(e.after?.grantId ?? '')));
}

export interface AuditPage {
  rows: AuditEvent[];
  total: number;
  page: number;
  pages: number;
}

/** The filtered trail, newest first: a page of it, or all of it (for export). */
export async function readAudit(deps: GrantDeps, user: UserProfile, filter: AuditFilter, all = false): Promise<AuditPage> {
  const events = (await visibleTo(deps, user, await deps.store.listAudit(user.orgId))).filter((e) => matches(e, filter)).reverse();
  const pages = Math.max(1, Math.ceil(events.length / AUDIT_PAGE_SIZE));
  const rows = all ? events : events.slice((filter.page - 1) * AUDIT_PAGE_SIZE, filter.page * AUDIT_PAGE_SIZE);
  return { rows, total: events.length, page: filter.page, pages };
}

/** Recomputes the org's whole chain (admins): intact, or the first broken sequence number. */
export async function verifyAudit(deps: GrantDeps, user: UserProfile): Promise<{ events: number; brokenAt?: number }> {
  if (user.role !== 'admin') throw new ForbiddenError('admins_only', 'Only an administrator can verify the whole audit trail.');
  const [events, head] = await Promise.all([deps.store.listAudit(user.orgId), deps.store.auditHead(user.orgId)]);
  return { events: head.seq, brokenAt: verifyChain(events, head) };
}

export const AUDIT_CSV_COLUMNS = ['seq', 'at', 'actor_type', 'actor', 'acting_as', 'action', 'target_type', 'target', 'case', 'justification', 'before', 'after', 'prev_hash', 'hash'] as const;

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function auditCsv(events: AuditEvent[]): string {
  const cell = (v: unknown) => {
    let s = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = events.map((e) =>
    [e.seq, e.at, e.actor.type, actorLabel(e), 'actingAs' in e.actor ? e.actor.actingAs : '', e.action, e.target.type, e.target.id, e.caseId, e.justification, e.before, e.after, e.prevHash, e.hash].map(cell).join(','),
  );
  return [AUDIT_CSV_COLUMNS.join(','), ...lines].join('\r\n') + '\r\n';
}
