import { verifyChain } from './audit';
import { ConcurrentChangeError, NotFoundError, ValidationError } from './errors';
import { allowedEnvironments } from './grant-rules';
import { cancelSchedules, endGrantParts, endSessionsOfGrant, loadOrg, type GrantDeps } from './grant-service';
import type { Actor as Principal } from './actor';
import { type EndReason, type Environment, type Grant, type Org, type OrgDeletion, type OrgSettings, type Plan, type UserProfile } from './model';
import type { AuditEntry } from './audit';
import { newProductClient } from './product-clients';

/** Org provisioning is the platform admin's (an IAM principal); its audit actor has the same shape. */
export type PlatformActor = Extract<Principal, { type: 'platform' }>;
/** Who may take an org's deletion further: the platform admin, or the sweep once its caller went away. */
type DeletingActor = PlatformActor | Extract<Principal, { type: 'system' }>;
import type { AuditArchive } from '../ports/audit-archive';
import { randomToken } from '../ports/ids';

/**
 * The platform admin's side of orgs: create (with the first admin and the product's
 * credentials), change plan or environments, list, suspend, resume and delete.
 */
/** What deleting an org needs: a grant's dependencies and the archive its audit trail goes to. */
export interface DeletionDeps extends GrantDeps {
  archive: AuditArchive;
}

export interface ProvisioningDeps extends DeletionDeps {
  /** A new org's grant lengths, from stage config. */
  orgDefaults: { defaultGrantHours: number; maxGrantHours: number };
}

export interface NewOrg {
  name: string;
  plan: Plan;
  environments: Environment[];
  workspaces: string[];
  firstAdminEmail: string;
  firstAdminName: string;
}

export interface OrgChange {
  plan?: Plan;
  environments?: Environment[];
}

/** An org id people can read in a CLI: a slug of the name and a random tail. */
export function orgIdFor(name: string, randomTail: string): string {
  const slug = name
    .normalize('NFKD')
    // Accents are split off by NFKD and dropped: "Café" → "cafe", not "cafe-".
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30)
    .replace(/-+$/, '');
  return `${slug || 'org'}-${randomTail.toLowerCase().replace(/[^a-z0-9]/g, '').slice(-6)}`;
}

/** A new org starts cautious: every case needs approval, only admins grant (DESIGN §1 defaults). */
export function newOrgSettings(defaults: ProvisioningDeps['orgDefaults']): OrgSettings {
  return {
    remoteAccessPolicy: 'approval_needed',
    allowNonAdminGrants: false,
    defaultGrantHours: defaults.defaultGrantHours,
    maxGrantHours: defaults.maxGrantHours,
    authorizedContacts: [],
    supportProfile: { level: 'monitor', workspaces: 'all' },
    requiredApprovals: 1,
  };
}

export interface CreatedOrg {
  org: Org;
  firstAdmin: UserProfile;
  /** Shown once: only the secret's hash is stored. */
  productCredentials: { clientId: string; clientSecret: string };
}

/** Creates an org with its first admin and its product credentials, and welcomes the admin. */
export async function createOrg(deps: ProvisioningDeps, actor: PlatformActor, input: NewOrg): Promise<CreatedOrg> {
  if (await deps.store.findOrgByName(input.name)) {
    throw new ValidationError('name', `An org named "${input.name}" already exists.`, 'duplicate_name');
  }
  const existing = await deps.store.getUser(input.firstAdminEmail);
  if (existing) {
    throw new ValidationError('firstAdminEmail', `${input.firstAdminEmail} already belongs to org ${existing.orgId}; a sign-in belongs to one org.`, 'user_exists');
  }
  const now = deps.clock.now();
  const org: Org = {
    orgId: orgIdFor(input.name, deps.ids()),
    name: input.name,
    plan: input.plan,
    environments: input.environments,
    workspaces: input.workspaces,
    status: 'active',
    settings: newOrgSettings(deps.orgDefaults),
    version: 0,
  };
  const firstAdmin: UserProfile = { email: input.firstAdminEmail, orgId: org.orgId, name: input.firstAdminName, role: 'admin', level: 'admin', workspaces: 'all' };
  const clientSecret = randomToken();
  const client = newProductClient(org.orgId, clientSecret, now, deps.ids().slice(-8));
  const at = now.toISOString();
  await deps.store.commit({
    orgId: org.orgId,
    writes: [
      { kind: 'org', org, expect: 'new' },
      { kind: 'user', user: firstAdmin, expect: 'new' },
      { kind: 'client', client, expect: 'new' },
    ],
    audit: [
      { at, actor, action: 'org.created', target: { type: 'org', id: org.orgId }, after: { name: org.name, plan: org.plan, environments: org.environments, workspaces: org.workspaces } },
      { at, actor, action: 'user.added', target: { type: 'user', id: firstAdmin.email }, after: { role: 'admin', level: 'admin' } },
      { at, actor, action: 'product_credentials.issued', target: { type: 'product-client', id: client.clientId } },
    ],
    notices: [{ noticeId: deps.ids(), orgId: org.orgId, template: 'org-welcome', to: [firstAdmin.email], createdAt: at, data: { orgName: org.name } }],
  });
  return { org, firstAdmin, productCredentials: { clientId: client.clientId, clientSecret } };
}

