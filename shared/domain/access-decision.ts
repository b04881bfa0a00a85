import { covers, isActive, levelRank, mayAgentUse } from './grant-rules';
import { type Environment, type Grant, type Level, type Person } from './model';

export interface AccessQuery {
  level: Level;
  /** Undefined: an account-wide action, which needs a whole-account grant. */
  workspace?: string;
  environment: Environment;
}

export type AccessDecision =
  | { allowed: true; grantId: string; kind: Grant['kind']; level: Level; expiresAt: string; actAs: Person }
  | { allowed: false; reason: string; message: string };

/**
 * Decides from the set of active grants alone, so overlapping grants never cancel each other:
 * allowed exactly when some active grant this agent may use covers the action; the grant that
 * lasts longest answers. When none does, the reason names the nearest miss.
 */
export function decideAccess(grants: Grant[], agent: Person, query: AccessQuery, now: Date): AccessDecision {
  const usable = grants.filter((g) => isActive(g, now) && mayAgentUse(g, agent));
  const covering = usable.filter((g) => covers(g, query.level, query.workspace, query.environment));
  if (covering.length) {
    const best = covering.reduce((a, b) => (Date.parse(b.expiresAt) > Date.parse(a.expiresAt) ? b : a));
    return { allowed: true, grantId: best.grantId, kind: best.kind, level: best.level, expiresAt: best.expiresAt, actAs: best.actAs };
  }
  if (!usable.length) {
    return { allowed: false, reason: 'no_active_grant', message: 'No active grant gives you access to this organization now; ask the customer to grant login access.' };
  }
  const inEnvironment = usable.filter((g) => g.environment === query.environment);
  if (!inEnvironment.length) {
    return { allowed: false, reason: 'environment_not_granted', message: `No active grant covers the ${query.environment} environment.` };
  }
  const inWorkspace = inEnvironment.filter((g) => g.workspaces === 'all' || (query.workspace !== undefined && g.workspaces.includes(query.workspace)));
  if (!inWorkspace.length) {
    return {
      allowed: false,
      reason: 'workspace_not_granted',
      message: query.workspace ? `No active grant covers workspace ${query.workspace}.` : 'No active grant covers the whole account.',
    };
  }
  const highest = inWorkspace.reduce((a, b) => (levelRank(b.level) > levelRank(a.level) ? b : a));
  return { allowed: false, reason: 'level_not_granted', message: `Active grants here allow at most ${highest.level}, not ${query.level}.` };
}
