import { ForbiddenError, ValidationError } from './errors';
import { decimal } from './input';
import { auditActor, inPerson, type Actor } from './actor';
import { loadOrg, type GrantDeps } from './grant-service';
import { LEVELS, type Level, type Org, type OrgSettings, type UserProfile, type Workspaces } from './model';


const POLICIES: OrgSettings['remoteAccessPolicy'][] = ['all_cases', 'approval_needed', 'never'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function hours(raw: unknown, field: string, label: string, min: number, max: number): number {
  if (raw === undefined || raw === '') throw new ValidationError(field, `${label} must be a number of hours.`);
  const value = decimal(raw, field, label);
  if (value < min || value > max) throw new ValidationError(field, `${label} must be between ${min} and ${max} hours.`);
  return value;
}

/** Reads the settings form; every bound (never above the platform cap, approvals 1–3) names its field. */
export function parseSettings(form: Record<string, string | undefined>, org: Org, platform: { maxGrantHours: number; minGrantSeconds: number }): OrgSettings {
  const remoteAccessPolicy = form.remoteAccessPolicy as OrgSettings['remoteAccessPolicy'];
  if (!POLICIES.includes(remoteAccessPolicy)) throw new ValidationError('remoteAccessPolicy', 'Choose a remote-access policy.');
  const maxGrantHours = hours(form.maxGrantHours, 'maxGrantHours', 'The maximum grant', 1, platform.maxGrantHours);
  const defaultGrantHours = hours(form.defaultGrantHours, 'defaultGrantHours', 'The default grant', platform.minGrantSeconds / 3600, maxGrantHours);
  const authorizedContacts = [...new Set((form.authorizedContacts ?? '').split(/[\s,;]+/).map((e) => e.trim().toLowerCase()).filter(Boolean))];
  const bad = authorizedContacts.filter((e) => !EMAIL.test(e) || e.length > 254 || /[\u0000-\u001f\u007f-\u009f]/.test(e));
  if (bad.length) throw new ValidationError('authorizedContacts', `Not an email address: ${bad.slice(0, 5).join(', ').slice(0, 300)}.`);
  if (authorizedContacts.length > 20) throw new ValidationError('authorizedContacts', 'At most 20 authorized contacts.');
  const level = form.supportLevel as Level;
  if (!LEVELS.includes(level)) throw new ValidationError('supportLevel', `The support profile level must be one of ${LEVELS.join(', ')}.`);
  let workspaces: Workspaces = 'all';
  if (form.supportScope === 'workspaces') {
    const list = (form.supportWorkspaces ?? '').split(',').map((w) => w.trim()).filter(Boolean);
    if (!list.length) throw new ValidationError('supportWorkspaces', 'Choose at least one workspace for the support profile.');
    const unknown = list.filter((w) => !org.workspaces.includes(w));
    if (unknown.length) throw new ValidationError('supportWorkspaces', `Unknown workspace: ${unknown.join(', ')}.`);
    workspaces = list;
  }
  const requiredApprovals = /^[123]$/.test(form.requiredApprovals ?? '') ? Number(form.requiredApprovals) : NaN;
  if (!Number.isInteger(requiredApprovals) || requiredApprovals < 1 || requiredApprovals > 3) {
    throw new ValidationError('requiredApprovals', 'Required approvals must be 1, 2 or 3.');
  }
  return {
    remoteAccessPolicy,
    allowNonAdminGrants: form.allowNonAdminGrants === 'on' || form.allowNonAdminGrants === 'true',
    defaultGrantHours,
    maxGrantHours,
    authorizedContacts,
    supportProfile: { level, workspaces },
    requiredApprovals,
  };
}

/** The settings page and its changes are for org admins only. */
export function assertMayManageSettings(user: UserProfile): void {
  if (user.role !== 'admin') throw new ForbiddenError('admins_only', "Only an administrator can see and change the organization's settings.");
}

/** Only the values that changed, as before → after, for the audit trail. */
function diff(before: OrgSettings, after: OrgSettings) {
  const changed = (Object.keys(after) as (keyof OrgSettings)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  return {
    before: Object.fromEntries(changed.map((k) => [k, before[k]])),
    after: Object.fromEntries(changed.map((k) => [k, after[k]])),
  };
}

/** An org admin changes the org's remote-access settings; every change is an audit event. */
export async function updateSettings(deps: GrantDeps, actor: Actor, form: Record<string, string | undefined>): Promise<Org> {
  const admin = inPerson(actor);
  assertMayManageSettings(admin);
  const org = await loadOrg(deps.store, admin.orgId);
  const settings = parseSettings(form, org, deps.limits);
  const { before, after } = diff(org.settings, settings);
  if (!Object.keys(after).length) return org;
  const version = org.version ?? 0;
  const updated: Org = { ...org, settings, version: version + 1 };
  await deps.store.commit({
    orgId: org.orgId,
    writes: [{ kind: 'org', org: updated, expect: { version } }],
    audit: [{ at: deps.clock.now().toISOString(), actor: auditActor(actor), action: 'org.settings_changed', target: { type: 'org', id: org.orgId }, before, after }],
    notices: [],
  });
  return updated;
}
