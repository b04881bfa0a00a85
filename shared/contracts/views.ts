import * as z from 'zod';
import { ENVIRONMENTS, LEVELS, PLANS, REMOTE_ACCESS } from '../domain/model';

/** The response bodies the JSON APIs share, strict: a field not listed here fails the contract test. */

const time = z.iso.datetime({ offset: true });

export const Person = z.strictObject({ id: z.string(), email: z.string(), name: z.string().optional() }).meta({ id: 'Person' });

export const Workspaces = z.union([z.literal('all'), z.array(z.string())]).meta({ id: 'Workspaces', description: '"all", or the workspace ids' });

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

export const Grant = z.strictObject(grantFields).meta({ id: 'Grant', description: 'A grant as an agent sees it' });

export const CaseGrant = z
  .strictObject({ ...grantFields, personnel: z.array(z.string()).meta({ description: 'The agents named on the grant' }) })
  .meta({ id: 'CaseGrant', description: 'A grant with the agents named on it' });

export const Case = z
  .strictObject({
    caseId: z.string(),
    orgId: z.string(),
    subject: z.string(),
    description: z.string(),
    environment: z.enum(ENVIRONMENTS),
    contact: z.string().meta({ description: "The case contact's email" }),
    channel: z.enum(['portal', 'email']),
    remoteAccess: z.enum(REMOTE_ACCESS),
    status: z.enum(['open', 'solved']),
    pendingRequestId: z.string().optional(),
    history: z.array(z.strictObject({ at: time, by: z.string(), from: z.enum(REMOTE_ACCESS).nullable(), to: z.enum(REMOTE_ACCESS) })),
    createdAt: time,
  })
  .meta({ id: 'Case', description: 'A support case' });

export const AccessRequest = z
  .strictObject({
    requestId: z.string(),
    kind: z.enum(['access', 'change']),
    caseId: z.string(),
    status: z.enum(['pending', 'approved', 'denied', 'expired']),
    justification: z.string(),
    requiredApprovals: z.int().min(1).max(3),
    askedOf: z.array(z.string()),
    createdAt: time,
    expiresAt: time,
  })
  .meta({ id: 'AccessRequest', description: 'A request for access, or for written approval of a change' });

export const Org = z
  .strictObject({
    orgId: z.string(),
    name: z.string(),
    plan: z.enum(PLANS),
    environments: z.array(z.enum(ENVIRONMENTS)),
    workspaces: z.array(z.string()),
    status: z.enum(['active', 'suspended']),
  })
  .meta({ id: 'Org', description: 'An org as a platform admin sees it' });

export const OrgDeletion = z
  .strictObject({
    orgId: z.string(),
    deleted: z.boolean(),
    phase: z.enum(['suspending', 'exporting', 'removing', 'done']),
    grantsEnded: z.int(),
    itemsRemoved: z.int(),
    auditExport: z.strictObject({ location: z.string(), events: z.int(), chainIntact: z.boolean() }).optional().meta({ description: 'Where the audit trail was exported to, how many events, and whether its chain verified' }),
    startedAt: time,
    finishedAt: time.optional(),
  })
  .meta({ id: 'OrgDeletion', description: "An org's deletion and how far it got" });

export { time };
