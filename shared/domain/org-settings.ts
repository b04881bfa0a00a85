import { FieldErrors, ForbiddenError, ValidationError } from './errors';
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

/**
 * Reads the settings form; every bound (never above the platform cap, approvals 1–3) names its
 * field, and every invalid field is reported at once. Removing every authorized contact must be
 * confirmed (`confirmNoContacts=yes`): nobody but the case contact would then hear of requests.
 */
export function parseSettings(form: Record<string, string | undefined>, org: Org, platform: { maxGrantHours: number; minGrantSeconds: number }): OrgSettings {
  const errors = new FieldErrors();
  const remoteAccessPolicy = errors.check(() => {
    const policy = form.remoteAccessPolicy as OrgSettings['remoteAccessPolicy'];
    if (!POLICIES.includes(policy)) throw new ValidationError('remoteAccessPolicy', 'Choose a remote-access policy.');
    return policy;
  });
  const maxGrantHours = errors.check(() => hours(form.maxGrantHours, 'maxGrantHours', 'The maximum grant', 1, platform.maxGrantHours));
  const defaultGrantHours = errors.check(() => hours(form.defaultGrantHours, 'defaultGrantHours', 'The default grant', platform.minGrantSeconds / 3600, maxGrantHours ?? platform.maxGrantHours));
  const authorizedContacts = errors.check(() => {
    const list = [...new Set((form.authorizedContacts ?? '').split(/[\s,;]+/).map((e) => e.trim().toLowerCase()).filter(Boolean))];
    const bad = list.filter((e) => !EMAIL.test(e) || e.length > 254 || /[\u0000-\u001f\u007f-\u009f]/.test(e));
    if (bad.length) throw new ValidationError('authorizedContacts', `Not an email address: ${bad.slice(0, 5).join(', ').slice(0, 300)}.`);
    if (list.length > 20) throw new ValidationError('authorizedContacts', 'At most 20 authorized contacts.');
    if (!list.length && org.settings.authorizedContacts.length && form.confirmNoContacts !== 'yes') {
      throw new ValidationError('authorizedContacts', 'This removes every authorized contact: only the case contact would hear of support\'s requests. Tick "Yes, remove them all" to confirm.', 'confirm_no_contacts');
    }
    return list;
  });
  const level = errors.check(() => {
    const l = form.supportLevel as Level;
    if (!LEVELS.includes(l)) throw new ValidationError('supportLevel', `The support profile level must be one of ${LEVELS.join(', ')}.`);
    return l;
  });
  const workspaces = errors.check((): Workspaces => {
    if (form.supportScope !== 'workspaces') return 'all';
    const list = (form.supportWorkspaces ?? '').split(',').map((w) => w.trim()).filter(Boolean);
    if (!list.length) throw new ValidationError('supportWorkspaces', 'Choose at least one workspace for the support profile.');
    const unknown = list.filter((w) => !org.workspaces.includes(w));
    if (unknown.length) throw new ValidationError('supportWorkspaces', `Unknown workspace: ${unknown.join(', ')}.`);
    return list;
  });
  const requiredApprovals = errors.check(() => {
    const n = /^[123]$/.test(form.requiredApprovals ?? '') ? Number(form.requiredApprovals) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 3) throw new ValidationError('requiredApprovals', 'Required approvals must be 1, 2 or 3.');
    return n;
  });
  errors.throwIfAny();
  return {
    remoteAccessPolicy: remoteAccessPolicy!,
    allowNonAdminGrants: form.allowNonAdminGrants === 'on' || form.allowNonAdminGrants === 'true',
    defaultGrantHours: defaultGrantHours!,
    maxGrantHours: maxGrantHours!,
    authorizedContacts: authorizedContacts!,
    supportProfile: { level: level!, workspaces: workspaces! },
    requiredApprovals: requiredApprovals!,
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
