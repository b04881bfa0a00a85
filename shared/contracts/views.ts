import * as z from 'zod/mini';
import { ENVIRONMENTS, LEVELS, PLANS, REMOTE_ACCESS } from '../domain/model';
import { meta, once } from './fields';

/**
 * The response bodies the JSON APIs share, strict: a field not listed here fails the contract
 * test. Built on first use (by the OpenAPI document or a test), never in a function's cold start:
 * no request is checked against them.
 */
export const views = once(() => {
  const time = z.iso.datetime({ offset: true });

  const Person = meta(z.strictObject({ id: z.string(), email: z.string(), name: z.optional(z.string()) }), { id: 'Person' });

  const Workspaces = meta(z.union([z.literal('all'), z.array(z.string())]), { id: 'Workspaces', description: '"all", or the workspace ids' });

  const grantFields = {
    grantId: z.string(),
    orgId: z.string(),
    kind: z.enum(['user', 'case']),
    actAs: Person,
    level: z.enum(LEVELS),
    workspaces: Workspaces,
    environment: z.enum(ENVIRONMENTS),
    caseIds: z.array(z.string()),
    status: z.enum(['active', 'revoked', 'expired', 'ended']),
    createdAt: time,
    expiresAt: time,
  };

  const Grant = meta(z.strictObject(grantFields), { id: 'Grant', description: 'A grant as an agent sees it' });

  const CaseGrant = meta(z.strictObject({ ...grantFields, personnel: meta(z.array(z.string()), { description: 'The agents named on the grant' }) }), {
    id: 'CaseGrant',
    description: 'A grant with the agents named on it',
  });

  const Case = meta(
    z.strictObject({
      caseId: z.string(),
      orgId: z.string(),
      subject: z.string(),
      description: z.string(),
      environment: z.enum(ENVIRONMENTS),
      contact: meta(z.string(), { description: "The case contact's email" }),
      channel: z.enum(['portal', 'email']),
      remoteAccess: z.enum(REMOTE_ACCESS),
      status: z.enum(['open', 'solved']),
      pendingRequestId: z.optional(z.string()),
      history: z.array(z.strictObject({ at: time, by: z.string(), from: z.nullable(z.enum(REMOTE_ACCESS)), to: z.enum(REMOTE_ACCESS) })),
      createdAt: time,
    }),
    { id: 'Case', description: 'A support case' },
  );

  const AccessRequest = meta(
    z.strictObject({
      requestId: z.string(),
      kind: z.enum(['access', 'change']),
      caseId: z.string(),
      status: z.enum(['pending', 'approved', 'denied', 'expired']),
      justification: z.string(),
      requiredApprovals: z.int().check(z.gte(1), z.lte(3)),
      askedOf: z.array(z.string()),
      createdAt: time,
      expiresAt: time,
    }),
    { id: 'AccessRequest', description: 'A request for access, or for written approval of a change' },
  );

  const Org = meta(
    z.strictObject({
      orgId: z.string(),
      name: z.string(),
      plan: z.enum(PLANS),
      environments: z.array(z.enum(ENVIRONMENTS)),
      workspaces: z.array(z.string()),
      status: z.enum(['active', 'suspended']),
    }),
    { id: 'Org', description: 'An org as a platform admin sees it' },
  );

  const OrgDeletion = meta(
    z.strictObject({
      orgId: z.string(),
      deleted: z.boolean(),
      phase: z.enum(['suspending', 'exporting', 'removing', 'done']),
      grantsEnded: z.int(),
      itemsRemoved: z.int(),
      auditExport: meta(z.optional(z.strictObject({ location: z.string(), events: z.int(), chainIntact: z.boolean() })), {
        description: 'Where the audit trail was exported to, how many events, and whether its chain verified',
      }),
      startedAt: time,
      finishedAt: z.optional(time),
    }),
    { id: 'OrgDeletion', description: "An org's deletion and how far it got" },
  );

  return { time, Person, Workspaces, Grant, CaseGrant, Case, AccessRequest, Org, OrgDeletion };
});
