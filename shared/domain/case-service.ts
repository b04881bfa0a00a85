import type { AuditEntry } from './audit';
import { assertMayChangeCase, assertMayChoose, assertOpen, parseDescription, parseRemoteAccess, parseSubject, stillConsented, type CaseListQuery } from './case-rules';
import { ForbiddenError, NotFoundError, ValidationError } from './errors';
import { parseEnvironment } from './grant-rules';
import { agent as agentPrincipal, auditActor, inPerson, type Actor } from './actor';
import { cancelSchedules, endGrantParts, endSessionsOfGrant, found, loadOrg, together, type GrantDeps } from './grant-service';
import type { Case, Grant, Org, Person, RemoteAccess, UserProfile } from './model';
import type { Notice } from './notices';
import { grantUpdate, redoOnConflict } from './versions';
import type { Write } from '../ports/store';

/** A page of an org's cases for support (any signed-in agent sees an org's cases, as with one case). */
export async function listCasesOf(deps: GrantDeps, orgId: string, query: CaseListQuery): Promise<{ cases: Case[]; next?: string }> {
  await loadOrg(deps.store, orgId);
  return deps.store.listCasesPage(orgId, query);
}

export async function loadCase(deps: GrantDeps, orgId: string, caseId: string): Promise<Case> {
  const c = await deps.store.getCase(orgId, caseId);
  if (!c) throw new NotFoundError('case', caseId);
  return c;
}

/** A case's history line for a remote-access change. */
const change = (at: string, by: string, from: RemoteAccess | null, to: RemoteAccess) => ({ at, by, from, to });

async function createCase(deps: GrantDeps, org: Org, c: Case, actor: Actor): Promise<Case> {
  await deps.store.commit({
    orgId: org.orgId,
    writes: [{ kind: 'case', case: c, expect: 'new' }],
    audit: [
      {
        at: c.createdAt,
        actor: auditActor(actor),
        action: 'case.opened',
        target: { type: 'case', id: c.caseId },
        caseId: c.caseId,
        after: { subject: c.subject, channel: c.channel, remoteAccess: c.remoteAccess, environment: c.environment },
      },
    ],
    notices: [],
  });
  return c;
}

/** A customer opens a case in the portal and chooses remote access (the policy's default). */
export async function openCase(deps: GrantDeps, actor: Actor, input: Record<string, unknown>): Promise<Case> {
  const user = inPerson(actor);
  const org = await loadOrg(deps.store, user.orgId);
  const subject = parseSubject(input.subject);
  const description = parseDescription(input.description);
  const environment = parseEnvironment(input.environment, org);
  const remoteAccess = parseRemoteAccess(input.remoteAccess, org);
  assertMayChoose(org, user, remoteAccess);
  const now = deps.clock.now().toISOString();
  return createCase(deps, org, {
    orgId: org.orgId,
    caseId: deps.ids(),
    subject,
    description,
    environment,
    contact: { id: user.email, email: user.email, name: user.name },
    channel: 'portal',
    remoteAccess,
    status: 'open',
    history: [change(now, user.email, null, remoteAccess)],
    createdAt: now,
    version: 1,
  }, actor);
}

/** A case from the email channel: it starts denied; support must request permission. */
/** A case as support opens it from an email (checked by the operation's contract). */
export interface EmailedCase {
  subject: string;
  description: string;
  environment?: string;
  contactEmail: string;
}

export async function openCaseByEmail(deps: GrantDeps, agent: Person, orgId: string, input: EmailedCase): Promise<Case> {
  const org = await loadOrg(deps.store, orgId);
  const { subject, description, contactEmail: email } = input;
  const environment = parseEnvironment(input.environment, org);
  const contact = await deps.store.getUser(email);
  if (!contact || contact.orgId !== orgId) throw new ValidationError('contactEmail', `${email} is not a user of this organization.`);
  const now = deps.clock.now().toISOString();
  return createCase(deps, org, {
    orgId,
    caseId: deps.ids(),
    subject,
    description,
    environment,
    contact: { id: contact.email, email: contact.email, name: contact.name },
    channel: 'email',
    remoteAccess: 'denied',
    status: 'open',
    history: [change(now, agent.email, null, 'denied')],
    createdAt: now,
    version: 1,
  }, agentPrincipal(agent));
}

/**
 * What withdrawing consent for a case does to the case grants linked to it, as parts of the same
 * transaction: each is unlinked from the case, and one with no open, allowed case left ends
 * (`consent_withdrawn`, with its audit event and notice). Reads deny at once; its sessions end with
 * it (they are live only while their grant is active).
 */
async function withdrawConsentParts(deps: GrantDeps, org: Org, c: Case, actor: Actor): Promise<{ writes: Write[]; audit: AuditEntry[]; notices: Notice[]; ended: Grant[] }> {
  const now = deps.clock.now();
  const linked = (await deps.store.listActiveGrants(org.orgId, now)).filter((g) => g.kind === 'case' && g.caseIds.includes(c.caseId));
  const parts = { writes: [] as Write[], audit: [] as AuditEntry[], notices: [] as Notice[], ended: [] as Grant[] };
  for (const grant of linked) {
    const caseIds = grant.caseIds.filter((id) => id !== c.caseId);
    const others = await Promise.all(caseIds.map((id) => deps.store.getCase(org.orgId, id)));
    if (others.some(stillConsented)) {
      parts.writes.push(grantUpdate(grant, { ...grant, caseIds }));
      parts.audit.push({ at: now.toISOString(), actor: auditActor(actor), action: 'grant.case_unlinked', target: { type: 'grant', id: grant.grantId }, caseId: c.caseId, before: { caseIds: grant.caseIds }, after: { caseIds } });
      continue;
    }
    const ended = await endGrantParts(deps, org, { ...grant, caseIds }, 'consent_withdrawn', actor, { caseId: c.caseId });
    parts.writes.push(...ended.writes);
    parts.audit.push(...ended.audit);
    parts.notices.push(...ended.notices);
    parts.ended.push(ended.ended);
  }
  return parts;
}

