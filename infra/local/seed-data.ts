import type { Org, UserProfile } from '../../shared/domain/model';
import type { StageConfig } from '../config/stage-config';

/** Demo data for `npm start`: who exists locally. Every demo account's password is "demo". */
export interface DemoAgent {
  email: string;
  name: string;
}

export function demoOrgs(stage: StageConfig): Org[] {
  const settings = (contacts: string[]): Org['settings'] => ({
    remoteAccessPolicy: 'approval_needed',
    allowNonAdminGrants: true,
    defaultGrantHours: stage.defaultGrantHours,
    maxGrantHours: stage.defaultMaxGrantHours,
    authorizedContacts: contacts,
    supportProfile: { level: 'monitor', workspaces: 'all' },
    requiredApprovals: 1,
  });
  return [
    {
      orgId: 'acme',
      name: 'Acme Inc',
      plan: 'paid',
      environments: ['production', 'sandbox'],
      workspaces: ['finance', 'sales', 'support'],
      status: 'active',
      settings: settings(['security@acme.test']),
    },
    {
      orgId: 'freebird',
      name: 'Freebird (free plan)',
      plan: 'free',
      environments: ['production'],
      workspaces: ['main'],
      status: 'active',
      settings: settings([]),
    },
  ];
}

export const DEMO_USERS: UserProfile[] = [
  { email: 'admin@acme.test', orgId: 'acme', name: 'Ada Admin', role: 'admin', level: 'admin', workspaces: 'all' },
  { email: 'user@acme.test', orgId: 'acme', name: 'Uma User', role: 'user', level: 'manage', workspaces: ['sales', 'support'] },
  { email: 'admin@freebird.test', orgId: 'freebird', name: 'Fred Free', role: 'admin', level: 'admin', workspaces: 'all' },
];

export const DEMO_AGENTS: DemoAgent[] = [
  { email: 'alex@vendor.test', name: 'Alex Agent' },
  { email: 'bea@vendor.test', name: 'Bea Agent' },
];

/** The demo org's product credentials, for trying introspection and activity with curl (local only). */
export const DEMO_PRODUCT_CLIENTS = [{ orgId: 'acme', clientId: 'acme.product.demo', secret: 'demo-product-secret-acme' }];
