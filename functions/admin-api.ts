import { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { numberEnv, optionalEnv, requireEnv } from '../shared/config';
import { clientConfig } from '../shared/adapters/time-budget';
import type { Org } from '../shared/domain/model';
import { loadOrg } from '../shared/domain/grant-service';
import { changeOrg, createOrg, deleteOrg, resumeOrg, suspendOrg, type ProvisioningDeps } from '../shared/domain/org-provisioning';
import { FileAuditArchive } from '../shared/adapters/file-audit-archive';
import { grantDepsFromEnv } from '../shared/adapters/runtime';
import { S3AuditArchive } from '../shared/adapters/s3-audit-archive';
import { httpHandler } from '../shared/http/handler';
import { platformAdminOf } from '../shared/http/platform-admin';
import { json } from '../shared/http/problem';
import { jsonBody, pathParam } from '../shared/http/request';
import { dispatch } from '../shared/http/routes';

/** The archive bucket in AWS (`AUDIT_ARCHIVE_BUCKET`), a folder locally (`AUDIT_ARCHIVE_DIR`). */
const bucket = optionalEnv('AUDIT_ARCHIVE_BUCKET');
const deps: ProvisioningDeps = {
  ...grantDepsFromEnv(),
  archive: bucket ? new S3AuditArchive(new S3Client(clientConfig('s3')), bucket) : new FileAuditArchive(requireEnv('AUDIT_ARCHIVE_DIR')),
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

const orgId = (event: APIGatewayProxyEventV2) => pathParam(event, 'orgId');

const routes = dispatch<'admin-api'>({
  'GET /admin/orgs': async () => json(200, { orgs: (await deps.store.listOrgs()).map(orgView) }),

  /** The product credentials are in this response only; just their hash is stored. */
  'POST /admin/orgs': async (event) => {
    const created = await createOrg(deps, platformAdminOf(event), jsonBody(event));
    return json(201, { org: orgView(created.org), firstAdmin: { email: created.firstAdmin.email, name: created.firstAdmin.name }, productCredentials: created.productCredentials });
  },

  'GET /admin/orgs/{orgId}': async (event) => json(200, { org: orgView(await loadOrg(deps.store, orgId(event))) }),

  'PATCH /admin/orgs/{orgId}': async (event) => {
    const { org, grantsEnded } = await changeOrg(deps, platformAdminOf(event), orgId(event), jsonBody(event));
    return json(200, { org: orgView(org), grantsEnded });
  },

  'POST /admin/orgs/{orgId}/suspend': async (event) => {
    const { org, grantsEnded } = await suspendOrg(deps, platformAdminOf(event), orgId(event));
    return json(200, { org: orgView(org), grantsEnded });
  },

  'POST /admin/orgs/{orgId}/resume': async (event) => {
    const { org } = await resumeOrg(deps, platformAdminOf(event), orgId(event));
    return json(200, { org: orgView(org) });
  },

  'DELETE /admin/orgs/{orgId}': async (event) => json(200, { deleted: true, ...(await deleteOrg(deps, platformAdminOf(event), orgId(event))) }),
});

export const handler = httpHandler(routes);
