import { createHash } from 'node:crypto';
import { assertOpen, assertPlanAllowsRemoteAccess, mayApprove, parseComment, whoMayApprove } from './case-rules';
import { assertActive } from './grant-rules';
import { loadCase } from './case-service';
import { ConcurrentChangeError, ConflictError, DomainError, ForbiddenError, ValidationError } from './errors';
import { agent as agentPrincipal, auditActor, inPerson, type Actor } from './actor';
import { bestEffort, found, loadOrg, type GrantDeps } from './grant-service';
import type { AccessRequest, Approval, ApprovalToken, Case, ChangeScope, Grant, Org, Person, UserProfile } from './model';
import type { Notice } from './notices';
import type { Write } from '../ports/store';

/** A dead approval link: the page says which of these it is (410). */
export class ApprovalLinkGoneError extends DomainError {
  readonly kind = 'gone' as const;
  constructor(readonly why: 'unknown' | 'used' | 'expired' | 'decided', message: string) {
    super(`link_${why}`, message);
  }
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
export const requestScheduleName = (requestId: string) => `request-${requestId}`;

const isPending = (r: AccessRequest, now: Date) => r.status === 'pending' && now.getTime() < Date.parse(r.expiresAt);

function requestNotice(deps: GrantDeps, org: Org, c: Case, r: AccessRequest, template: Notice['template'], to: string[], data: Record<string, string> = {}): Notice {
  return {
    noticeId: deps.ids(),
    orgId: org.orgId,
    template,
    to,
    createdAt: deps.clock.now().toISOString(),
    data: {
      orgName: org.name,
      orgId: org.orgId,
      requestId: r.requestId,
      caseId: c.caseId,
      caseSubject: c.subject,
      agent: r.agent.name ? `${r.agent.name} (${r.agent.email})` : r.agent.email,
      justification: r.justification,
      expiresAt: r.expiresAt,
      requiredApprovals: String(r.requiredApprovals),
      kind: kindOf(r),
      ...(r.change ? { changeGrantId: r.change.grantId, changeUntil: r.change.until, changeActAs: r.change.actAs, changeEnvironment: r.change.environment } : {}),
      ...data,
    },
  };
}

export const kindOf = (r: AccessRequest): 'access' | 'change' => r.kind ?? 'access';

/** The case field holding a kind's pending request: one pending request of each kind per case. */
const PENDING_FIELD = { access: 'pendingRequestId', change: 'pendingChangeRequestId' } as const;

/**
 * An agent asks for access to a denied case. The case contact and the authorized contacts each
 * get an email with their own single-use link (issued when the email is sent); the request
 * expires after the stage's request-expiry hours. One pending request per case.
 */
export async function requestPermission(deps: GrantDeps, agent: Person, orgId: string, caseId: string, input: { justification: string }): Promise<AccessRequest> {
  const { justification } = input;
  const read = await deps.store.readTogether({ org: orgId, case: { orgId, caseId }, auditHead: orgId });
  const org = found(read.org, 'org', orgId);
  const c = found(read.case, 'case', caseId);
  const auditHead = read.auditHead!;
  assertPlanAllowsRemoteAccess(org);
  assertOpen(c);
  if (c.remoteAccess === 'allowed') {
    throw new ConflictError('case_already_allowed', `Remote access to case ${caseId} is already allowed; activate access instead (POST .../cases/${caseId}/activate).`);
  }
  return createRequest(deps, 'access', agent, org, c, justification, [c.contact.email, ...org.settings.authorizedContacts], auditHead);
}

/** A grant a change on this case may be made through: a case grant linked to it, or a user grant of its contact. */
export const grantServesCase = (grant: Grant, c: Case): boolean =>
  grant.kind === 'case' ? grant.caseIds.includes(c.caseId) : grant.actAs.email.toLowerCase() === c.contact.email.toLowerCase();

/** What a change request asks (checked by the operation's contract): the change, through which grant, until when. */
export interface ChangeAsk {
  description: string;
  grantId: string;
  /** An ISO 8601 time with a zone. */
  until: string;
}

/**
 * An agent asks written approval for a data or configuration change on a case (Resolver), naming
 * the grant it will be made through and until when (at most the grant's end). The authorized
 * contacts (the case contact when there are none) are emailed links that state exactly that;
 * approving needs a written comment; once approved, sessions on that grant naming the case may
 * carry `write` until then — nowhere else in the org.
 */
export async function requestChange(deps: GrantDeps, agent: Person, orgId: string, caseId: string, input: ChangeAsk): Promise<AccessRequest> {
  const { description, grantId } = input;
  const until = new Date(input.until);
  // One round trip; a solved case is refused before a missing grant, as a person would fix them.
  const read = await deps.store.readTogether({ org: orgId, case: { orgId, caseId }, grant: { orgId, grantId }, auditHead: orgId });
  const org = found(read.org, 'org', orgId);
  const c = found(read.case, 'case', caseId);
  const auditHead = read.auditHead!;
  assertOpen(c);
  const grant = found(read.grant, 'grant', grantId);
  if (!grantServesCase(grant, c)) {
    throw new ForbiddenError('grant_not_for_case', `Grant ${grantId} is neither linked to case ${caseId} nor a grant of its contact (${c.contact.email}); a change can only be approved through one of those.`);
  }
  const now = deps.clock.now();
  assertActive(grant, now);
  if (until.getTime() <= now.getTime() || until.getTime() > Date.parse(grant.expiresAt)) {
    throw new ValidationError('until', `until must be after now and no later than the grant's end (${grant.expiresAt}).`);
  }
  const change: ChangeScope = { grantId, until: until.toISOString(), actAs: grant.actAs.name ?? grant.actAs.email, environment: grant.environment };
  const contacts = org.settings.authorizedContacts.length ? org.settings.authorizedContacts : [c.contact.email];
  return createRequest(deps, 'change', agent, org, c, description, contacts, auditHead, change);
}

async function createRequest(
  deps: GrantDeps,
  kind: 'access' | 'change',
  agent: Person,
  org: Org,
  c: Case,
  text: string,
  recipients: string[],
  auditHead: { seq: number; hash: string },
  change?: ChangeScope,
): Promise<AccessRequest> {
  const now = deps.clock.now();
  const pendingId = c[PENDING_FIELD[kind]];
  if (pendingId) {
    const pending = await deps.store.getRequest(org.orgId, pendingId);
    if (pending && isPending(pending, now)) {
      throw new ConflictError('request_pending', `Request ${pending.requestId} for this case is still waiting for approval (until ${pending.expiresAt}).`);
    }
  }
  const askedOf = [...new Set(recipients.map((e) => e.toLowerCase()))];
  const request: AccessRequest = {
    orgId: org.orgId,
    requestId: deps.ids(),
    kind,
    caseId: c.caseId,
    agent,
    justification: text,
    ...(change ? { change } : {}),
    status: 'pending',
    requiredApprovals: org.settings.requiredApprovals,
    askedOf,
    decisions: [],
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.limits.requestExpiryHours * 3_600_000).toISOString(),
    version: 1,
  };
  await deps.store.commit({
    orgId: org.orgId,
    auditHead,
    writes: [
      { kind: 'request', request, expect: 'new' },
      { kind: 'case', case: { ...c, [PENDING_FIELD[kind]]: request.requestId, version: c.version + 1 }, expect: { version: c.version } },
    ],
    audit: [
      {
        at: request.createdAt,
        actor: auditActor(agentPrincipal(agent)),
        action: `${kind === 'change' ? 'change' : 'request'}.created`,
        target: { type: 'request', id: request.requestId },
        caseId: c.caseId,
        justification: text,
        after: { askedOf, requiredApprovals: request.requiredApprovals, expiresAt: request.expiresAt, ...(change ? { change } : {}) },
      },
    ],
    // One notice per recipient: each carries its own link.
    notices: askedOf.map((to) => requestNotice(deps, org, c, request, kind === 'change' ? 'change-requested' : 'permission-requested', [to])),
  });
  await bestEffort(deps, 'request expiry', { requestId: request.requestId }, () =>
    deps.scheduler.scheduleAt(requestScheduleName(request.requestId), new Date(request.expiresAt), { type: 'request', orgId: org.orgId, id: request.requestId }),
  );
  return request;
}

