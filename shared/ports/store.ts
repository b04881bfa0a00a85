import type { AuditEntry, AuditEvent } from '../domain/audit';
import type { AccessRequest, ApprovalToken, Case, Grant, Org, OrgDeletion, PortalSession, ProductClient, Session, UserProfile } from '../domain/model';
import type { Notice } from '../domain/notices';
import type { ExpiryTarget } from './scheduler';
import type { WebhookEndpoint } from './webhooks';

/** The condition an entity is written under: new, in a given status, or at a given version. */
export type Expect = 'new' | { status: string } | { version: number } | { unused: true };

/** One entity write inside a change. */
export type Write =
  | { kind: 'grant'; grant: Grant; expect: Expect }
  | { kind: 'session'; session: Session; expect: Expect }
  | { kind: 'org'; org: Org; expect: Expect }
  | { kind: 'case'; case: Case; expect: Expect }
  | { kind: 'request'; request: AccessRequest; expect: Expect }
  | { kind: 'token'; token: ApprovalToken; expect: Expect }
  | { kind: 'client'; client: ProductClient; expect: Expect }
  | { kind: 'user'; user: UserProfile; expect: Expect }
  | { kind: 'portalSession'; portalSession: PortalSession; expect: Expect }
  | { kind: 'deletion'; deletion: OrgDeletion; expect: Expect }
  /** A webhook endpoint; `remove` deletes it (under the same condition). */
  | { kind: 'webhook'; endpoint: WebhookEndpoint; expect: Expect; remove?: boolean };

/** A state change: entity writes, their audit events and notices, all or nothing. */
export interface Change {
  orgId: string;
  writes: Write[];
  audit: AuditEntry[];
  notices: Notice[];
  /**
   * The org's audit head, read in the same round trip as the change's other reads (saves one).
   * Only a first guess: the head write is conditional, so a stale one is read again and retried.
   */
  auditHead?: { seq: number; hash: string };
}

/** Items read together by their keys — one round trip, one request (BatchGetItem, consistent). */
export interface ReadTogether {
  org?: string;
  grant?: { orgId: string; grantId: string };
  case?: { orgId: string; caseId: string };
  request?: { orgId: string; requestId: string };
  session?: { orgId: string; grantId: string; sessionId: string };
  client?: string;
  /** The org whose audit head to read (genesis when it has none yet). */
  auditHead?: string;
}

export interface ReadTogetherResult {
  org?: Org;
  grant?: Grant;
  case?: Case;
  request?: AccessRequest;
  session?: Session;
  client?: ProductClient;
  auditHead?: { seq: number; hash: string };
}

/** The narrow storage port the domain sees. No SDK types cross it. */
/** Which page of an org's cases to list. */
export interface CasePage {
  status?: Case['status'];
  limit: number;
  after?: string;
}

export interface Store {
  getOrg(orgId: string): Promise<Org | undefined>;
  /** The id of the org with this name (unique ignoring case and spacing), if any. */
  findOrgByName(name: string): Promise<string | undefined>;
  /** Every org, by name (platform admins only; no customer request path lists orgs). */
  listOrgs(): Promise<Org[]>;
  /**
   * Removes up to `maxItems` of an org's items (and what they point to) except its audit trail;
   * the org item and its name go last. How many went, and whether anything is left.
   */
  removeOrgData(orgId: string, maxItems: number): Promise<{ removed: number; done: boolean }>;
  getDeletion(orgId: string): Promise<OrgDeletion | undefined>;
  getUser(email: string): Promise<UserProfile | undefined>;
  /** A user and one of their portal sign-ins, in one round trip. */
  /** The user, their portal session and (when the caller knows its id) their org, in one round trip. */
  getUserAndPortalSession(email: string, sid: string, orgId?: string): Promise<{ user?: UserProfile; session?: PortalSession; org?: Org }>;
  /** Every stored portal sign-in of a user (TTL removes them at their absolute end). */
  listPortalSessions(email: string): Promise<PortalSession[]>;
  /** Marks a sign-in as seen now (idle timeout), if it is still active; not audited. */
  touchPortalSession(email: string, sid: string, at: string): Promise<void>;
  getGrant(orgId: string, grantId: string): Promise<Grant | undefined>;
  /** Grants whose status is active and whose expiry is after `now` (key condition, not a filter). */
  listActiveGrants(orgId: string, now: Date): Promise<Grant[]>;
  /**
   * Up to `limit` grants still marked active whose expiry is at or before `now`, soonest first
   * (the same sparse index, read eventually consistent: a change may show a moment late).
   */
  listDueGrants(orgId: string, now: Date, limit: number): Promise<Grant[]>;
  listSessionsOfGrant(orgId: string, grantId: string): Promise<Session[]>;
  /** Every session of the org still stored (TTL removes them after they end). */
  listSessions(orgId: string): Promise<Session[]>;
  /** The first `limit` sessions of the org still stored, and whether there are more (one request). */
  listSessionsPage(orgId: string, limit: number): Promise<{ sessions: Session[]; more: boolean }>;
  getSession(orgId: string, grantId: string, sessionId: string): Promise<Session | undefined>;
  /** A session by its id alone. */
  findSession(sessionId: string): Promise<Session | undefined>;
  getProductClient(clientId: string): Promise<ProductClient | undefined>;
  /** The items named, in one round trip and one request (however many there are). */
  readTogether(reads: ReadTogether): Promise<ReadTogetherResult>;
  /** Active grants and pending requests whose expiry has passed (the sparse expiry index). */
  listOverdue(now: Date): Promise<ExpiryTarget[]>;
  getCase(orgId: string, caseId: string): Promise<Case | undefined>;
  listCases(orgId: string): Promise<Case[]>;
  /**
   * One page of an org's cases, newest first, optionally of one status: at most `limit`, starting
   * after the case `after`; `next` names the last one returned when more may follow.
   */
  listCasesPage(orgId: string, page: CasePage): Promise<{ cases: Case[]; next?: string }>;
  getRequest(orgId: string, requestId: string): Promise<AccessRequest | undefined>;
  getApprovalToken(tokenHash: string): Promise<ApprovalToken | undefined>;
  /**
   * Commits a change in one transaction; throws ConcurrentChangeError when a condition fails.
   * Returns the org's audit head after it (a follow-up change can start from it without a read).
   */
  commit(change: Change): Promise<{ seq: number; hash: string }>;
  listAudit(orgId: string): Promise<AuditEvent[]>;
  /** The org's chain head: the last sequence number and its hash. */
  auditHead(orgId: string): Promise<{ seq: number; hash: string }>;
}
