import { decimal } from './input';
import { ForbiddenError, GrantInactiveError, ValidationError } from './errors';
import type {
  Environment,
  Grant,
  Level,
  Org,
  Person,
  PlatformLimits,
  UserProfile,
  Workspaces,
} from './model';
import { ENVIRONMENTS, LEVELS } from './model';

/** Pure rules about grants. Every function here is total and side-effect free. */

/** A grant is active exactly while its status says so and its expiry has not come. */
export function isActive(grant: Grant, now: Date): boolean {
  return grant.status === 'active' && now.getTime() < Date.parse(grant.expiresAt);
}

/** Why a grant gives no access now (`expired`, `revoked`, ...), or undefined when it does. */
export function inactiveReason(grant: Grant, now: Date): string | undefined {
  if (grant.status !== 'active') return grant.status;
  return isActive(grant, now) ? undefined : 'expired';
}

export function assertActive(grant: Grant, now: Date): void {
  const reason = inactiveReason(grant, now);
  if (reason) throw new GrantInactiveError(grant.grantId, reason, grant.endReason);
}

/** The longest grant this org allows: its own maximum, never above the platform cap. */
export function maxGrantHours(org: Org, limits: PlatformLimits): number {
  return Math.min(org.settings.maxGrantHours, limits.maxGrantHours);
}

/**
 * Parses the requested duration (hours, as typed in a form or sent as JSON) into seconds.
 * Required, a number, at least the stage minimum (one hour outside tests), at most the cap.
 */
export function parseDurationHours(
  raw: unknown,
  org: Org,
  limits: PlatformLimits,
): number {
  const field = 'durationHours';
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    throw new ValidationError(field, 'Duration is required: how many hours support may have access.');
  }
  const hours = decimal(raw, field, 'Duration (hours)');
  const seconds = Math.round(hours * 3600);
  if (seconds < limits.minGrantSeconds) {
    throw new ValidationError(field, `Duration must be at least ${formatSeconds(limits.minGrantSeconds)}.`);
  }
  const max = maxGrantHours(org, limits);
  if (hours > max) {
    throw new ValidationError(field, `Duration must be at most ${max} hours (this organization's limit).`);
  }
  // Where the shortest grant is a whole hour, so is every grant (a test stage allows seconds).
  if (limits.minGrantSeconds % 3600 === 0 && !Number.isInteger(hours)) {
    throw new ValidationError(field, 'Duration must be whole hours.');
  }
  return seconds;
}

function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

export const levelRank = (level: Level): number => LEVELS.indexOf(level);

export function parseLevel(raw: unknown, granter: UserProfile): Level {
  const level = (raw === undefined || raw === '' ? granter.level : raw) as Level;
  if (!LEVELS.includes(level)) {
    throw new ValidationError('level', `Level must be one of ${LEVELS.join(', ')}.`);
  }
  if (levelRank(level) > levelRank(granter.level)) {
    throw new ForbiddenError(
      'level_above_granter',
      `You can grant at most your own level (${granter.level}); "${level}" is above it.`,
    );
  }
  return level;
}

/** Sandbox is allowed only for an org with exactly one production and one sandbox (Celigo). */
export function allowedEnvironments(org: Org): Environment[] {
  const count = (e: Environment) => org.environments.filter((x) => x === e).length;
  const pair = org.environments.length === 2 && count('production') === 1 && count('sandbox') === 1;
  return pair ? ['production', 'sandbox'] : org.environments.includes('production') ? ['production'] : [];
}

export function parseEnvironment(raw: unknown, org: Org): Environment {
  const env = (raw === undefined || raw === '' ? 'production' : raw) as Environment;
  if (!ENVIRONMENTS.includes(env)) {
    throw new ValidationError('environment', `Environment must be one of ${ENVIRONMENTS.join(', ')}.`);
  }
  if (!allowedEnvironments(org).includes(env)) {
    throw new ForbiddenError(
      'environment_not_allowed',
      env === 'sandbox'
        ? 'Sandbox access is only possible for accounts with exactly one production and one sandbox environment.'
        : 'This organization has no production environment support can access.',
    );
  }
  return env;
}

/** Plans that may use support access at all (Celigo: not for free or trial accounts). */
export function assertPlanAllowsAccess(org: Org): void {
  if (org.plan !== 'paid') {
    throw new ForbiddenError(
      'plan_not_eligible',
      `Support login access is not available on the ${org.plan} plan.`,
    );
  }
  if (org.status !== 'active') {
    throw new ForbiddenError('org_suspended', 'This organization is suspended; no access can be granted.');
  }
}

