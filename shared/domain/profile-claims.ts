import { LEVELS, type Level, type Workspaces } from './model';

export interface ProfileClaims {
  level?: Level;
  workspaces?: Workspaces;
}

/**
 * A user's access profile from their ID token, where the stage names the claims (e.g. Cognito
 * `custom:level`, `custom:workspaces`). Values that do not parse are ignored, never widened.
 */
export function profileFromClaims(
  claims: Record<string, unknown>,
  names: { level?: string; workspaces?: string },
): ProfileClaims | undefined {
  const profile: ProfileClaims = {};
  const level = names.level ? claims[names.level] : undefined;
  if (typeof level === 'string' && (LEVELS as readonly string[]).includes(level)) profile.level = level as Level;
  const raw = names.workspaces ? claims[names.workspaces] : undefined;
  if (raw === '*' || raw === 'all') profile.workspaces = 'all';
  else if (Array.isArray(raw)) profile.workspaces = raw.map(String);
  else if (typeof raw === 'string' && raw.trim()) profile.workspaces = raw.split(/[,\s]+/).filter(Boolean);
  return Object.keys(profile).length ? profile : undefined;
}