export interface OrgOutcome {
  org: Org;
  /** Grants ended because the org can no longer have them. */
  grantsEnded: number;
}

/** Changes plan or environments; grants the org could not be given now end. */
export async function changeOrg(deps: ProvisioningDeps, actor: PlatformActor, orgId: string, change: OrgChange): Promise<OrgOutcome> {
  const before = await loadOrg(deps.store, orgId);
  const org = await saveOrg(deps, actor, before, { ...before, ...change }, 'org.changed');
  const stillAllowed = (g: Grant) => org.plan === 'paid' && allowedEnvironments(org).includes(g.environment);
  const grantsEnded = await endGrants(deps, actor, org, 'plan_changed', (g) => !stillAllowed(g));
  return { org, grantsEnded };
}

/** Suspends an org: every grant ends now and no new one can be made. Safe to run again. */
export async function suspendOrg(deps: ProvisioningDeps, actor: PlatformActor, orgId: string): Promise<OrgOutcome> {
  const before = await loadOrg(deps.store, orgId);
  const org = before.status === 'suspended' ? before : await saveOrg(deps, actor, before, { ...before, status: 'suspended' }, 'org.suspended');
  // Runs even when already suspended: an interrupted suspension finishes the second time.
  const grantsEnded = await endGrants(deps, actor, org, 'org_suspended', () => true);
  return { org, grantsEnded };
}

/** Lifts a suspension; grants that ended stay ended. */
export async function resumeOrg(deps: ProvisioningDeps, actor: PlatformActor, orgId: string): Promise<OrgOutcome> {
  const before = await loadOrg(deps.store, orgId);
  const org = before.status === 'active' ? before : await saveOrg(deps, actor, before, { ...before, status: 'active' }, 'org.resumed');
  return { org, grantsEnded: 0 };
}

/** How long one call of `deleteOrg` is given (an API call answers in time; the sweep has others to do). */
export const DELETION_STEP_MS = 10_000;

/** A page of an org's items removed per store call: well inside one function run. */
const REMOVE_PAGE = 200;

/**
 * Deletes an org in bounded, resumable steps (at least one, then more until `deadline`, epoch ms,
 * or done): suspend it (every grant ends, one transaction each), export its verified audit trail
 * to the archive, then remove its data a page at a time, the org item and its name last. The job's progress is stored,
 * so calling again — after a timeout, a crash, or simply to go on — continues where it stopped.
 * The audit trail stays in the table, with `org.deleted` as its last event.
 */
