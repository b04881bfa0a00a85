import { requireEnv } from '../shared/config';
import { agent as agentPrincipal } from '../shared/domain/actor';
import { decideAccess } from '../shared/domain/access-decision';
import { requestChange, requestPermission } from '../shared/domain/access-requests';
import { activateCaseAccess, addPersonnel, caseAccess } from '../shared/domain/case-grants';
import { listCasesOf, loadCase, openCaseByEmail, solveCase } from '../shared/domain/case-service';
import { isActive, mayAgentUse } from '../shared/domain/grant-rules';
import { loadOrg } from '../shared/domain/grant-service';
import type { AccessRequest, Case, Grant } from '../shared/domain/model';
import { endSession, startSession } from '../shared/domain/session-service';
import { grantDepsFromEnv } from '../shared/adapters/grant-runtime';
import { signerFromEnv } from '../shared/adapters/signer-runtime';
import { agentFrom } from '../shared/http/agent';
import { SUPPORT_CONTRACTS } from '../shared/contracts/support-api';
import { contractRoutes } from '../shared/http/contract-request';
import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/problem';
import { dispatch } from '../shared/http/routes';

const deps = {
  ...grantDepsFromEnv(),
  signer: signerFromEnv(),
  token: { issuer: requireEnv('TOKEN_ISSUER'), audience: requireEnv('TOKEN_AUDIENCE') },
};

/** What an agent sees of a grant. */
const grantView = (g: Grant) => ({
  grantId: g.grantId,
  orgId: g.orgId,
  kind: g.kind,
  actAs: g.actAs,
  level: g.level,
  workspaces: g.workspaces,
  environment: g.environment,
  caseIds: g.caseIds,
  status: g.status,
  createdAt: g.createdAt,
  expiresAt: g.expiresAt,
});

const caseGrantView = (g: Grant) => ({ ...grantView(g), personnel: g.personnel.map((p) => p.email) });

/** What an agent sees of a case. */
const caseView = (c: Case) => ({
  caseId: c.caseId,
  orgId: c.orgId,
  subject: c.subject,
  description: c.description,
  environment: c.environment,
  contact: c.contact.email,
  channel: c.channel,
  remoteAccess: c.remoteAccess,
  status: c.status,
  pendingRequestId: c.pendingRequestId,
  history: c.history,
  createdAt: c.createdAt,
});

const requestView = (r: AccessRequest) => ({
  requestId: r.requestId,
  kind: r.kind ?? 'access',
  caseId: r.caseId,
  status: r.status,
  justification: r.justification,
  requiredApprovals: r.requiredApprovals,
  askedOf: r.askedOf,
  createdAt: r.createdAt,
  expiresAt: r.expiresAt,
});

/** Every route: the agent from the verified access token, then the request checked against its contract. */
const routes = contractRoutes<'support-api', ReturnType<ReturnType<typeof agentFrom>>>(SUPPORT_CONTRACTS, agentFrom(requireEnv('STAFF_EMAIL_CLAIM')), {
  /** The email channel: a case a customer wrote in about; it starts denied. */
  'POST /support/orgs/{orgId}/cases': async ({ principal, params, body }) => json(201, caseView(await openCaseByEmail(deps, principal, params.orgId, body))),

  /** An org's cases, newest first: open ones by default, a page at a time (`next` → `?after=`). */
  'GET /support/orgs/{orgId}/cases': async ({ params, query }) => {
    const page = await listCasesOf(deps, params.orgId, { ...(query.status === 'all' ? {} : { status: query.status }), limit: query.limit, ...(query.after ? { after: query.after } : {}) });
    return json(200, { cases: page.cases.map(caseView), ...(page.next ? { next: page.next } : {}) });
  },

  'GET /support/orgs/{orgId}/cases/{caseId}': async ({ params }) => json(200, caseView(await loadCase(deps, params.orgId, params.caseId))),

  'POST /support/orgs/{orgId}/cases/{caseId}/access-requests': async ({ principal, params, body }) =>
    json(201, requestView(await requestPermission(deps, principal, params.orgId, params.caseId, body))),

  /** Written approval before support changes data or configuration (Resolver). */
  'POST /support/orgs/{orgId}/cases/{caseId}/change-requests': async ({ principal, params, body }) =>
    json(201, requestView(await requestChange(deps, principal, params.orgId, params.caseId, body))),

  'POST /support/orgs/{orgId}/cases/{caseId}/activate': async ({ principal, params, body }) => {
    const { grant, created } = await activateCaseAccess(deps, principal, params.orgId, params.caseId, body);
    return json(created ? 201 : 200, caseGrantView(grant));
  },

  'POST /support/orgs/{orgId}/cases/{caseId}/resolve': async ({ principal, params }) => {
    const result = await solveCase(deps, agentPrincipal(principal), params.orgId, params.caseId);
    return json(200, { case: caseView(result.case), endedGrants: result.ended.map((g) => g.grantId) });
  },

  'GET /support/orgs/{orgId}/cases/{caseId}/access': async ({ principal, params }) => json(200, await caseAccess(deps, principal, params.orgId, params.caseId)),

  'POST /support/orgs/{orgId}/grants/{grantId}/personnel': async ({ principal, params, body }) =>
    json(200, caseGrantView(await addPersonnel(deps, principal, params.orgId, params.grantId, body))),

  'GET /support/orgs/{orgId}/grants': async ({ principal, params }) => {
    await loadOrg(deps.store, params.orgId);
    const now = deps.clock.now();
    const grants = (await deps.store.listActiveGrants(params.orgId, now)).filter((g) => isActive(g, now) && mayAgentUse(g, principal));
    return json(200, { grants: grants.map(grantView) });
  },

  /** May this agent act at this level, in this workspace and environment, right now? */
  'GET /support/orgs/{orgId}/access': async ({ principal, params, query }) => {
    const now = deps.clock.now();
    const grants = await deps.store.listActiveGrants(params.orgId, now);
    // The hot path reads once; only an org with no active grant is checked to exist (404).
    if (!grants.length) await loadOrg(deps.store, params.orgId);
    return json(200, { ...query, decidedAt: now.toISOString(), ...decideAccess(grants, principal, query, now) });
  },

  'POST /support/orgs/{orgId}/grants/{grantId}/sessions': async ({ principal, params, body }) => {
    const { session, token, refused } = await startSession(deps, principal, params.orgId, params.grantId, body);
    return json(201, {
      sessionId: session.sessionId,
      token,
      tokenType: 'Bearer',
      expiresAt: session.expiresAt,
      scope: session.scope.join(' '),
      ...(Object.keys(refused).length ? { refusedScopes: refused } : {}),
      actAs: session.actAs,
      caseId: session.caseId,
    });
  },

  /** The agent ends their own session; introspection answers inactive from now on. */
  'DELETE /support/sessions/{sessionId}': async ({ principal, params }) => {
    const session = await endSession(deps, agentPrincipal(principal), params.sessionId);
    return json(200, { sessionId: session.sessionId, status: session.status, endedAt: session.endedAt });
  },
});

export const handler = httpHandler(dispatch<'support-api'>(routes));