/**
 * The case contact or an admin switches remote access; under `never` only admins may allow it, and
 * never on a free or trial plan. Denying withdraws consent: the case grants it allowed end or lose
 * the case in the same transaction.
 */
export async function setRemoteAccess(deps: GrantDeps, actor: Actor, caseId: string, raw: unknown): Promise<Case> {
  const user = inPerson(actor);
  return redoOnConflict(`Case ${caseId}`, () => setRemoteAccessOnce(deps, actor, user, caseId, raw));
}

async function setRemoteAccessOnce(deps: GrantDeps, actor: Actor, user: UserProfile, caseId: string, raw: unknown): Promise<Case> {
  const org = await loadOrg(deps.store, user.orgId);
  const c = await loadCase(deps, user.orgId, caseId);
  assertMayChangeCase(c, user);
  assertOpen(c);
  if (raw !== 'allowed' && raw !== 'denied') throw new ValidationError('remoteAccess', 'Remote access must be "allowed" or "denied".');
  const to = raw;
  assertMayChoose(org, user, to);
  if (to === c.remoteAccess) return c;
  const now = deps.clock.now().toISOString();
  const updated: Case = { ...c, remoteAccess: to, history: [...c.history, change(now, user.email, c.remoteAccess, to)], version: c.version + 1 };
  const withdrawn = to === 'denied' ? await withdrawConsentParts(deps, org, updated, actor) : { writes: [], audit: [], notices: [], ended: [] };
  await deps.store.commit({
    orgId: org.orgId,
    writes: [{ kind: 'case', case: updated, expect: { version: c.version } }, ...withdrawn.writes],
    audit: [
      {
        at: now,
        actor: auditActor(actor),
        action: 'case.remote_access_changed',
        target: { type: 'case', id: caseId },
        caseId,
        before: { remoteAccess: c.remoteAccess },
        after: { remoteAccess: to },
      },
      ...withdrawn.audit,
    ],
    notices: withdrawn.notices,
  });
  await endSessionsAndSchedules(deps, withdrawn.ended, actor);
  return updated;
}

/**
 * Solves a case. In the same transaction, every active case grant whose linked cases are now
 * all solved ends (sessions too); a grant still linked to an open case continues (Resolver).
 */
export async function solveCase(deps: GrantDeps, actor: Actor, orgId: string, caseId: string): Promise<{ case: Case; ended: Grant[] }> {
  // A customer solves in person (their own case, or any as an admin); agents solve through the API.
  const user = actor.type === 'customer' || actor.type === 'impersonated' ? inPerson(actor) : undefined;
  const now = deps.clock.now();
  // One round trip: the org, the case, the active grants and the audit head the first commit writes after.
  const [read, active] = await together([deps.store.readTogether({ org: orgId, case: { orgId, caseId }, auditHead: orgId }), deps.store.listActiveGrants(orgId, now)] as const);
  const org = found(read.org, 'org', orgId);
  const c = found(read.case, 'case', caseId);
  const head = read.auditHead!;
  // The head read up front serves the first commit only; a later one reads the head its predecessor moved.
  let auditHead: typeof head | undefined = head;
  const firstHead = () => {
    const first = auditHead;
    auditHead = undefined;
    return first;
  };
  if (user) assertMayChangeCase(c, user);
  if (c.status === 'solved') throw new ForbiddenError('case_solved', `Case ${caseId} is already solved.`);
  const linked = active.filter((g) => g.kind === 'case' && g.caseIds.includes(caseId));
  // Access ends first, one bounded transaction per grant: an interruption leaves the case open,
  // to be solved again, never a solved case with live access.
  const ended: Grant[] = [];
  for (const grant of linked) {
    const others = await Promise.all(grant.caseIds.filter((id) => id !== caseId).map((id) => deps.store.getCase(orgId, id)));
    if (others.some((o) => o?.status === 'open')) continue;
    const parts = await endGrantParts(deps, org, grant, 'case_solved', actor, { caseId });
    await deps.store.commit({ orgId, writes: parts.writes, audit: parts.audit, notices: parts.notices, auditHead: firstHead() });
    ended.push(parts.ended);
  }
  const solved: Case = { ...c, status: 'solved', solvedAt: now.toISOString(), version: c.version + 1 };
  await deps.store.commit({
    orgId,
    auditHead: firstHead(),
    writes: [{ kind: 'case', case: solved, expect: { version: c.version } }],
    audit: [{ at: now.toISOString(), actor: auditActor(actor), action: 'case.solved', target: { type: 'case', id: caseId }, caseId, after: { grantsEnded: ended.map((g) => g.grantId) } }],
    notices: [],
  });
  await endSessionsAndSchedules(deps, ended, actor);
  return { case: solved, ended };
}

/** After grants ended: their live sessions (bounded follow-up) and their schedules. */
async function endSessionsAndSchedules(deps: GrantDeps, ended: Grant[], actor: Actor): Promise<void> {
  for (const g of ended) {
    if (g.sessionsPending) await endSessionsOfGrant(deps, g.orgId, g.grantId, actor);
    await cancelSchedules(deps, g.grantId);
  }
}