export async function deleteOrg(deps: DeletionDeps, actor: DeletingActor, orgId: string, deadline: number): Promise<OrgDeletion> {
  let job = (await deps.store.getDeletion(orgId)) ?? (await startDeletion(deps, actor, orgId));
  if (job.phase === 'done') return job;
  do {
    if (job.phase === 'suspending') {
      const before = await loadOrg(deps.store, orgId);
      const org = before.status === 'suspended' ? before : await saveOrg(deps, actor, before, { ...before, status: 'suspended' }, 'org.suspended');
      const ended = await endGrants(deps, actor, org, 'org_suspended', () => true, deadline);
      const left = (await deps.store.listActiveGrants(orgId, deps.clock.now())).length;
      job = await saveDeletion(deps, job, { ...job, grantsEnded: job.grantsEnded + ended, phase: left ? 'suspending' : 'exporting' });
    } else if (job.phase === 'exporting') {
      const [events, head] = await Promise.all([deps.store.listAudit(orgId), deps.store.auditHead(orgId)]);
      const chainIntact = verifyChain(events, head) === undefined;
      const exportedAt = deps.clock.now().toISOString();
      const document = { orgId, orgName: job.orgName, exportedAt, exportedBy: actor, head, chainIntact, events };
      const location = await deps.archive.put(`audit/${orgId}/${exportedAt.replace(/[:.]/g, '-')}.json`, JSON.stringify(document, null, 2));
      job = await saveDeletion(deps, job, { ...job, phase: 'removing', auditExport: { location, events: events.length, chainIntact } });
    } else {
      const { removed, done } = await deps.store.removeOrgData(orgId, REMOVE_PAGE);
      const after = { ...job, itemsRemoved: job.itemsRemoved + removed, ...(done ? { phase: 'done' as const, finishedAt: deps.clock.now().toISOString() } : {}) };
      job = await saveDeletion(deps, job, after, done ? [{ at: after.finishedAt!, actor, action: 'org.deleted', target: { type: 'org', id: orgId }, before: { name: job.orgName }, after: { auditExport: job.auditExport?.location, itemsRemoved: after.itemsRemoved } }] : []);
    }
  } while (job.phase !== 'done' && Date.now() < deadline);
  return job;
}

async function startDeletion(deps: DeletionDeps, actor: DeletingActor, orgId: string): Promise<OrgDeletion> {
  const org = await loadOrg(deps.store, orgId);
  const startedAt = deps.clock.now().toISOString();
  const job: OrgDeletion = { orgId, orgName: org.name, startedAt, updatedAt: startedAt, phase: 'suspending', grantsEnded: 0, itemsRemoved: 0, version: 0 };
  return saveDeletion(deps, job, job, [{ at: job.startedAt, actor, action: 'org.deletion_started', target: { type: 'org', id: orgId } }]);
}

/** The deletion of an org, as far as it got (404 when none was started). */
export async function deletionOf(deps: DeletionDeps, orgId: string): Promise<OrgDeletion> {
  const job = await deps.store.getDeletion(orgId);
  if (!job) throw new NotFoundError('deletion', orgId);
  return job;
}

async function saveDeletion(deps: DeletionDeps, before: OrgDeletion, after: OrgDeletion, audit: AuditEntry[] = []): Promise<OrgDeletion> {
  const next = { ...after, updatedAt: deps.clock.now().toISOString(), version: before.version + 1 };
  await deps.store.commit({ orgId: before.orgId, writes: [{ kind: 'deletion', deletion: next, expect: before.version === 0 ? 'new' : { version: before.version } }], audit, notices: [] });
  return next;
}

/** Writes the org under its version, with one audit event of what changed. */
async function saveOrg(deps: GrantDeps, actor: DeletingActor, before: Org, after: Org, action: string): Promise<Org> {
  const version = before.version ?? 0;
  const org: Org = { ...after, version: version + 1 };
  const changed = (['plan', 'environments', 'status'] as const).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(org[k]));
  await deps.store.commit({
    orgId: org.orgId,
    writes: [{ kind: 'org', org, expect: { version } }],
    audit: [
      {
        at: deps.clock.now().toISOString(),
        actor,
        action,
        target: { type: 'org', id: org.orgId },
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: Object.fromEntries(changed.map((k) => [k, org[k]])),
      },
    ],
    notices: [],
  });
  return org;
}

/** Ends the org's active grants that match, one transaction each (grant, sessions, audit, notice). */
async function endGrants(deps: GrantDeps, actor: DeletingActor, org: Org, reason: EndReason, matches: (g: Grant) => boolean, deadline = Number.POSITIVE_INFINITY): Promise<number> {
  const grants = (await deps.store.listActiveGrants(org.orgId, deps.clock.now())).filter(matches);
  let ended = 0;
  for (const [i, grant] of grants.entries()) {
    // At least one each call, so a late caller still makes progress.
    if (i > 0 && Date.now() >= deadline) break;
    const { writes, audit, notices, ended: endedGrant } = await endGrantParts(deps, org, grant, reason, actor);
    try {
      await deps.store.commit({ orgId: org.orgId, writes, audit, notices });
      ended++;
      if (endedGrant.sessionsPending) await endSessionsOfGrant(deps, org.orgId, grant.grantId, actor);
    } catch (error) {
      // Ended by someone else (revoked, expired) in the meantime: nothing left to do.
      if (!(error instanceof ConcurrentChangeError)) throw error;
    }
    await cancelSchedules(deps, grant.grantId);
  }
  return ended;
}