/** Issues the single-use link for one emailed recipient; only the hash is stored. */
export function approvalToken(raw: string, notice: Notice, expiresAt: string): ApprovalToken {
  return { tokenHash: hashToken(raw), orgId: notice.orgId, requestId: notice.data.requestId!, caseId: notice.data.caseId, recipient: notice.to[0]!, expiresAt };
}

export interface ApprovalView {
  org: Org;
  case: Case;
  request: AccessRequest;
  token: ApprovalToken;
  eligible: boolean;
  whoMayApprove: string;
  alreadyDecidedByYou: boolean;
}

/**
 * Starts reading an approval link, so a caller can read it in the same round trip as the visitor
 * (nothing of it is used before the visitor is known). A failed read is kept for its user.
 */
export function readApprovalLink(deps: GrantDeps, rawToken: string): Promise<ApprovalToken | undefined> {
  const link = deps.store.getApprovalToken(hashToken(rawToken));
  link.catch(() => undefined);
  return link;
}

/** What the approval page shows; reading never changes anything (mail scanners prefetch links). */
export async function viewApproval(deps: GrantDeps, user: UserProfile, rawToken: string, link?: Promise<ApprovalToken | undefined>): Promise<ApprovalView> {
  const { auditHead: _, ...view } = await readApproval(deps, user, rawToken, link);
  return view;
}

