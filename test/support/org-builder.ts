import type { Org } from '../../shared/domain/model';

/** An org with the platform's default settings, for tests to vary (no I/O: unit tests use it too). */
export function buildOrg(orgId: string, overrides: Partial<Org> = {}, settings: Partial<Org['settings']> = {}): Org {
  return {
    orgId,
    name: `Org ${orgId}`,
    plan: 'paid',
    environments: ['production'],
    workspaces: ['finance', 'sales', 'support'],
    status: 'active',
    ...overrides,
    settings: {
      remoteAccessPolicy: 'approval_needed',
      allowNonAdminGrants: false,
      defaultGrantHours: 120,
      maxGrantHours: 336,
      authorizedContacts: [],
      supportProfile: { level: 'monitor', workspaces: 'all' },
      requiredApprovals: 1,
      ...settings,
    },
  };
}
