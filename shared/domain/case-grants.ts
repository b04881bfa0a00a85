import { assertOpen } from './case-rules';
import { loadCase } from './case-service';
import { ConflictError, ForbiddenError } from './errors';
import { assertActive, assertPlanAllowsAccess, expiryFrom, isActive, maxGrantHours, mayAgentUse } from './grant-rules';
import { agent as agentPrincipal, auditActor } from './actor';
import { grantUpdate, redoOnConflict } from './versions';
import { grantNotice, loadGrant, loadOrg, scheduleExpiry, type GrantDeps } from './grant-service';
import type { Case, Grant, Org, Person } from './model';

/** The identity a case grant acts as: the org's support profile (Celigo's support user). */
export const supportProfilePerson = (org: Org): Person => ({
  id: `support-profile:${org.orgId}`,
  email: `support-profile:${org.orgId}`,
  name: `${org.name} support profile`,
});

const caseData = (c: Case, reason?: string) => ({ caseId: c.caseId, caseSubject: c.subject, reason: reason ?? '' });

/** At most this many agents' case grants link to one case (each agent has one per org; colleagues join as personnel). */
export const MAX_CASE_GRANTS_PER_CASE = 20;

/** The agent's active case grant in this org, if any. */
async function agentsCaseGrant(deps: GrantDeps, orgId: string, agent: Person): Promise<Grant | undefined> {
  const now = deps.clock.now();
  return (await deps.store.listActiveGrants(orgId, now)).find((g) => g.kind === 'case' && isActive(g, now) && mayAgentUse(g, agent));
}

/**
 * An agent activates access for a case whose remote access is allowed (Marketo, Resolver): a
 * grant acting with the org's support profile, naming the agent, linked to the case, lasting while
 * a linked case is open and never past the org's maximum. An agent who already holds a case grant
 * in the org gets this case linked to it instead of a second grant.
 */
export async function activateCaseAccess(deps: GrantDeps, agent: Person, orgId: string, caseId: string, input: { justification?: string }): Promise<{ grant: Grant; created: boolean }> {
  const reason = input.justification ?? '';
  return redoOnConflict(`Case ${caseId}'s access`, () => activateOnce(deps, agent, orgId, caseId, reason));
}

async function activateOnce(deps: GrantDeps, agent: Person, orgId: string, caseId: string, reason: string): Promise<{ grant: Grant; created: boolean }> {
  const org = await loadOrg(deps.store, orgId);
  assertPlanAllowsAccess(org);
  const c = await loadCase(deps, orgId, caseId);
  assertOpen(c);
  if (c.remoteAccess !== 'allowed') {
    throw new ForbiddenError('case_access_denied', `Remote access to case ${caseId} is denied; request permission first (POST .../cases/${caseId}/access-requests).`);
  }
  const now = deps.clock.now();
  const existing = await agentsCaseGrant(deps, orgId, agent);
  if (existing?.caseIds.includes(caseId)) return { grant: existing, created: false };
  // Withdrawing consent for a case ends its grants in the case's own transaction: keep it bounded.
  const onCase = (await deps.store.listActiveGrants(orgId, now)).filter((g) => g.kind === 'case' && g.caseIds.includes(caseId));
  if (onCase.length >= MAX_CASE_GRANTS_PER_CASE) {
    throw new ConflictError('too_many_case_grants', `Case ${caseId} already has ${onCase.length} case grants (at most ${MAX_CASE_GRANTS_PER_CASE}); add yourself to one of them (POST .../grants/{grantId}/personnel) instead.`);
  }
  if (existing) {
    const linked: Grant = { ...existing, caseIds: [...existing.caseIds, caseId] };
    await deps.store.commit({
      orgId,
      writes: [grantUpdate(existing, linked)],
      audit: [{ at: now.toISOString(), actor: auditActor(agentPrincipal(agent)), action: 'grant.case_linked', target: { type: 'grant', id: existing.grantId }, caseId, justification: reason || undefined, before: { caseIds: existing.caseIds }, after: { caseIds: linked.caseIds } }],
      notices: [grantNotice(deps, org, { ...linked, grantedBy: c.contact }, 'case-access-activated', { ...caseData(c, reason), agent: agent.email })],
    });
    return { grant: linked, created: false };
  }
  const grant: Grant = {
    orgId,
    grantId: deps.ids(),
    kind: 'case',
    grantedBy: c.contact,
    actAs: supportProfilePerson(org),
    level: org.settings.supportProfile.level,
    workspaces: org.settings.supportProfile.workspaces,
    environment: c.environment,
    caseIds: [caseId],
    personnel: [agent],
    status: 'active',
    version: 1,
    createdAt: now.toISOString(),
    expiresAt: expiryFrom(now, maxGrantHours(org, deps.limits) * 3600).toISOString(),
  };
  await deps.store.commit({
    orgId,
    writes: [{ kind: 'grant', grant, expect: 'new' }],
    audit: [
      {
        at: grant.createdAt,
        actor: auditActor(agentPrincipal(agent)),
        action: 'grant.case_activated',
        target: { type: 'grant', id: grant.grantId },
        caseId,
        justification: reason || undefined,
        after: { level: grant.level, workspaces: grant.workspaces, environment: grant.environment, expiresAt: grant.expiresAt, personnel: [agent.email] },
      },
    ],
    notices: [grantNotice(deps, org, grant, 'case-access-activated', { ...caseData(c, reason), agent: agent.email })],
  });
  await scheduleExpiry(deps, grant);
  return { grant, created: true };
}