/**
 * The link, then in one round trip the request, the org, the case (named on the link) and the
 * audit head a decision would write after.
 */
async function readApproval(deps: GrantDeps, user: UserProfile, rawToken: string, link = readApprovalLink(deps, rawToken)): Promise<ApprovalView & { auditHead: { seq: number; hash: string } }> {
  const token = await link;
  if (!token || token.unsent) throw new ApprovalLinkGoneError('unknown', 'This approval link is not valid. Use the link from the most recent email.');
  // Nothing of another org's request is shown, not even whether the link was used.
  if (token.orgId !== user.orgId) throw new ForbiddenError('other_org_link', 'This link belongs to another organization. Sign in with an account of the organization that sent it.');
  const now = deps.clock.now();
  if (token.usedAt) throw new ApprovalLinkGoneError('used', `This approval link was already used (${token.usedAt.replace('T', ' ').slice(0, 19)} UTC). Each link works once.`);
  const read = await deps.store.readTogether({
    request: { orgId: token.orgId, requestId: token.requestId },
    org: token.orgId,
    ...(token.caseId ? { case: { orgId: token.orgId, caseId: token.caseId } } : {}),
    auditHead: token.orgId,
  });
  const request = found(read.request, 'request', token.requestId);
  const org = found(read.org, 'org', token.orgId);
  const { case: named } = read;
  const auditHead = read.auditHead!;
  if (request.status === 'approved' || request.status === 'denied') throw new ApprovalLinkGoneError('decided', `This request was already ${request.status}.`);
  if (request.status === 'expired' || now.getTime() >= Date.parse(request.expiresAt) || now.getTime() >= Date.parse(token.expiresAt)) {
    throw new ApprovalLinkGoneError('expired', `This request expired at ${request.expiresAt.replace('T', ' ').slice(0, 19)} UTC. Support can ask again.`);
  }
  const c = named?.caseId === request.caseId ? named : await loadCase(deps, token.orgId, request.caseId);
  return {
    auditHead,
    org,
    case: c,
    request,
    token,
    eligible: mayApprove(org, c, user),
    whoMayApprove: whoMayApprove(org, c),
    alreadyDecidedByYou: request.decisions.some((d) => d.by === user.email),
  };
}

/**
 * Approves or denies through a link: an eligible, signed-in approver; each person counts once;
 * `requiredApprovals` distinct approvals allow the case, any deny ends the request. The link is
 * used up. When decided, the agent and the other people asked are told.
 */
export async function decideRequest(
  deps: GrantDeps,
  actor: Actor,
  rawToken: string,
  input: { decision?: unknown; comment?: unknown },
  link?: Promise<ApprovalToken | undefined>,
): Promise<AccessRequest> {
  const user = inPerson(actor);
  const view = await readApproval(deps, user, rawToken, link);
  const { org, request, token, auditHead } = view;
  const c = view.case;
  if (!view.eligible) throw new ForbiddenError('not_eligible_approver', view.whoMayApprove);
  if (input.decision !== 'approve' && input.decision !== 'deny') throw new ValidationError('decision', 'Choose approve or deny.');
  const decision: Approval['decision'] = input.decision;
  const kind = kindOf(request);
  // A change is approved or denied in writing (Resolver): the comment is required.
  const comment = parseComment(input.comment, kind === 'change') || undefined;
  const now = deps.clock.now().toISOString();
  const updated = applyDecision(request, { by: user.email, at: now, decision, comment });
  const { status, decisions } = updated;
  // Approving access allows the case: never on a free or trial plan (it may have changed since).
  if (status === 'approved' && kind === 'access') assertPlanAllowsRemoteAccess(org);
  const approvedCount = approvals(updated);
  const writes: Write[] = [
    { kind: 'request', request: updated, expect: { version: request.version } },
    { kind: 'token', token: { ...token, usedAt: now, usedBy: user.email }, expect: { unused: true } },
  ];
  if (status !== 'pending') writes.push({ kind: 'case', case: decidedCase(c, updated, now), expect: { version: c.version } });
  const others = request.askedOf.filter((e) => e !== user.email);
  await deps.store
    .commit({
      orgId: org.orgId,
      auditHead,
      writes,
      audit: [
        {
          at: now,
          actor: auditActor(actor),
          action: `${kind === 'change' ? 'change' : 'request'}.${decision === 'approve' ? 'approved_by' : 'denied_by'}`,
          target: { type: 'request', id: request.requestId },
          caseId: c.caseId,
          justification: comment,
          before: { status: request.status, approvals: approvals(request) },
          after: { status, approvals: approvedCount },
        },
        ...(status === 'approved' && kind === 'access'
          ? [{ at: now, actor: auditActor(actor), action: 'case.remote_access_changed', target: { type: 'case', id: c.caseId }, caseId: c.caseId, before: { remoteAccess: c.remoteAccess }, after: { remoteAccess: 'allowed' } }]
          : []),
      ],
      notices:
        status === 'pending'
          ? []
          : [
              requestNotice(deps, org, c, updated, 'request-decided', [request.agent.email], { outcome: status, decidedBy: user.email, comment: comment ?? '', audience: 'agent' }),
              ...(others.length ? [requestNotice(deps, org, c, updated, 'request-decided', others, { outcome: status, decidedBy: user.email, comment: comment ?? '', audience: 'approvers' })] : []),
            ],
    })
    .catch((error) => {
      if (error instanceof ConcurrentChangeError) throw new ConflictError('request_changed', 'Someone decided this request at the same moment; reload the page to see where it stands.');
      throw error;
    });
  if (status !== 'pending') {
    await bestEffort(deps, 'request cancel', { requestId: request.requestId }, () => deps.scheduler.cancel(requestScheduleName(request.requestId)));
  }
  return updated;
}

