import { auditActor, inPerson, portalActor, type Actor } from './actor';
import type { Clock } from './clock';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from './errors';
import { email as parseEmail } from './input';
import type { Org, PortalSession, UserProfile } from './model';
import type { Store, Write } from '../ports/store';

/** Sign-ins last 8 hours at most and end after 30 idle minutes; "seen" is recorded at most every 5. */
export const PORTAL_SESSION_LIMITS = { absoluteSeconds: 8 * 3600, idleSeconds: 30 * 60, touchEverySeconds: 5 * 60 } as const;

/** Sign-outs are written in chunks well under DynamoDB's 100 items per transaction. */
const SIGN_OUT_CHUNK = 25;

export type PortalSessionDeps = { store: Store; clock: Clock; ids: () => string };

const ended = (s: PortalSession, at: string): Write => ({ kind: 'portalSession', portalSession: { ...s, status: 'ended', endedAt: at, version: s.version + 1 }, expect: { version: s.version } });

/** Why a stored sign-in no longer opens the portal at `now`, or undefined. */
export function portalSessionEnd(s: PortalSession, now: Date): 'signed_out' | 'expired' | 'idle' | undefined {
  if (s.status !== 'active') return 'signed_out';
  if (now.getTime() >= Date.parse(s.expiresAt)) return 'expired';
  if (now.getTime() >= Date.parse(s.lastSeenAt) + PORTAL_SESSION_LIMITS.idleSeconds * 1000) return 'idle';
  return undefined;
}

/** A completed OIDC sign-in becomes a stored session (audited: `user.signed_in`, as whoever it really is). */
export async function startPortalSession(deps: PortalSessionDeps, user: UserProfile, sid: string, extra: { actingAgent?: string; profile?: PortalSession['profile'] }): Promise<PortalSession> {
  const now = deps.clock.now();
  const session: PortalSession = {
    sid,
    email: user.email,
    orgId: user.orgId,
    ...(extra.actingAgent ? { actingAgent: extra.actingAgent } : {}),
    ...(extra.profile && Object.keys(extra.profile).length ? { profile: extra.profile } : {}),
    status: 'active',
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + PORTAL_SESSION_LIMITS.absoluteSeconds * 1000).toISOString(),
    version: 1,
  };
  await deps.store.commit({
    orgId: user.orgId,
    writes: [{ kind: 'portalSession', portalSession: session, expect: 'new' }],
    audit: [{ at: session.createdAt, actor: auditActor(portalActor(user, extra.actingAgent)), action: 'user.signed_in', target: { type: 'user', id: user.email }, after: { expiresAt: session.expiresAt } }],
    notices: [],
  });
  return session;
}

/**
 * The signed-in user behind a cookie, read with their sign-in in one round trip: refused once
 * signed out (here or everywhere), past 8 hours, idle for 30 minutes, or when the user is no
 * longer set up in that org. Being seen is recorded at most every 5 minutes.
 */
export async function resumePortalSession(deps: PortalSessionDeps, email: string, sid: string, orgId?: string): Promise<{ user: UserProfile; session: PortalSession; org?: Org }> {
  const { user, session, org } = await deps.store.getUserAndPortalSession(email, sid, orgId);
  const now = deps.clock.now();
  if (!session || portalSessionEnd(session, now)) throw new UnauthenticatedError('Your session has ended. Sign in again.');
  if (!user || user.orgId !== session.orgId) throw new ForbiddenError('no_profile', `${email} is not set up for Support Access.`);
  if (now.getTime() - Date.parse(session.lastSeenAt) >= PORTAL_SESSION_LIMITS.touchEverySeconds * 1000) {
    await deps.store.touchPortalSession(email, sid, now.toISOString());
  }
  // The org read with them is the user's own, or none at all.
  return { user, session, ...(org?.orgId === user.orgId ? { org } : {}) };
}

/** Signs this session out (always allowed, also to a "log in as" session); audited `user.signed_out`. */
export async function endPortalSession(deps: PortalSessionDeps, actor: Actor, session: PortalSession): Promise<void> {
  const at = deps.clock.now().toISOString();
  await deps.store.commit({
    orgId: session.orgId,
    writes: [ended(session, at)],
    audit: [{ at, actor: auditActor(actor), action: 'user.signed_out', target: { type: 'user', id: session.email } }],
    notices: [],
  });
}

/**
 * Ends every sign-in of `email`: the user themselves, or an admin of their org for them. A change
 * of who can get in, so only in person. Returns how many ended.
 */
export async function signOutEverywhere(deps: PortalSessionDeps, actor: Actor, email: string | undefined): Promise<number> {
  const me = inPerson(actor);
  const target = parseEmail(email, 'email', 'The email of the user to sign out', false) || me.email;
  if (target !== me.email) {
    if (me.role !== 'admin') throw new ForbiddenError('admins_only', 'Only an administrator can sign another user out.');
    const user = await deps.store.getUser(target);
    if (!user || user.orgId !== me.orgId) throw new NotFoundError('user', target);
  }
  const now = deps.clock.now();
  const live = (await deps.store.listPortalSessions(target)).filter((s) => !portalSessionEnd(s, now));
  const at = now.toISOString();
  for (let i = 0; i < Math.max(live.length, 1); i += SIGN_OUT_CHUNK) {
    const chunk = live.slice(i, i + SIGN_OUT_CHUNK);
    await deps.store.commit({
      orgId: me.orgId,
      writes: chunk.map((s) => ended(s, at)),
      audit: i === 0 ? [{ at, actor: auditActor(actor), action: 'user.signed_out_everywhere', target: { type: 'user', id: target }, after: { sessionsEnded: live.length } }] : [],
      notices: [],
    });
  }
  return live.length;
}
