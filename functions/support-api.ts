import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { requireEnv } from '../shared/config';
import { ValidationError } from '../shared/domain/errors';
import { decideAccess, parseAccessQuery } from '../shared/domain/access-decision';
import { isActive, mayAgentUse } from '../shared/domain/grant-rules';
import { loadOrg } from '../shared/domain/grant-service';
import type { Grant } from '../shared/domain/model';
import { startSession } from '../shared/domain/session-service';
import { grantDepsFromEnv, signerFromEnv } from '../shared/adapters/runtime';
import { agentOf } from '../shared/http/agent';
import { errorResponder } from '../shared/http/middlewares';
import { json } from '../shared/http/problem';
import { jsonBody, pathParam } from '../shared/http/request';
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

const routes = dispatch<'support-api'>({
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
    await loadOrg(deps.store, orgId);
    const now = deps.clock.now();
    return json(200, { ...query, decidedAt: now.toISOString(), ...decideAccess(await deps.store.listActiveGrants(orgId, now), agent, query, now) });
  },

  'POST /support/orgs/{orgId}/grants/{grantId}/sessions': async (event) => {
    const agent = agentOf(event);
    const body = jsonBody(event);
    const { session, token } = await startSession(deps, agent, pathParam(event, 'orgId'), pathParam(event, 'grantId'), body);
    return json(201, {
      sessionId: session.sessionId,
      token,
      tokenType: 'Bearer',
      expiresAt: session.expiresAt,
      scope: session.scope.join(' '),
      actAs: session.actAs,
    });
  },
});

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(httpHeaderNormalizer())
  .use(errorResponder())
  .handler(routes);