/** The case once a request is decided: no longer pending; an approval allows access or writes. */
function decidedCase(c: Case, r: AccessRequest, now: string): Case {
  const approvers = r.decisions.filter((d) => d.decision === 'approve').map((d) => d.by);
  const base: Case = { ...c, [PENDING_FIELD[kindOf(r)]]: undefined, version: c.version + 1 };
  if (r.status !== 'approved') return base;
  if (kindOf(r) === 'change') return { ...base, changeApproval: { requestId: r.requestId, approvedAt: now, approvedBy: approvers, grantId: r.change?.grantId, until: r.change?.until } };
  return { ...base, remoteAccess: 'allowed', history: [...c.history, { at: now, by: approvers.join(', '), from: c.remoteAccess, to: 'allowed' }] };
}

export const approvals = (r: AccessRequest) => r.decisions.filter((d) => d.decision === 'approve').length;

/**
 * One person's decision on a pending request: each person counts once; `requiredApprovals`
 * distinct approvals approve it; any deny ends it.
 */
export function applyDecision(request: AccessRequest, decision: Approval): AccessRequest {
  if (request.status !== 'pending') throw new ConflictError('request_decided', `This request is already ${request.status}.`);
  if (request.decisions.some((d) => d.by === decision.by)) {
    throw new ConflictError('already_decided', `You already approved this request; it needs ${request.requiredApprovals - approvals(request)} more approver(s).`);
  }
  const decisions = [...request.decisions, decision];
  const approved = decisions.filter((d) => d.decision === 'approve').length;
  const status: AccessRequest['status'] = decision.decision === 'deny' ? 'denied' : approved >= request.requiredApprovals ? 'approved' : 'pending';
  return { ...request, decisions, status, ...(status !== 'pending' ? { decidedAt: decision.at } : {}), version: request.version + 1 };
}

/** The scheduler's target for requests: marks a still-pending, overdue request expired and tells the agent. */
export async function expireRequest(deps: GrantDeps, orgId: string, requestId: string, by: string): Promise<'expired' | 'not_due' | 'already_ended' | 'missing'> {
  const request = await deps.store.getRequest(orgId, requestId);
  if (!request) return 'missing';
  if (request.status !== 'pending') return 'already_ended';
  const now = deps.clock.now();
  if (now.getTime() < Date.parse(request.expiresAt)) return 'not_due';
  const org = await loadOrg(deps.store, orgId);
  const c = await loadCase(deps, orgId, request.caseId);
  const expired: AccessRequest = { ...request, status: 'expired', decidedAt: now.toISOString(), version: request.version + 1 };
  try {
    await deps.store.commit({
      orgId,
      writes: [
        { kind: 'request', request: expired, expect: { version: request.version } },
        ...(c[PENDING_FIELD[kindOf(request)]] === requestId
          ? [{ kind: 'case' as const, case: { ...c, [PENDING_FIELD[kindOf(request)]]: undefined, version: c.version + 1 }, expect: { version: c.version } }]
          : []),
      ],
      audit: [{ at: now.toISOString(), actor: { type: 'system', id: by }, action: 'request.expired', target: { type: 'request', id: requestId }, caseId: c.caseId }],
      notices: [requestNotice(deps, org, c, expired, 'request-expired', [request.agent.email])],
    });
    return 'expired';
  } catch (error) {
    // Decided meanwhile: done. Still pending (a busy audit trail): let the caller retry.
    if (error instanceof ConcurrentChangeError && (await deps.store.getRequest(orgId, requestId))?.status !== 'pending') return 'already_ended';
    throw error;
  }
}
