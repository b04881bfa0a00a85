import { chainEvent, GENESIS_HASH, type AuditEvent } from '../../shared/domain/audit';
import { ConcurrentChangeError } from '../../shared/domain/errors';
import type { AccessRequest, ApprovalToken, Case, Grant, Org, OrgDeletion, PortalSession, ProductClient, Session, UserProfile } from '../../shared/domain/model';
import type { Notice } from '../../shared/domain/notices';
import type { ExpiryTarget } from '../../shared/ports/scheduler';
import type { CasePage, Change, Expect, ReadTogether, ReadTogetherResult, Store, Write } from '../../shared/ports/store';
import type { WebhookEndpoint } from '../../shared/ports/webhooks';
import { transactionItems } from '../../shared/adapters/dynamodb/store';

type Versioned = { status?: string; version?: number; usedAt?: string };

/**
 * The project's `Store` port in memory, for fast tests of the domain: the same conditions as the
 * DynamoDB adapter (new, status, version, unused), all-or-nothing commits, one hash chain per org,
 * and a record of every committed change (and its size in DynamoDB items).
 */
export class MemoryStore implements Store {
  readonly orgs = new Map<string, Org>();
  readonly users = new Map<string, UserProfile>();
  readonly grants = new Map<string, Grant>();
  readonly sessions = new Map<string, Session>();
  readonly cases = new Map<string, Case>();
  readonly requests = new Map<string, AccessRequest>();
  readonly tokens = new Map<string, ApprovalToken>();
  readonly clients = new Map<string, ProductClient>();
  readonly portalSessions = new Map<string, PortalSession>();
  readonly audit = new Map<string, AuditEvent[]>();
  readonly notices: Notice[] = [];
  /** Every committed change, in order, with its size as DynamoDB would count it. */
  readonly committed: { change: Change; items: number }[] = [];
  /** Set to make the next commits fail as a lost race would. */
  failNextCommits = 0;

