import { epochSeconds } from './clock';
import { ConflictError, ForbiddenError, NotFoundError } from './errors';
import { assertActive, isActive, mayAgentUse } from './grant-rules';
import { auditActor, inPerson, type Actor } from './actor';
import { found, grantNotice, type GrantDeps } from './grant-service';
import type { Case, Grant, Org, Person, Session, UserProfile } from './model';
import type { Notice } from './notices';
import { decideScope, sessionEnd } from './scope-rules';
import { redoOnConflict, sessionUpdate } from './versions';
import type { TokenSigner } from '../ports/token-signer';

export interface SessionDeps extends GrantDeps {
  signer: TokenSigner;
  token: { issuer: string; audience: string };
}

/** What an agent asks for (checked by the operation's contract): why, for which case, which scopes. */
export interface StartSessionInput {
  justification: string;
  caseId?: string;
  /** The scopes asked for; `read` when absent. */
  scope?: string[];
}

/**
 * Starts a "log in as" session: checks the grant is active now and usable by this agent, decides
 * the scope, records the session with its audit event and a "support signed in as you" email, and
 * returns a short-lived signed token (never past the grant).
 */
export async function startSession(
  deps: SessionDeps,
  agent: Person,
  orgId: string,
  grantId: string,
  input: StartSessionInput,
): Promise<{ session: Session; token: string; refused: Record<string, string> }> {
  const { justification, caseId } = input;
  const requested = input.scope ?? ['read'];
  // One round trip: the org, the grant, the case named and the audit head are read together; the refusals keep their order.
  const read = await deps.store.readTogether({ org: orgId, grant: { orgId, grantId }, ...(caseId ? { case: { orgId, caseId } } : {}), auditHead: orgId });
  const org = found(read.org, 'org', orgId);
  const grant = found(read.grant, 'grant', grantId);
  const { case: named, auditHead } = read;
  if (!mayAgentUse(grant, agent)) {
    throw new ForbiddenError('not_personnel', 'This grant is for a case you are not named on.');
  }
  const now = deps.clock.now();
  assertActive(grant, now);
  if (caseId && !named) throw new NotFoundError('case', caseId);
  const c = named;
  if (c && grant.kind === 'case' && !grant.caseIds.includes(c.caseId)) {
    throw new ForbiddenError('case_not_linked', `Case ${c.caseId} is not linked to this grant; activate access for it first.`);
  }
  const { scope, refused } = decideScope(requested, grant, c, now);
  const exp = sessionEnd(now, deps.limits.sessionMinutes, grant, scope, c);
  const session: Session = {
    sessionId: deps.ids(),
    orgId,
    grantId,
    agent,
    actAs: grant.actAs,
    caseId,
    justification,
    scope,
    status: 'active',
    version: 1,
    startedAt: now.toISOString(),
    expiresAt: new Date(exp).toISOString(),
  };
  const token = await deps.signer.sign({
    iss: deps.token.issuer,
    aud: deps.token.audience,
    sub: grant.actAs.id,
    act: { sub: agent.id, email: agent.email },
    org: orgId,
    grant: grantId,
    case: caseId,
    level: grant.level,
    workspaces: grant.workspaces,
    env: grant.environment,
    scope: scope.join(' '),
    jti: session.sessionId,
    iat: epochSeconds(now),
    exp: Math.floor(exp / 1000),
  });
  await deps.store.commit({
    orgId,
    writes: [{ kind: 'session', session, expect: 'new' }],
    auditHead,
    audit: [
      {
        at: session.startedAt,
        actor: { type: 'agent', id: agent.id, email: agent.email, actingAs: grant.actAs.email },
        action: 'session.started',
        target: { type: 'session', id: session.sessionId },
        caseId,
        justification,
        after: { grantId, expiresAt: session.expiresAt, scope: session.scope, ...(Object.keys(refused).length ? { refused: Object.keys(refused) } : {}) },
      },
    ],
    notices: [sessionNotice(deps, org, grant, session, c)],
  });
  return { session, token, refused };
}

/** "Support signed in as you": to the user acted as; for a case grant, to its case contact and authorized contacts. */
function sessionNotice(deps: SessionDeps, org: Org, grant: Grant, session: Session, c: Case | undefined): Notice {
  const notice = grantNotice(deps, org, grant, 'session-started', {
    agent: session.agent.name ? `${session.agent.name} (${session.agent.email})` : session.agent.email,
    startedAt: session.startedAt,
    sessionExpiresAt: session.expiresAt,
    justification: session.justification,
    sessionScope: session.scope.join(' '),
    caseSubject: c?.subject ?? '',
    caseId: c?.caseId ?? '',
  });
  return grant.kind === 'user' ? { ...notice, to: [grant.actAs.email] } : notice;
}

/** A session is live while it is not ended, not past its expiry, and its grant is active. */
export function isLive(session: Session, grant: Grant | undefined, now: Date): boolean {
  return session.status === 'active' && now.getTime() < Date.parse(session.expiresAt) && !!grant && isActive(grant, now);
}

/**
 * The sessions running now that this user may see: their own as the one acted as; admins, the
 * org's. A caller that already read the org's active grants passes them (one read, not two).
 */
export async function liveSessionsFor(deps: GrantDeps, user: UserProfile, active?: Grant[]): Promise<Session[]> {
  const now = deps.clock.now();
  const grants = new Map((active ?? (await deps.store.listActiveGrants(user.orgId, now))).map((g) => [g.grantId, g]));
  return (await deps.store.listSessions(user.orgId)).filter(
    (s) => isLive(s, grants.get(s.grantId), now) && (user.role === 'admin' || s.actAs.email === user.email),
  );
}

/** Ends a session now: by the agent who started it, or by the user acted as or an org admin in person. */
export async function endSession(deps: GrantDeps, actor: Actor, sessionId: string): Promise<Session> {
  const by: { agent: Person } | { user: UserProfile } = actor.type === 'agent' ? { agent: actor.agent } : { user: inPerson(actor) };
  return redoOnConflict(`Session ${sessionId}`, () => endSessionOnce(deps, actor, by, sessionId));
}

async function endSessionOnce(deps: GrantDeps, actor: Actor, by: { agent: Person } | { user: UserProfile }, sessionId: string): Promise<Session> {
  const session = await deps.store.findSession(sessionId);
  const isAgent = 'agent' in by;
  if (!session || (!isAgent && session.orgId !== by.user.orgId)) throw new NotFoundError('session', sessionId);
  if (isAgent ? session.agent.email !== by.agent.email : by.user.role !== 'admin' && session.actAs.email !== by.user.email) {
    throw new ForbiddenError('not_your_session', isAgent ? 'Only the agent who started a session can end it through the API.' : 'Only the person support acts as, or an administrator, can end this session.');
  }
  const now = deps.clock.now();
  // A session is live only while its grant is: one whose grant ended has ended with it.
  if (!isLive(session, await deps.store.getGrant(session.orgId, session.grantId), now)) {
    throw new ConflictError('session_ended', `Session ${sessionId} has already ended.`);
  }
  const ended: Session = { ...session, status: 'ended', endedAt: now.toISOString(), endedBy: auditActor(actor) };
  await deps.store.commit({
    orgId: session.orgId,
    writes: [sessionUpdate(session, ended)],
    audit: [{ at: ended.endedAt!, actor: auditActor(actor), action: 'session.ended', target: { type: 'session', id: sessionId }, caseId: session.caseId, before: { status: 'active' }, after: { status: 'ended', grantId: session.grantId } }],
    notices: [],
  });
  return ended;
}
