/** The entities of Support Access, as the domain sees them (no storage types). */

export const LEVELS = ['monitor', 'manage', 'admin'] as const;
export type Level = (typeof LEVELS)[number];

export const ENVIRONMENTS = ['production', 'sandbox'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const PLANS = ['paid', 'free', 'trial'] as const;
export type Plan = (typeof PLANS)[number];

export type Role = 'admin' | 'user';
export type Workspaces = 'all' | string[];

export interface Person {
  id: string;
  email: string;
  name?: string;
}

export interface OrgSettings {
  remoteAccessPolicy: 'all_cases' | 'approval_needed' | 'never';
  allowNonAdminGrants: boolean;
  defaultGrantHours: number;
  maxGrantHours: number;
  authorizedContacts: string[];
  supportProfile: { level: Level; workspaces: Workspaces };
  requiredApprovals: number;
}

export interface Org {
  orgId: string;
  name: string;
  plan: Plan;
  environments: Environment[];
  /** The org's workspaces, by id; grants may be scoped to some of them. */
  workspaces: string[];
  status: 'active' | 'suspended';
  settings: OrgSettings;
  /** Bumped on every settings change (optimistic concurrency). */
  version?: number;
}

/** A customer user as the portal knows them. */
export interface UserProfile {
  email: string;
  orgId: string;
  name: string;
  role: Role;
  level: Level;
  workspaces: Workspaces;
}

export type GrantStatus = 'active' | 'revoked' | 'expired' | 'ended';
export type EndReason = 'revoked' | 'expired' | 'case_solved' | 'consent_withdrawn' | 'org_suspended' | 'plan_changed';

export interface Grant {
  orgId: string;
  grantId: string;
  kind: 'user' | 'case';
  grantedBy: Person;
  /** The customer user support acts as. */
  actAs: Person;
  level: Level;
  workspaces: Workspaces;
  environment: Environment;
  caseIds: string[];
  /** Agents named on the grant; empty for a user grant any agent may use. */
  personnel: Person[];
  status: GrantStatus;
  createdAt: string;
  expiresAt: string;
  endedAt?: string;
  endedBy?: AuditActor;
  endReason?: EndReason;
  /** The expiry the "ends in 24 hours" notice was sent for (an extension moves the expiry). */
  warnedFor?: string;
  /** Bumped on every change (optimistic concurrency); absent on grants stored before versions. */
  version?: number;
  /** Ended with live sessions the follow-up has not ended yet (the sweep finishes it). */
  sessionsPending?: boolean;
}

/** A "log in as" session started by an agent on a grant. */
export interface Session {
  sessionId: string;
  orgId: string;
  grantId: string;
  agent: Person;
  actAs: Person;
  caseId?: string;
  justification: string;
  scope: Scope[];
  status: 'active' | 'ended';
  startedAt: string;
  expiresAt: string;
  endedAt?: string;
  endedBy?: AuditActor;
  /** Bumped on every change (optimistic concurrency). */
  version?: number;
}

/** An org's deletion, in bounded steps that any later call resumes (a platform admin's job). */
export interface OrgDeletion {
  orgId: string;
  orgName: string;
  startedAt: string;
  /** When a step last saved it: a job left unfinished for minutes is continued by the sweep. */
  updatedAt: string;
  phase: 'suspending' | 'exporting' | 'removing' | 'done';
  grantsEnded: number;
  itemsRemoved: number;
  auditExport?: { location: string; events: number; chainIntact: boolean };
  finishedAt?: string;
  version: number;
}

/**
 * A customer's sign-in to the portal, kept server-side so signing out ends it at once (the cookie
 * only names it). Lives at most 8 hours, and ends after 30 idle minutes.
 */
export interface PortalSession {
  sid: string;
  email: string;
  orgId: string;
  /** The agent, when this sign-in came through "log in as" (the ID token's `act` claim). */
  actingAgent?: string;
  /** Level and workspaces from the issuer's claims, when the stage maps them. */
  profile?: { level?: Level; workspaces?: Workspaces };
  status: 'active' | 'ended';
  createdAt: string;
  lastSeenAt: string;
  /** The absolute end: createdAt + 8 hours. */
  expiresAt: string;
  endedAt?: string;
  version: number;
}

/**
 * What a session token lets support do in the product. `write` only under an approved change
 * request; nothing ever manages users or permissions.
 */
export const SCOPES = ['read', 'write'] as const;
export type Scope = (typeof SCOPES)[number];

/** The customer product's credentials for introspection and activity reports; the secret is stored hashed. */
export interface ProductClient {
  clientId: string;
  orgId: string;
  secretHash: string;
  createdAt: string;
}

/** Who did something: recorded on every audit event. */
export type AuditActor =
  | { type: 'user'; id: string; email: string }
  | { type: 'agent'; id: string; email: string; actingAs?: string }
  | { type: 'system'; id: string }
  /** The vendor's platform admin (the IAM principal that signed the admin request). */
  | { type: 'platform'; id: string };

/** Platform-wide limits from stage config; an org can lower them, never raise them. */
export interface PlatformLimits {
  maxGrantHours: number;
  /** Shortest grant; one hour in real stages, seconds in the test stage. */
  minGrantSeconds: number;
  /** Longest "log in as" token. */
  sessionMinutes: number;
  /** How long a permission request stays open. */
  requestExpiryHours: number;
}

export const REMOTE_ACCESS = ['allowed', 'denied'] as const;
export type RemoteAccess = (typeof REMOTE_ACCESS)[number];

/** One change of a case's remote-access choice. */
export interface RemoteAccessChange {
  at: string;
  by: string;
  from: RemoteAccess | null;
  to: RemoteAccess;
}

/** A support case; remote access to the org for it is `allowed` or `denied` (Marketo). */
export interface Case {
  orgId: string;
  caseId: string;
  subject: string;
  description: string;
  environment: Environment;
  /** The customer user the case is for; they may approve access to it. */
  contact: Person;
  channel: 'portal' | 'email';
  remoteAccess: RemoteAccess;
  status: 'open' | 'solved';
  history: RemoteAccessChange[];
  /** The open permission request, so a second one is refused while it is pending. */
  pendingRequestId?: string;
  /** The open change request (write access), likewise one at a time. */
  pendingChangeRequestId?: string;
  /**
   * The approved change request: sessions on its grant, naming this case, may get `write` until
   * `until` (Resolver: written approval before data or configuration changes).
   */
  changeApproval?: { requestId: string; approvedAt: string; approvedBy: string[]; grantId?: string; until?: string };
  createdAt: string;
  solvedAt?: string;
  version: number;
}

export interface Approval {
  by: string;
  at: string;
  decision: 'approve' | 'deny';
  comment?: string;
}

/**
 * An agent's request on a case, approved from emailed links: `access` asks permission to access a
 * denied case (Marketo, Resolver); `change` asks written approval for a data or configuration
 * change, which lets the case's sessions write (Resolver).
 */
export interface AccessRequest {
  orgId: string;
  requestId: string;
  /** Absent on requests stored before change requests existed: `access`. */
  kind?: 'access' | 'change';
  caseId: string;
  agent: Person;
  /** Why support asks (access), or the change it will make (change). */
  justification: string;
  /** A change request: exactly what approving it allows — write on this grant, until then. */
  change?: ChangeScope;
  status: 'pending' | 'approved' | 'denied' | 'expired';
  requiredApprovals: number;
  /** Who was asked (case contact and authorized contacts); they hear the outcome. */
  askedOf: string[];
  decisions: Approval[];
  createdAt: string;
  expiresAt: string;
  decidedAt?: string;
  version: number;
}

/** What a change request asks to be approved: write on one grant (acting as one user, in one environment) until a time. */
export interface ChangeScope {
  grantId: string;
  until: string;
  actAs: string;
  environment: Environment;
}

/** An emailed approval link, stored only as the SHA-256 of its 256-bit token; single use. */
export interface ApprovalToken {
  tokenHash: string;
  orgId: string;
  requestId: string;
  /** The request's case, so the approval page reads it with the request (absent on links issued before). */
  caseId?: string;
  recipient: string;
  expiresAt: string;
  usedAt?: string;
  usedBy?: string;
  /** Minted for an email not sent yet: unusable (a link of a failed send can never be used). */
  unsent?: boolean;
}
