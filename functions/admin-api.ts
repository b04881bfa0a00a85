import { numberEnv } from '../shared/config';
import { auditArchiveFromEnv } from '../shared/adapters/audit-archive-env';
import type { Org, OrgDeletion } from '../shared/domain/model';
import { loadOrg } from '../shared/domain/grant-service';
import { changeOrg, createOrg, deleteOrg, DELETION_STEP_MS, deletionOf, resumeOrg, suspendOrg, type ProvisioningDeps } from '../shared/domain/org-provisioning';
import { grantDepsFromEnv } from '../shared/adapters/grant-runtime';
import { ADMIN_CONTRACTS } from '../shared/contracts/admin-api';
import { contractRoutes } from '../shared/http/contract-request';
import { httpHandler } from '../shared/http/handler';
import { platformAdminOf } from '../shared/http/platform-admin';
import { json } from '../shared/http/problem';
import { dispatch } from '../shared/http/routes';

const deps: ProvisioningDeps = {
  ...grantDepsFromEnv(),
  archive: auditArchiveFromEnv(),
  orgDefaults: { defaultGrantHours: numberEnv('DEFAULT_GRANT_HOURS'), maxGrantHours: numberEnv('DEFAULT_MAX_GRANT_HOURS') },
};

/** What a platform admin sees of an org (not its customers' data). */
const orgView = (o: Org) => ({
  orgId: o.orgId,
  name: o.name,
  plan: o.plan,
  environments: o.environments,
  workspaces: o.workspaces,
  status: o.status,
});

const deletionView = (job: OrgDeletion) => ({
  orgId: job.orgId,
  deleted: job.phase === 'done',
  phase: job.phase,
  grantsEnded: job.grantsEnded,
  itemsRemoved: job.itemsRemoved,
  ...(job.auditExport ? { auditExport: job.auditExport } : {}),
  startedAt: job.startedAt,
  ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
});

/** Every route: the IAM principal API Gateway verified, then the request checked against its contract. */
const routes = contractRoutes<'admin-api', ReturnType<typeof platformAdminOf>>(ADMIN_CONTRACTS, platformAdminOf, {
  'GET /admin/orgs': async () => json(200, { orgs: (await deps.store.listOrgs()).map(orgView) }),

  /** The product credentials are in this response only; just their hash is stored. */
  'POST /admin/orgs': async ({ principal, body }) => {
    const created = await createOrg(deps, principal, body);
    return json(201, { org: orgView(created.org), firstAdmin: { email: created.firstAdmin.email, name: created.firstAdmin.name }, productCredentials: created.productCredentials });
  },

  'GET /admin/orgs/{orgId}': async ({ params }) => json(200, { org: orgView(await loadOrg(deps.store, params.orgId)) }),

  'PATCH /admin/orgs/{orgId}': async ({ principal, params, body }) => {
    const { org, grantsEnded } = await changeOrg(deps, principal, params.orgId, body);
    return json(200, { org: orgView(org), grantsEnded });
  },

  'POST /admin/orgs/{orgId}/suspend': async ({ principal, params }) => {
    const { org, grantsEnded } = await suspendOrg(deps, principal, params.orgId);
    return json(200, { org: orgView(org), grantsEnded });
  },

  'POST /admin/orgs/{orgId}/resume': async ({ principal, params }) => {
    const { org } = await resumeOrg(deps, principal, params.orgId);
    return json(200, { org: orgView(org) });
  },

  /**
   * Deletes in bounded steps for up to 10 s, then answers: 200 when the org is gone, or 202 with
   * the progress and the status resource to poll; calling DELETE again goes on from there.
   */
  'DELETE /admin/orgs/{orgId}': async ({ principal, params }) => {
    const job = await deleteOrg(deps, principal, params.orgId, Date.now() + DELETION_STEP_MS);
    const status = `/admin/orgs/${job.orgId}/deletion`;
    return json(job.phase === 'done' ? 200 : 202, deletionView(job), job.phase === 'done' ? {} : { location: status });
  },

  'GET /admin/orgs/{orgId}/deletion': async ({ params }) => json(200, deletionView(await deletionOf(deps, params.orgId))),
});

export const handler = httpHandler(dispatch<'admin-api'>(routes));
