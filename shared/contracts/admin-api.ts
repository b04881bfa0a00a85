import * as z from 'zod/mini';
import { contract } from './contract';
import { email, environment, line, meta, pathId, plan } from './fields';
import { views } from './views';
import type { NewOrg } from '../domain/org-provisioning';

/** The admin API: the vendor's platform admins, with IAM-signed (SigV4) requests. */

const params = z.strictObject({ orgId: pathId('orgId') });
const ENVIRONMENTS_RULE = 'environments must be a list of 1 to 10 entries, each production or sandbox.';
const environments = z.array(environment('each environment'), { error: ENVIRONMENTS_RULE }).check(z.minLength(1, { error: ENVIRONMENTS_RULE }), z.maxLength(10, { error: ENVIRONMENTS_RULE }));
const WORKSPACES_RULE = 'workspaces must be a list of 1 to 100 distinct ids (lowercase letters, digits, - and _).';
const workspaces = z
  .array(z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, { error: WORKSPACES_RULE })), { error: WORKSPACES_RULE })
  .check(
    z.minLength(1, { error: WORKSPACES_RULE }),
    z.maxLength(100, { error: WORKSPACES_RULE }),
    z.refine((list) => new Set(list).size === list.length, { error: WORKSPACES_RULE }),
  );
const name = z.pipe(
  line('name', 80),
  z.transform((value: string) => value.replace(/\s+/g, ' ')),
).check(z.refine((value) => value.length >= 2, { error: 'name must be 2 to 80 characters.' }));

const EXAMPLE_ORG = { orgId: 'globex-4f2a', name: 'Globex Corp', plan: 'paid', environments: ['production'], workspaces: ['main'], status: 'active' };
const EXAMPLE_DELETION = { orgId: 'globex-4f2a', deleted: true, phase: 'done', grantsEnded: 2, itemsRemoved: 148, startedAt: '2026-11-26T10:00:00.000Z', finishedAt: '2026-11-26T10:00:04.000Z' };
const NOT_THERE = [400, 403, 404];

export const ADMIN_CONTRACTS = {
  'GET /admin/orgs': contract(() => ({
    summary: 'List the orgs',
    security: 'admin',
    responses: () => ({ 200: { description: 'Every org', schema: z.strictObject({ orgs: z.array(views().Org) }) } }),
    problems: [403],
    example: { status: 200, response: { orgs: [EXAMPLE_ORG] } },
  })),

  'POST /admin/orgs': contract(() => ({
    summary: 'Provision an org',
    description: 'Creates the org, its first admin (emailed a welcome) and its product credentials, which are in this response only (just their hash is stored).',
    security: 'admin',
    body: z.pipe(
      z.strictObject({
        name,
        plan: plan(),
        environments,
        workspaces: meta(z.optional(workspaces), { description: 'Workspace ids (["main"] if absent)' }),
        firstAdminEmail: email('firstAdminEmail'),
        firstAdminName: meta(z.optional(line('firstAdminName', 80)), { description: 'The first admin\'s name (the email\'s local part if absent)' }),
      }),
      z.transform((org): NewOrg => ({ ...org, workspaces: org.workspaces ?? ['main'], firstAdminName: org.firstAdminName || org.firstAdminEmail.split('@')[0]! })),
    ),
    responses: () => ({
      201: {
        description: 'The org, its first admin, and the product credentials (shown once)',
        schema: z.strictObject({
          org: views().Org,
          firstAdmin: z.strictObject({ email: z.string(), name: z.string() }),
          productCredentials: z.strictObject({ clientId: z.string(), clientSecret: z.string() }),
        }),
      },
    }),
    problems: [400, 403, 409],
    example: {
      request: { name: 'Globex Corp', plan: 'paid', environments: ['production'], firstAdminEmail: 'ops@globex.test' },
      status: 201,
      response: { org: EXAMPLE_ORG, firstAdmin: { email: 'ops@globex.test', name: 'ops' }, productCredentials: { clientId: 'pc-globex-4f2a', clientSecret: 's3cr3t…' } },
    },
  })),

  'GET /admin/orgs/{orgId}': contract(() => ({
    summary: 'Read an org',
    security: 'admin',
    params,
    responses: () => ({ 200: { description: 'The org', schema: z.strictObject({ org: views().Org }) } }),
    problems: NOT_THERE,
    example: { status: 200, response: { org: EXAMPLE_ORG } },
  })),

  'PATCH /admin/orgs/{orgId}': contract(() => ({
    summary: "Change an org's plan or environments",
    description: 'A plan or environments that no longer allow access end the active grants (counted in grantsEnded).',
    security: 'admin',
    params,
    body: z.strictObject({ plan: z.optional(plan()), environments: z.optional(environments) }).check(z.refine((b) => b.plan !== undefined || b.environments !== undefined, { error: 'Send plan, environments or both.' })),
    responses: () => ({ 200: { description: 'The org, and how many grants ended', schema: z.strictObject({ org: views().Org, grantsEnded: z.int() }) } }),
    problems: [...NOT_THERE, 409],
    example: { request: { plan: 'trial' }, status: 200, response: { org: { ...EXAMPLE_ORG, plan: 'trial' }, grantsEnded: 1 } },
  })),

  'POST /admin/orgs/{orgId}/suspend': contract(() => ({
    summary: 'Suspend an org',
    description: 'Ends every active grant and session; nobody can grant until it is resumed.',
    security: 'admin',
    params,
    body: z.strictObject({}),
    responses: () => ({ 200: { description: 'The org, and how many grants ended', schema: z.strictObject({ org: views().Org, grantsEnded: z.int() }) } }),
    problems: [...NOT_THERE, 409],
    example: { status: 200, response: { org: { ...EXAMPLE_ORG, status: 'suspended' }, grantsEnded: 2 } },
  })),

  'POST /admin/orgs/{orgId}/resume': contract(() => ({
    summary: 'Resume a suspended org',
    security: 'admin',
    params,
    body: z.strictObject({}),
    responses: () => ({ 200: { description: 'The org', schema: z.strictObject({ org: views().Org }) } }),
    problems: [...NOT_THERE, 409],
    example: { status: 200, response: { org: EXAMPLE_ORG } },
  })),

  'DELETE /admin/orgs/{orgId}': contract(() => ({
    summary: 'Delete an org',
    description: 'Deletes in bounded steps for up to 10 s, then answers 200 when the org is gone, or 202 with the progress and a Location to poll; calling DELETE again goes on from there. The audit trail is exported first.',
    security: 'admin',
    params,
    responses: () => ({
      200: { description: 'Deleted', schema: views().OrgDeletion },
      202: { description: 'Under way: poll the Location, or DELETE again', schema: views().OrgDeletion, headers: { location: '/admin/orgs/{orgId}/deletion' } },
    }),
    problems: NOT_THERE,
    example: { status: 200, response: EXAMPLE_DELETION },
  })),

  'GET /admin/orgs/{orgId}/deletion': contract(() => ({
    summary: "An org's deletion and how far it got",
    security: 'admin',
    params,
    responses: () => ({ 200: { description: 'The deletion', schema: views().OrgDeletion } }),
    problems: NOT_THERE,
    example: { status: 200, response: EXAMPLE_DELETION },
  })),
};
