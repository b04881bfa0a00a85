import { requireEnv } from '../shared/config';
import { agent as agentPrincipal } from '../shared/domain/actor';
import { ValidationError } from '../shared/domain/errors';
import { decideAccess, parseAccessQuery } from '../shared/domain/access-decision';
import { requestChange, requestPermission } from '../shared/domain/access-requests';
import { activateCaseAccess, addPersonnel, caseAccess } from '../shared/domain/case-grants';
import { listCasesOf, loadCase, openCaseByEmail, solveCase } from '../shared/domain/case-service';
import { parseCaseListQuery } from '../shared/domain/case-rules';
import { isActive, mayAgentUse } from '../shared/domain/grant-rules';
import { loadOrg } from '../shared/domain/grant-service';
import type { AccessRequest, Case, Grant } from '../shared/domain/model';
import { endSession, startSession } from '../shared/domain/session-service';
import { grantDepsFromEnv, signerFromEnv } from '../shared/adapters/runtime';
import { agentFrom } from '../shared/http/agent';
import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/problem';
import { jsonBody, pathParam } from '../shared/http/request';
import { dispatch } from '../shared/http/routes';

const deps = {
  ...grantDepsFromEnv(),
  signer: signerFromEnv(),
  token: { issuer: requireEnv('TOKEN_ISSUER'), audience: requireEnv('TOKEN_AUDIENCE') },
};
const agentOf = agentFrom(requireEnv('STAFF_EMAIL_CLAIM'));

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

const routes = dispatch<'support-api'>({
  /** The email channel: a case a customer wrote in about; it starts denied. */
  'POST /support/orgs/{orgId}/cases': async (event) =>
    json(201, caseView(await openCaseByEmail(deps, agentOf(event), pathParam(event, 'orgId'), jsonBody(event)))),

  /** An org's cases, newest first: open ones by default, a page at a time (`next` → `?after=`). */
  'GET /support/orgs/{orgId}/cases': async (event) => {
    agentOf(event);
    const page = await listCasesOf(deps, pathParam(event, 'orgId'), parseCaseListQuery(event.queryStringParameters ?? {}));
    return json(200, { cases: page.cases.map(caseView), ...(page.next ? { next: page.next } : {}) });
  },

  'GET /support/orgs/{orgId}/cases/{caseId}': async (event) => {
    agentOf(event);
    return json(200, caseView(await loadCase(deps, pathParam(event, 'orgId'), pathParam(event, 'caseId'))));
  },

  'POST /support/orgs/{orgId}/cases/{caseId}/access-requests': async (event) =>
    json(201, requestView(await requestPermission(deps, agentOf(event), pathParam(event, 'orgId'), pathParam(event, 'caseId'), jsonBody(event)))),

  /** Written approval before support changes data or configuration (Resolver). */
  'POST /support/orgs/{orgId}/cases/{caseId}/change-requests': async (event) =>
    json(201, requestView(await requestChange(deps, agentOf(event), pathParam(event, 'orgId'), pathParam(event, 'caseId'), jsonBody(event)))),

  'POST /support/orgs/{orgId}/cases/{caseId}/activate': async (event) => {
    const { grant, created } = await activateCaseAccess(deps, agentOf(event), pathParam(event, 'orgId'), pathParam(event, 'caseId'), jsonBody(event));
    return json(created ? 201 : 200, { ...grantView(grant), personnel: grant.personnel.map((p) => p.email) });
  },

  'POST /support/orgs/{orgId}/cases/{caseId}/resolve': async (event) => {
    const agent = agentOf(event);
    const result = await solveCase(deps, agentPrincipal(agent), pathParam(event, 'orgId'), pathParam(event, 'caseId'));
    return json(200, { case: caseView(result.case), endedGrants: result.ended.map((g) => g.grantId) });
  },

  'GET /support/orgs/{orgId}/cases/{caseId}/access': async (event) =>
    json(200, await caseAccess(deps, agentOf(event), pathParam(event, 'orgId'), pathParam(event, 'caseId'))),

  'POST /support/orgs/{orgId}/grants/{grantId}/personnel': async (event) => {
    const grant = await addPersonnel(deps, agentOf(event), pathParam(event, 'orgId'), pathParam(event, 'grantId'), jsonBody(event));
    return json(200, { ...grantView(grant), personnel: grant.personnel.map((p) => p.email) });
  },

  'GET /support/orgs/{orgId}/grants': async (event) => {
    const agent = agentOf(event);
    const orgId = pathParam(event, 'orgId');
    const status = event.queryStringParameters?.status ?? 'active';
    if (status !== 'active') throw new ValidationError('status', 'Only status=active can be listed.');
    await loadOrg(deps.store, orgId);
    const now = deps.clock.now();
    const grants = (await deps.store.listActiveGrants(orgId, now)).filter((g) => isActive(g, now) && mayAgentUse(g, agent));
    return json(200, { grants: grants.map(grantView) });
  },

  /** May this agent act at this level, in this workspace and environment, right now? */
  'GET /support/orgs/{orgId}/access': async (event) => {
    const agent = agentOf(event);
    const orgId = pathParam(event, 'orgId');
    const query = parseAccessQuery(event.queryStringParameters ?? {});
    const now = deps.clock.now();
    const grants = await deps.store.listActiveGrants(orgId, now);
    // The hot path reads once; only an org with no active grant is checked to exist (404).
    if (!grants.length) await loadOrg(deps.store, orgId);
    return json(200, { ...query, decidedAt: now.toISOString(), ...decideAccess(grants, agent, query, now) });
  },

  'POST /support/orgs/{orgId}/grants/{grantId}/sessions': async (event) => {
    const agent = agentOf(event);
    const body = jsonBody(event);
    const { session, token, refused } = await startSession(deps, agent, pathParam(event, 'orgId'), pathParam(event, 'grantId'), body);
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
  'DELETE /support/sessions/{sessionId}': async (event) => {
    const session = await endSession(deps, agentPrincipal(agentOf(event)), pathParam(event, 'sessionId'));
    return json(200, { sessionId: session.sessionId, status: session.status, endedAt: session.endedAt });
  },
});

export const handler = httpHandler(routes);