  async getOrg(orgId: string) { return this.orgs.get(orgId); }
  async findOrgByName(name: string) { return [...this.orgs.values()].find((o) => o.name.toLowerCase() === name.toLowerCase())?.orgId; }
  async listOrgs() { return [...this.orgs.values()]; }
  readonly deletions = new Map<string, OrgDeletion>();
  /** Webhook endpoints by `orgId#endpointId` (written through commit, like in DynamoDB). */
  readonly webhookEndpoints = new Map<string, WebhookEndpoint>();
  async removeOrgData(orgId: string, maxItems: number) {
    const mine = [...this.grants.entries(), ...this.cases.entries()].filter(([k]) => k.startsWith(`${orgId}#`)).slice(0, maxItems);
    for (const [k] of mine) { this.grants.delete(k); this.cases.delete(k); }
    if (mine.length) return { removed: mine.length, done: false };
    this.orgs.delete(orgId);
    return { removed: 1, done: true };
  }
  async getDeletion(orgId: string) { return this.deletions.get(orgId); }
  async getUser(email: string) { return this.users.get(email.toLowerCase()); }
  async getUserAndPortalSession(email: string, sid: string, orgId?: string) {
    return { user: this.users.get(email.toLowerCase()), session: this.portalSessions.get(`${email.toLowerCase()}#${sid}`), org: orgId ? this.orgs.get(orgId) : undefined };
  }
  async listPortalSessions(email: string) { return [...this.portalSessions.values()].filter((s) => s.email === email.toLowerCase()); }
  async touchPortalSession(email: string, sid: string, at: string) {
    const s = this.portalSessions.get(`${email}#${sid}`);
    if (s?.status === 'active') this.portalSessions.set(`${email}#${sid}`, { ...s, lastSeenAt: at });
  }
  async getGrant(orgId: string, grantId: string) { return this.grants.get(`${orgId}#${grantId}`); }
  async listActiveGrants(orgId: string, now: Date) {
    return [...this.grants.values()].filter((g) => g.orgId === orgId && g.status === 'active' && Date.parse(g.expiresAt) > now.getTime()).sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  }
  async listDueGrants(orgId: string, now: Date, limit: number) {
    return [...this.grants.values()].filter((g) => g.orgId === orgId && g.status === 'active' && Date.parse(g.expiresAt) <= now.getTime()).sort((a, b) => a.expiresAt.localeCompare(b.expiresAt)).slice(0, limit);
  }
  async listSessionsOfGrant(orgId: string, grantId: string) { return [...this.sessions.values()].filter((s) => s.orgId === orgId && s.grantId === grantId); }
  async listSessions(orgId: string) { return [...this.sessions.values()].filter((s) => s.orgId === orgId); }
  async listSessionsPage(orgId: string, limit: number) {
    const all = await this.listSessions(orgId);
    // As DynamoDB does: a full page says there may be more, even when there is not.
    return { sessions: all.slice(0, limit), more: all.length >= limit };
  }
  async getSession(orgId: string, grantId: string, sessionId: string) { const s = this.sessions.get(sessionId); return s?.orgId === orgId && s.grantId === grantId ? s : undefined; }
  async findSession(sessionId: string) { return this.sessions.get(sessionId); }
  async getProductClient(clientId: string) { return this.clients.get(clientId); }
  async readTogether(reads: ReadTogether): Promise<ReadTogetherResult> {
    return {
      ...(reads.org ? { org: await this.getOrg(reads.org) } : {}),
      ...(reads.grant ? { grant: await this.getGrant(reads.grant.orgId, reads.grant.grantId) } : {}),
      ...(reads.case ? { case: await this.getCase(reads.case.orgId, reads.case.caseId) } : {}),
      ...(reads.request ? { request: await this.getRequest(reads.request.orgId, reads.request.requestId) } : {}),
      ...(reads.session ? { session: await this.getSession(reads.session.orgId, reads.session.grantId, reads.session.sessionId) } : {}),
      ...(reads.client ? { client: await this.getProductClient(reads.client) } : {}),
      ...(reads.auditHead ? { auditHead: await this.auditHead(reads.auditHead) } : {}),
    };
  }
  async listOverdue(now: Date): Promise<ExpiryTarget[]> {
    return [
      ...[...this.grants.values()].filter((g) => g.status === 'active' && Date.parse(g.expiresAt) <= now.getTime()).map((g) => ({ type: 'grant' as const, orgId: g.orgId, id: g.grantId })),
      ...[...this.grants.values()].filter((g) => g.status !== 'active' && g.sessionsPending).map((g) => ({ type: 'sessions' as const, orgId: g.orgId, id: g.grantId })),
      ...[...this.requests.values()].filter((r) => r.status === 'pending' && Date.parse(r.expiresAt) <= now.getTime()).map((r) => ({ type: 'request' as const, orgId: r.orgId, id: r.requestId })),
    ];
  }
  async getCase(orgId: string, caseId: string) { return this.cases.get(`${orgId}#${caseId}`); }
  async listCases(orgId: string) { return [...this.cases.values()].filter((c) => c.orgId === orgId); }
  async listCasesPage(orgId: string, page: CasePage) {
    const all = (await this.listCases(orgId)).filter((c) => !page.status || c.status === page.status).sort((a, b) => b.caseId.localeCompare(a.caseId));
    const from = page.after ? all.findIndex((c) => c.caseId < page.after!) : 0;
    const cases = from < 0 ? [] : all.slice(from, from + page.limit);
    return { cases, ...(from >= 0 && from + page.limit < all.length ? { next: cases.at(-1)!.caseId } : {}) };
  }
  async getRequest(orgId: string, requestId: string) { return this.requests.get(`${orgId}#${requestId}`); }
  async getApprovalToken(tokenHash: string) { return this.tokens.get(tokenHash); }
  async listAudit(orgId: string) { return this.audit.get(orgId) ?? []; }
  async auditHead(orgId: string) {
    const last = (this.audit.get(orgId) ?? []).at(-1);
    return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  async commit(change: Change): Promise<{ seq: number; hash: string }> {
    if (this.failNextCommits > 0) {
      this.failNextCommits--;
      throw new ConcurrentChangeError();
    }
    const targets = change.writes.map((w) => this.slot(w));
    for (const [i, w] of change.writes.entries()) if (!meets(targets[i]!.current as Versioned | undefined, w.expect)) throw new ConcurrentChangeError();
    for (const t of targets) t.put();
    let head = await this.auditHead(change.orgId);
    const events = this.audit.get(change.orgId) ?? [];
    for (const entry of change.audit) {
      const event = chainEvent(change.orgId, entry, head);
      events.push(event);
      head = { seq: event.seq, hash: event.hash };
    }
    this.audit.set(change.orgId, events);
    this.notices.push(...change.notices);
    this.committed.push({ change, items: transactionItems(change) });
    return head;
  }

  private slot(w: Write): { current: unknown; put: () => void } {
    switch (w.kind) {
      case 'grant': return this.entry(this.grants, `${w.grant.orgId}#${w.grant.grantId}`, w.grant);
      case 'session': return this.entry(this.sessions, w.session.sessionId, w.session);
      case 'org': return this.entry(this.orgs, w.org.orgId, w.org);
      case 'case': return this.entry(this.cases, `${w.case.orgId}#${w.case.caseId}`, w.case);
      case 'request': return this.entry(this.requests, `${w.request.orgId}#${w.request.requestId}`, w.request);
      case 'token': return this.entry(this.tokens, w.token.tokenHash, w.token);
      case 'client': return this.entry(this.clients, w.client.clientId, w.client);
      case 'user': return this.entry(this.users, w.user.email.toLowerCase(), w.user);
      case 'portalSession': return this.entry(this.portalSessions, `${w.portalSession.email}#${w.portalSession.sid}`, w.portalSession);
      case 'deletion': return this.entry(this.deletions, w.deletion.orgId, w.deletion);
      case 'webhook': {
        const key = `${w.endpoint.orgId}#${w.endpoint.endpointId}`;
        return { current: this.webhookEndpoints.get(key), put: () => void (w.remove ? this.webhookEndpoints.delete(key) : this.webhookEndpoints.set(key, w.endpoint)) };
      }
    }
  }

  private entry<T>(map: Map<string, T>, key: string, value: T) {
    return { current: map.get(key), put: () => void map.set(key, value) };
  }
}

function meets(current: Versioned | undefined, expect: Expect): boolean {
  if (expect === 'new') return current === undefined;
  if (!current) return false;
  if ('status' in expect) return current.status === expect.status;
  if ('unused' in expect) return !current.usedAt;
  return (current.version ?? 0) === expect.version;
}
