import type { AuditEntry, AuditEvent } from '../domain/audit';
import type { Grant, GrantStatus, Org, Session, UserProfile } from '../domain/model';
import type { Notice } from '../domain/notices';

/** One entity write inside a change; `expect` is the condition it is written under. */
export type Write =
  | { kind: 'grant'; grant: Grant; expect: 'new' | { status: GrantStatus } }
  | { kind: 'session'; session: Session; expect: 'new' | { status: Session['status'] } };

/** A state change: entity writes, their audit events and notices, all or nothing. */
export interface Change {
  orgId: string;
  writes: Write[];
  audit: AuditEntry[];
  notices: Notice[];
}

/** The narrow storage port the domain sees. No SDK types cross it. */
export interface Store {
  getOrg(orgId: string): Promise<Org | undefined>;
  getUser(email: string): Promise<UserProfile | undefined>;
  getGrant(orgId: string, grantId: string): Promise<Grant | undefined>;
  /** Grants whose status is active and whose expiry is after `now` (key condition, not a filter). */
  listActiveGrants(orgId: string, now: Date): Promise<Grant[]>;
  listSessionsOfGrant(orgId: string, grantId: string): Promise<Session[]>;
  /** Commits a change in one transaction; throws ConcurrentChangeError when a condition fails. */
  commit(change: Change): Promise<void>;
  listAudit(orgId: string): Promise<AuditEvent[]>;
}