/** A named agent on a case grant adds a colleague; the authorized contacts are emailed again (Resolver). */
export async function addPersonnel(deps: GrantDeps, agent: Person, orgId: string, grantId: string, input: { email: string }): Promise<Grant> {
  const { email } = input;
  return redoOnConflict(`Grant ${grantId}`, () => addPersonnelOnce(deps, agent, orgId, grantId, email));
}

async function addPersonnelOnce(deps: GrantDeps, agent: Person, orgId: string, grantId: string, email: string): Promise<Grant> {
  const org = await loadOrg(deps.store, orgId);
  const grant = await loadGrant(deps.store, orgId, grantId);
  if (grant.kind !== 'case' || !mayAgentUse(grant, agent)) {
    throw new ForbiddenError('not_personnel', 'Only an agent named on this case grant can add colleagues to it.');
  }
  assertActive(grant, deps.clock.now());
  if (grant.personnel.some((p) => p.email === email)) throw new ConflictError('already_personnel', `${email} is already on this grant.`);
  const updated: Grant = { ...grant, personnel: [...grant.personnel, { id: email, email }] };
  const c = await loadCase(deps, orgId, grant.caseIds[0]!);
  await deps.store.commit({
    orgId,
    writes: [grantUpdate(grant, updated)],
    audit: [{ at: deps.clock.now().toISOString(), actor: auditActor(agentPrincipal(agent)), action: 'grant.personnel_added', target: { type: 'grant', id: grantId }, caseId: c.caseId, before: { personnel: grant.personnel.map((p) => p.email) }, after: { personnel: updated.personnel.map((p) => p.email) } }],
    notices: [grantNotice(deps, org, updated, 'personnel-added', { ...caseData(c), agent: agent.email, added: email })],
  });
  return updated;
}

export type CaseAccess =
  | { allowed: true; grantId: string; expiresAt: string; level: string }
  | { allowed: false; reason: 'case_solved' | 'activate' | 'awaiting_approval' | 'request_permission' | 'policy_forbids'; message: string; requestId?: string };

/** Whether this agent may access for this case now, through which grant, or what to do next. */
export async function caseAccess(deps: GrantDeps, agent: Person, orgId: string, caseId: string): Promise<CaseAccess> {
  const org = await loadOrg(deps.store, orgId);
  const c = await loadCase(deps, orgId, caseId);
  if (c.status !== 'open') return { allowed: false, reason: 'case_solved', message: 'The case is solved; access for it has ended.' };
  const now = deps.clock.now();
  const grant = (await deps.store.listActiveGrants(orgId, now)).find((g) => g.kind === 'case' && isActive(g, now) && mayAgentUse(g, agent) && g.caseIds.includes(caseId));
  // Never access for a denied case, whatever is linked to it.
  if (grant && c.remoteAccess === 'allowed') return { allowed: true, grantId: grant.grantId, expiresAt: grant.expiresAt, level: grant.level };
  if (c.remoteAccess === 'allowed') return { allowed: false, reason: 'activate', message: `Remote access is allowed for this case; activate it (POST /support/orgs/${orgId}/cases/${caseId}/activate).` };
  if (c.pendingRequestId) {
    const pending = await deps.store.getRequest(orgId, c.pendingRequestId);
    if (pending?.status === 'pending' && now.getTime() < Date.parse(pending.expiresAt)) {
      return { allowed: false, reason: 'awaiting_approval', message: `Waiting for approval of request ${pending.requestId} (until ${pending.expiresAt}).`, requestId: pending.requestId };
    }
  }
  if (org.settings.remoteAccessPolicy === 'never') {
    return { allowed: false, reason: 'policy_forbids', message: 'The organization\'s policy is Never: only an administrator can allow access. Request permission; an administrator must approve it.' };
  }
  return { allowed: false, reason: 'request_permission', message: `Remote access is denied for this case; request permission (POST /support/orgs/${orgId}/cases/${caseId}/access-requests).` };
}