export function assertMayGrant(org: Org, granter: UserProfile): void {
  assertPlanAllowsAccess(org);
  if (granter.role !== 'admin' && !org.settings.allowNonAdminGrants) {
    throw new ForbiddenError(
      'non_admin_grants_disabled',
      'Only an administrator can grant login access in this organization (or enable grants by non-admins).',
    );
  }
}

/** The granter or any admin of the grant's org may revoke or extend it. */
export function assertMayManage(grant: Grant, user: UserProfile): void {
  if (user.role === 'admin' || grant.grantedBy.email === user.email) return;
  throw new ForbiddenError('not_granter', 'Only the person who granted this access or an administrator can change it.');
}

/** An agent may use a user grant with no linked case, or any grant naming them as personnel. */
export function mayAgentUse(grant: Grant, agent: Person): boolean {
  if (grant.kind === 'user' && grant.caseIds.length === 0) return true;
  return grant.personnel.some((p) => p.email === agent.email);
}

/** A grant's expiry: whole seconds, so schedules (second granularity) never fire early. */
export function expiryFrom(now: Date, seconds: number): Date {
  return new Date(Math.ceil((now.getTime() + seconds * 1000) / 1000) * 1000);
}

/** The workspaces a user may hand on: all of the org's, or their own list. */
export function grantableWorkspaces(org: Org, granter: UserProfile): string[] {
  return granter.workspaces === 'all' ? org.workspaces : granter.workspaces.filter((w) => org.workspaces.includes(w));
}

/**
 * The grant's scope: the whole account (`all`) only for a granter who has the whole account,
 * otherwise a non-empty list of known workspaces the granter has (Celigo: a non-admin's grant
 * is bounded by their own access).
 */
export function parseWorkspaces(scope: unknown, workspaces: unknown, org: Org, granter: UserProfile): Workspaces {
  const whole = scope === undefined || scope === '' || scope === 'all';
  if (whole) {
    if (granter.workspaces !== 'all') {
      throw new ForbiddenError(
        'scope_above_granter',
        'You can only grant access to the workspaces you have yourself; choose workspaces instead of the whole account.',
      );
    }
    return 'all';
  }
  if (scope !== 'workspaces') throw new ValidationError('scope', 'Scope must be "all" (whole account) or "workspaces".');
  const list = [...new Set((Array.isArray(workspaces) ? workspaces : String(workspaces ?? '').split(',')).map((w) => String(w).trim()).filter(Boolean))];
  if (list.length === 0) throw new ValidationError('workspaces', 'Choose at least one workspace.');
  const unknown = list.filter((w) => !org.workspaces.includes(w));
  if (unknown.length) throw new ValidationError('workspaces', `Unknown workspace: ${unknown.join(', ')}.`, 'unknown_workspace');
  const mine = grantableWorkspaces(org, granter);
  const foreign = list.filter((w) => !mine.includes(w));
  if (foreign.length) {
    throw new ForbiddenError('workspace_above_granter', `You do not have access to workspace ${foreign.join(', ')}, so you cannot grant it.`);
  }
  return list.sort();
}

export interface GrantRequest {
  durationHours?: unknown;
  level?: unknown;
  environment?: unknown;
  scope?: unknown;
  workspaces?: unknown;
}

export interface ValidGrantRequest {
  seconds: number;
  level: Level;
  workspaces: Workspaces;
  environment: Environment;
}

/** Every rule a new user grant must satisfy, checked in the order a person would fix them. */
export function validateGrantRequest(
  org: Org,
  granter: UserProfile,
  input: GrantRequest,
  limits: PlatformLimits,
): ValidGrantRequest {
  assertMayGrant(org, granter);
  return {
    seconds: parseDurationHours(input.durationHours, org, limits),
    level: parseLevel(input.level, granter),
    workspaces: parseWorkspaces(input.scope, input.workspaces, org, granter),
    environment: parseEnvironment(input.environment, org),
  };
}

/** Whether a grant covers an action at `level` in `workspace` (undefined: account-wide) and `environment`. */
export function covers(grant: Grant, level: Level, workspace: string | undefined, environment: Environment): boolean {
  return (
    levelRank(grant.level) >= levelRank(level) &&
    grant.environment === environment &&
    (grant.workspaces === 'all' || (workspace !== undefined && grant.workspaces.includes(workspace)))
  );
}

/** Extending: the new end is counted from now and may not pass the cap counted from now. */
export function extendedExpiry(grant: Grant, rawHours: unknown, org: Org, limits: PlatformLimits, now: Date): Date {
  assertActive(grant, now);
  const seconds = parseDurationHours(rawHours, org, limits);
  return expiryFrom(now, seconds);
}
