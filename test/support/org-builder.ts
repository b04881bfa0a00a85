import type { Case, Grant, Org, Session } from '../../shared/domain/model';

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

/** An active user grant of org o1 by a@o.test, from 2026-01-01 00:00 to 10:00 UTC, with overrides. */
export function buildGrant(overrides: Partial<Grant> = {}): Grant {
  const person = { id: 'a@o.test', email: 'a@o.test' };
  return {
    orgId: 'o1',
    grantId: 'g1',
    kind: 'user',
    grantedBy: person,
    actAs: person,
    level: 'manage',
    workspaces: 'all',
    environment: 'production',
    caseIds: [],
    personnel: [],
    status: 'active',
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T10:00:00.000Z',
    ...overrides,
  };
}

/** An open, allowed case of org o1 whose contact is a@o.test, with overrides. */
export function buildCase(overrides: Partial<Case> = {}): Case {
  return {
    orgId: 'o1',
    caseId: 'c1',
    subject: 'Something broke',
    description: '',
    environment: 'production',
    contact: { id: 'a@o.test', email: 'a@o.test' },
    channel: 'portal',
    remoteAccess: 'allowed',
    status: 'open',
    history: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

/** An active "log in as" session of alex on grant g1 of org o1, from 04:55 to 05:10 UTC on 2026-01-01, with overrides. */
export function buildSession(overrides: Partial<Session> = {}): Session {
  return {
    sessionId: 's1',
    orgId: 'o1',
    grantId: 'g1',
    agent: { id: 'alex', email: 'alex@vendor.test' },
    actAs: { id: 'a@o.test', email: 'a@o.test' },
    justification: 'Look',
    scope: ['read'],
    status: 'active',
    startedAt: '2026-01-01T04:55:00.000Z',
    expiresAt: '2026-01-01T05:10:00.000Z',
    version: 1,
    ...overrides,
  };
}
