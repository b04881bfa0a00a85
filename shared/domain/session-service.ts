import { epochSeconds } from './clock';
import { ForbiddenError, ValidationError } from './errors';
import { assertActive, mayAgentUse } from './grant-rules';
import type { GrantDeps } from './grant-service';
import { loadGrant } from './grant-service';
import type { Person, Session } from './model';
import type { TokenSigner } from '../ports/token-signer';

export interface SessionDeps extends GrantDeps {
  signer: TokenSigner;
  token: { issuer: string; audience: string };
}

export interface StartSessionInput {
  justification?: unknown;
  caseId?: unknown;
}

const MAX_JUSTIFICATION = 1000;

function parseJustification(raw: unknown): string {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (!text) throw new ValidationError('justification', 'A justification is required: say why you need to log in.');
  if (text.length > MAX_JUSTIFICATION) {
    throw new ValidationError('justification', `Justification must be at most ${MAX_JUSTIFICATION} characters.`);
  }
  return text;
}

/**
 * Starts a "log in as" session: checks the grant is active now and usable by this agent, records
 * the session with its audit event, and returns a short-lived signed token (never past the grant).
 */
export async function startSession(
  deps: SessionDeps,
  agent: Person,
  orgId: string,
  grantId: string,
  input: StartSessionInput,
): Promise<{ session: Session; token: string }> {
  const justification = parseJustification(input.justification);
  const caseId = input.caseId === undefined || input.caseId === '' ? undefined : String(input.caseId);
  const grant = await loadGrant(deps.store, orgId, grantId);
  if (!mayAgentUse(grant, agent)) {
    throw new ForbiddenError('not_personnel', 'This grant is for a case you are not named on.');
  }
  const now = deps.clock.now();
  assertActive(grant, now);
  const exp = Math.min(now.getTime() + deps.limits.sessionMinutes * 60_000, Date.parse(grant.expiresAt));
  const session: Session = {
    sessionId: deps.ids(),
    orgId,
    grantId,
    agent,
    actAs: grant.actAs,
    caseId,
    justification,
    scope: ['read'],
    status: 'active',
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
    scope: session.scope.join(' '),
    jti: session.sessionId,
    iat: epochSeconds(now),
    exp: Math.floor(exp / 1000),
  });
  await deps.store.commit({
    orgId,
    writes: [{ kind: 'session', session, expect: 'new' }],
    audit: [
      {
        at: session.startedAt,
        actor: { type: 'agent', id: agent.id, email: agent.email, actingAs: grant.actAs.email },
        action: 'session.started',
        target: { type: 'session', id: session.sessionId },
        caseId,
        justification,
        after: { grantId, expiresAt: session.expiresAt, scope: session.scope },
      },
    ],
    notices: [],
  });
  return { session, token };
}
