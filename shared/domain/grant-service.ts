import type { AuditEntry } from './audit';
import type { Clock } from './clock';
import { ConcurrentChangeError, NotFoundError } from './errors';
import {
  assertActive,
  assertMayManage,
  expiryFrom,
  extendedExpiry,
  isActive,
  validateGrantRequest,
  type GrantRequest,
} from './grant-rules';
import { auditActor, inPerson, system, type Actor } from './actor';
import type { EndReason, Grant, Org, PlatformLimits, Session, UserProfile } from './model';
import type { Notice } from './notices';
import type { IdFactory } from '../ports/ids';
import type { Scheduler } from '../ports/scheduler';
import { grantScheduleName, warningScheduleName } from '../ports/scheduler';
import type { Change, Store, Write } from '../ports/store';
import { grantUpdate, redoOnConflict, sessionUpdate } from './versions';

/** What grant operations need; handlers wire real adapters, tests wire what they like. */
export interface GrantDeps {
  store: Store;
  scheduler: Scheduler;
  clock: Clock;
  ids: IdFactory;
  limits: PlatformLimits;
  log?: { error(message: string, detail: Record<string, unknown>): void };
}

export type { GrantRequest };

export async function loadOrg(store: Store, orgId: string): Promise<Org> {
  const org = await store.getOrg(orgId);
  if (!org) throw new NotFoundError('org', orgId);
  return org;
}

/**
 * Reads issued together — one round trip — whose failures are thrown in the order given, so which
 * refusal a caller gets never depends on which read answered first.
 */
export async function together<T extends readonly unknown[]>(reads: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(reads);
  return settled.map((read) => {
    if (read.status === 'rejected') throw read.reason;
    return read.value;
  }) as unknown as T;
}

export async function loadGrant(store: Store, orgId: string, grantId: string): Promise<Grant> {
  const grant = await store.getGrant(orgId, grantId);
  if (!grant) throw new NotFoundError('grant', grantId);
  return grant;
}

const person = (u: UserProfile) => ({ id: u.email, email: u.email, name: u.name });

/**
 * Who hears about a grant: the org's authorized contacts, and the user support acts as (a user
 * grant) or the contact of the case that allowed it (a case grant).
 */
export function grantRecipients(org: Org, grant: Grant): string[] {
  const person = grant.kind === 'user' ? grant.actAs.email : grant.grantedBy.email;
  return [...new Set([person, ...org.settings.authorizedContacts].map((e) => e.toLowerCase()))];
}

export function grantNotice(
  deps: GrantDeps,
  org: Org,
  grant: Grant,
  template: Notice['template'],
  data: Record<string, string>,
): Notice {
  return {
    noticeId: deps.ids(),
    orgId: org.orgId,
    template,
    to: grantRecipients(org, grant),
    createdAt: deps.clock.now().toISOString(),
    data: {
      orgName: org.name,
      orgId: org.orgId,
      grantId: grant.grantId,
      grantedBy: grant.grantedBy.name ?? grant.grantedBy.email,
      actAs: grant.kind === 'user' ? grant.actAs.email : (grant.actAs.name ?? grant.actAs.email),
      level: grant.level,
      scope: grant.workspaces === 'all' ? 'the whole account' : `workspaces ${grant.workspaces.join(', ')}`,
      environment: grant.environment,
      expiresAt: grant.expiresAt,
      grantKind: grant.kind,
      ...data,
    },
  };
}

/** Schedules are a second layer only: a failure is logged, reads and the sweep still end access. */
export async function bestEffort(deps: GrantDeps, what: string, grant: { grantId?: string; requestId?: string }, op: () => Promise<void>) {
  try {
    await op();
  } catch (error) {
    deps.log?.error(`schedule ${what} failed`, { ...grant, error: String(error) });
  }
}

/** A signed-in customer user grants support login access as themselves (Salesforce, Celigo). */
export async function createUserGrant(deps: GrantDeps, actor: Actor, input: GrantRequest): Promise<Grant> {
  const granter = inPerson(actor);
  const read = await deps.store.readTogether({ org: granter.orgId, auditHead: granter.orgId });
  const org = found(read.org, 'org', granter.orgId);
  const auditHead = read.auditHead;
  const { seconds, level, workspaces, environment } = validateGrantRequest(org, granter, input, deps.limits);
  const now = deps.clock.now();
  const grant: Grant = {
    orgId: org.orgId,
    grantId: deps.ids(),
    kind: 'user',
    grantedBy: person(granter),
    actAs: person(granter),
    level,
    workspaces,
    environment,
    caseIds: [],
    personnel: [],
    status: 'active',
    createdAt: now.toISOString(),
    expiresAt: expiryFrom(now, seconds).toISOString(),
    version: 1,
  };
  await deps.store.commit({
    orgId: org.orgId,
    auditHead,
    writes: [{ kind: 'grant', grant, expect: 'new' }],
    audit: [
      {
        at: grant.createdAt,
        actor: auditActor(actor),
        action: 'grant.created',
        target: { type: 'grant', id: grant.grantId },
        after: { level, environment, expiresAt: grant.expiresAt, workspaces: grant.workspaces },
      },
    ],
    notices: [grantNotice(deps, org, grant, 'grant-created', {})],
  });
  await scheduleExpiry(deps, grant);
  return grant;
}

/** A day: grants longer than this get an "ends in 24 hours" notice. */
export const WARNING_MS = 24 * 3_600_000;

/**
 * The grant's one-time schedules: its end, and for a grant with more than a day left, the
 * "ends in 24 hours" notice. Moving the expiry (extend) moves both.
 */
export async function scheduleExpiry(deps: GrantDeps, grant: Grant): Promise<void> {
  const target = { orgId: grant.orgId, id: grant.grantId };
  await bestEffort(deps, 'at expiry', { grantId: grant.grantId }, () => deps.scheduler.scheduleAt(grantScheduleName(grant.grantId), new Date(grant.expiresAt), { type: 'grant', ...target }));
  const warnAt = Date.parse(grant.expiresAt) - WARNING_MS;
  if (warnAt > deps.clock.now().getTime()) {
    await bestEffort(deps, 'warning', { grantId: grant.grantId }, () => deps.scheduler.scheduleAt(warningScheduleName(grant.grantId), new Date(warnAt), { type: 'warning', ...target }));
  }
}

/** Deletes a grant's schedules once it has ended some other way. */
export async function cancelSchedules(deps: GrantDeps, grantId: string): Promise<void> {
  for (const name of [grantScheduleName(grantId), warningScheduleName(grantId)]) {
    await bestEffort(deps, 'cancel', { grantId }, () => deps.scheduler.cancel(name));
  }
}

/**
 * The "ends in 24 hours" notice, sent once per expiry: skipped when the grant ended, or was
 * extended so its end is further away (the extension scheduled a new warning).
 */
export async function warnGrant(deps: GrantDeps, orgId: string, grantId: string): Promise<'warned' | 'moved' | 'already_warned' | 'already_ended' | 'missing'> {
  const grant = await deps.store.getGrant(orgId, grantId);
  if (!grant) return 'missing';
  const now = deps.clock.now();
  if (!isActive(grant, now)) return 'already_ended';
  if (grant.warnedFor === grant.expiresAt) return 'already_warned';
  // A minute of slack: Scheduler fires at the second, give or take.
  if (Date.parse(grant.expiresAt) - now.getTime() > WARNING_MS + 60_000) return 'moved';
  const org = await loadOrg(deps.store, orgId);
  try {
    await deps.store.commit({
      orgId,
      writes: [grantUpdate(grant, { ...grant, warnedFor: grant.expiresAt })],
      audit: [{ at: now.toISOString(), actor: { type: 'system', id: 'scheduler' }, action: 'grant.ending_soon_notified', target: { type: 'grant', id: grantId }, after: { expiresAt: grant.expiresAt } }],
      notices: [grantNotice(deps, org, grant, 'grant-ending-soon', {})],
    });
    return 'warned';
  } catch (error) {
    if (error instanceof ConcurrentChangeError) return 'already_ended';
    throw error;
  }
}

/** Which way a change of end time went: named truthfully in the page, audit, notice and email. */
export type EndTimeChange = 'extended' | 'shortened';

/**
 * Changes an active grant's end time to `durationHours` from now (never past the cap from now):
 * later is extending, earlier is shortening. The schedule moves with it.
 */
export async function changeGrantEnd(deps: GrantDeps, actor: Actor, grantId: string, durationHours: unknown): Promise<{ grant: Grant; change: EndTimeChange }> {
  const user = inPerson(actor);
  const changed = await redoOnConflict(`Grant ${grantId}`, () => changeEndOnce(deps, actor, user, grantId, durationHours));
  await scheduleExpiry(deps, changed.grant);
  return changed;
}

async function changeEndOnce(deps: GrantDeps, actor: Actor, user: UserProfile, grantId: string, durationHours: unknown): Promise<{ grant: Grant; change: EndTimeChange }> {
  const read = await deps.store.readTogether({ grant: { orgId: user.orgId, grantId }, org: user.orgId, auditHead: user.orgId });
  const grant = found(read.grant, 'grant', grantId);
  const org = found(read.org, 'org', user.orgId);
  const { auditHead } = read;
  assertMayManage(grant, user);
  const now = deps.clock.now();
  const expiresAt = extendedExpiry(grant, durationHours, org, deps.limits, now).toISOString();
  const changed: Grant = { ...grant, expiresAt };
  const change: EndTimeChange = Date.parse(expiresAt) >= Date.parse(grant.expiresAt) ? 'extended' : 'shortened';
  await deps.store.commit({
    orgId: grant.orgId,
    auditHead,
    writes: [grantUpdate(grant, changed)],
    audit: [
      {
        at: now.toISOString(),
        actor: auditActor(actor),
        action: `grant.${change}`,
        target: { type: 'grant', id: grantId },
        before: { expiresAt: grant.expiresAt },
        after: { expiresAt },
      },
    ],
    notices: [grantNotice(deps, org, changed, `grant-${change}`, { previousExpiresAt: grant.expiresAt })],
  });
  return { grant: changed, change };
}

/** Active grants of the org (already read, or read now); a non-admin sees only the grants that act as them. */
export async function listActiveGrants(deps: GrantDeps, viewer: UserProfile, active?: Grant[]): Promise<Grant[]> {
  const now = deps.clock.now();
  const grants = (active ?? (await deps.store.listActiveGrants(viewer.orgId, now))).filter((g) => isActive(g, now));
  return viewer.role === 'admin' ? grants : grants.filter((g) => g.actAs.email === viewer.email);
}

/** Sessions still to end after their grant: live ones only (a stale one is dead already; TTL removes it). */
const liveOf = (sessions: Session[], now: Date) => sessions.filter((s) => s.status === 'active' && now.getTime() < Date.parse(s.expiresAt));
const liveSessionsOf = async (deps: GrantDeps, grant: Grant, now: Date): Promise<Session[]> => liveOf(await deps.store.listSessionsOfGrant(grant.orgId, grant.grantId), now);

/**
 * What ending a grant reads, in one round trip: the grant, its org and the audit head in one
 * request, its sessions in a query issued with it (read whatever the grant's state: asking costs
 * less than a second wave).
 */
export interface EndingRead {
  grant?: Grant;
  org?: Org;
  sessions: Session[];
  auditHead: { seq: number; hash: string };
}

async function readForEnding(deps: GrantDeps, orgId: string, grantId: string): Promise<EndingRead> {
  const [{ grant, org, auditHead }, sessions] = await together([deps.store.readTogether({ grant: { orgId, grantId }, org: orgId, auditHead: orgId }), deps.store.listSessionsOfGrant(orgId, grantId)] as const);
  return { grant, org, sessions: grant?.status === 'active' ? sessions : [], auditHead: auditHead! };
}

/**
 * An ending's read begun before the actor is known — the portal issues it with its sign-in read,
 * from the org its sealed cookie names — so both take one round trip. It decides nothing: the
 * ending uses it only if that org is the actor's own, and checks the actor as always.
 */
export interface EarlyEndingRead {
  orgId: string;
  read: Promise<EndingRead>;
}

export function readEndingEarly(deps: GrantDeps, orgId: string, grantId: string): EarlyEndingRead {
  const read = readForEnding(deps, orgId, grantId);
  // Awaited by the ending, or never if the visitor is refused first: not an unhandled rejection.
  read.catch(() => undefined);
  return { orgId, read };
}

/** An item a read together found, or the 404 naming it. */
export function found<T>(item: T | undefined, what: string, id: string): T {
  if (!item) throw new NotFoundError(what, id);
  return item;
}

/** Sessions are ended after their grant in chunks well under DynamoDB's 100 items per transaction. */
export const SESSION_CHUNK = 25;

/**
 * The parts of ending one grant — the grant, its audit event, its notice: three items, whatever
 * the grant carries. A grant with live sessions is marked `sessionsPending`, so that if the
 * follow-up (`endSessionsOfGrant`) is interrupted, the sweep finds it and finishes it; until
 * then those sessions are dead anyway, since a session is live only while its grant is active.
 */
export async function endGrantParts(
  deps: GrantDeps,
  org: Org,
  grant: Grant,
  reason: EndReason,
  actor: Actor,
  extraAudit: Partial<AuditEntry> = {},
  sessions?: Session[],
): Promise<Omit<Change, 'orgId'> & { ended: Grant }> {
  const now = deps.clock.now();
  const status = reason === 'revoked' ? 'revoked' : reason === 'expired' ? 'expired' : 'ended';
  const by = auditActor(actor);
  const live = sessions ? liveOf(sessions, now) : await liveSessionsOf(deps, grant, now);
  const ended: Grant = { ...grant, status, endedAt: now.toISOString(), endedBy: by, endReason: reason, ...(live.length ? { sessionsPending: true } : {}) };
  return {
    ended: { ...ended, version: (grant.version ?? 0) + 1 },
    writes: [grantUpdate(grant, ended)],
    audit: [
      {
        at: now.toISOString(),
        actor: by,
        action: `grant.${status}`,
        target: { type: 'grant', id: grant.grantId },
        before: { status: grant.status },
        after: { status, endReason: reason, liveSessions: live.length },
        ...extraAudit,
      },
    ],
    notices: [grantNotice(deps, org, ended, 'grant-ended', { reason })],
  };
}

/** What the ending of a grant already knows, so its follow-up starts without reading it again. */
export interface EndedGrant {
  grant: Grant;
  sessions: Session[];
  auditHead: { seq: number; hash: string };
}

/**
 * The bounded, idempotent follow-up of ending a grant: its live sessions end in chunks of
 * `SESSION_CHUNK`, each chunk one transaction with its audit event; the last one clears the
 * grant's `sessionsPending`. Safe to run again (the sweep does after an interruption). Given what
 * the ending knew (`known`), the first chunk is written without reading anything; a lost race
 * reads afresh.
 */
export async function endSessionsOfGrant(deps: GrantDeps, orgId: string, grantId: string, actor: Actor, known?: EndedGrant): Promise<number> {
  let ended = 0;
  let first = known;
  for (;;) {
    const done = await redoOnConflict(`The sessions of grant ${grantId}`, async () => {
      const seed = first;
      first = undefined;
      const grant = seed ? seed.grant : await deps.store.getGrant(orgId, grantId);
      if (!grant || grant.status === 'active') return true;
      const now = deps.clock.now();
      const live = seed ? liveOf(seed.sessions, now) : await liveSessionsOf(deps, grant, now);
      const chunk = live.slice(0, SESSION_CHUNK);
      const last = live.length <= SESSION_CHUNK;
      if (!chunk.length && !grant.sessionsPending) return true;
      const at = now.toISOString();
      const by = auditActor(actor);
      const head = await deps.store.commit({
        orgId,
        auditHead: seed?.auditHead,
        writes: [
          ...chunk.map((s): Write => sessionUpdate(s, { ...s, status: 'ended', endedAt: at, endedBy: by })),
          ...(last ? [grantUpdate(grant, { ...grant, sessionsPending: undefined })] : []),
        ],
        audit: chunk.length ? [{ at, actor: by, action: 'grant.sessions_ended', target: { type: 'grant', id: grantId }, after: { sessionsEnded: chunk.length, sessionIds: chunk.map((s) => s.sessionId) } }] : [],
        notices: [],
      });
      ended += chunk.length;
      // The next chunk goes on from here (this one left the grant as it was): the rest of the sessions, the new head.
      if (!last && seed) first = { grant, sessions: live.slice(SESSION_CHUNK), auditHead: head };
      return last;
    });
    if (done) return ended;
  }
}

/**
 * Ends an active grant — and any `others` of its org, with their sessions as read — in one bounded
 * transaction (each: grant, audit event, notice), then their live sessions.
 */
async function endGrant(deps: GrantDeps, grant: Grant, reason: EndReason, actor: Actor, read: EndingRead, others: { grant: Grant; sessions: Session[] }[] = []): Promise<Grant> {
  const org = found(read.org, 'org', grant.orgId);
  const [first, ...rest] = await Promise.all([{ grant, sessions: read.sessions }, ...others].map((e) => endGrantParts(deps, org, e.grant, reason, actor, {}, e.sessions)));
  const parts = [first!, ...rest];
  const auditHead = await deps.store.commit({
    orgId: grant.orgId,
    auditHead: read.auditHead,
    writes: parts.flatMap((p) => p.writes),
    audit: parts.flatMap((p) => p.audit),
    notices: parts.flatMap((p) => p.notices),
  });
  if (first!.ended.sessionsPending) await endSessionsOfGrant(deps, grant.orgId, grant.grantId, actor, { grant: first!.ended, sessions: read.sessions, auditHead });
  for (const { ended } of rest) if (ended.sessionsPending) await endSessionsOfGrant(deps, grant.orgId, ended.grantId, actor);
  return first!.ended;
}

/**
 * Revokes a grant: the granter or any admin of its org (Salesforce, Celigo). A lost race is
 * redone from a fresh read: a grant that ended meanwhile is then refused with its state.
 */
export async function revokeGrant(deps: GrantDeps, actor: Actor, grantId: string, early?: EarlyEndingRead): Promise<Grant> {
  const user = inPerson(actor);
  let first = early?.orgId === user.orgId ? early.read : undefined;
  const ended = await redoOnConflict(`Grant ${grantId}`, async () => {
    const read = await (first ?? readForEnding(deps, user.orgId, grantId));
    first = undefined;
    if (!read.grant) throw new NotFoundError('grant', grantId);
    assertMayManage(read.grant, user);
    assertActive(read.grant, deps.clock.now());
    return endGrant(deps, read.grant, 'revoked', actor, read);
  });
  await cancelSchedules(deps, grantId);
  return ended;
}

/**
 * At most this many grants of one org end in one expiry transaction (three items each, and the
 * audit head: 61, well under DynamoDB's 100).
 */
export const EXPIRY_BATCH = 20;

/**
 * The scheduler's (or the sweep's) target: re-reads the grant and marks it expired only if it
 * is still active and its time has come. Safe to call any number of times; a lost race (another
 * change of the grant, a busy audit trail) is redone from a fresh read, and one that keeps losing
 * throws so the caller's retries (Lambda's, the next sweep) try again.
 *
 * Grants of one org that expire together (their schedules fire in the same minute) would each
 * wait for the org's audit head in turn. So the first attempt also asks the org's active-grants
 * index, in the same round trip, for its other grants already due, and ends up to
 * `EXPIRY_BATCH` of them in the same transaction (their own schedules then find them ended). The
 * index may lag: a grant it still lists that has just ended fails the transaction's conditions,
 * and the redo ends this grant alone.
 */
export async function expireGrant(
  deps: GrantDeps,
  orgId: string,
  grantId: string,
  by: string,
  ended?: EndedGrants,
): Promise<'expired' | 'not_due' | 'already_ended' | 'missing'> {
  if (ended?.has(orgId, grantId)) return 'already_ended';
  let firstAttempt = true;
  return redoOnConflict(`Grant ${grantId}`, async () => {
    const { grant, org, auditHead, due, sessionsOf } = await readForExpiry(deps, orgId, grantId, firstAttempt);
    firstAttempt = false;
    if (!grant) return 'missing';
    if (grant.status !== 'active') {
      ended?.add(orgId, grantId);
      return 'already_ended';
    }
    const now = deps.clock.now();
    if (isActive(grant, now)) return 'not_due';
    const others = due.filter((g) => g.grantId !== grantId && g.status === 'active' && !isActive(g, now)).slice(0, EXPIRY_BATCH - 1);
    const [sessions, ...othersSessions] = await sessionsOf([grantId, ...others.map((g) => g.grantId)]);
    await endGrant(deps, grant, 'expired', system(by), { grant, org, auditHead, sessions: sessions! }, others.map((g, i) => ({ grant: g, sessions: othersSessions[i]! })));
    for (const id of [grantId, ...others.map((g) => g.grantId)]) ended?.add(orgId, id);
    return 'expired';
  });
}

/** One page of an org's sessions: most orgs have fewer stored, so it holds every due grant's sessions. */
const SESSIONS_PAGE = 100;

/**
 * What an expiry reads, in one round trip: the grant, its org and the audit head in one request,
 * (`withDue`) the org's other grants already due, and a page of the org's sessions. `sessionsOf`
 * answers from that page — unless the org has more sessions stored than it holds, when each
 * grant's are asked for (together).
 */
async function readForExpiry(deps: GrantDeps, orgId: string, grantId: string, withDue: boolean) {
  const [{ grant, org, auditHead }, due, page] = await together([
    deps.store.readTogether({ grant: { orgId, grantId }, org: orgId, auditHead: orgId }),
    withDue ? deps.store.listDueGrants(orgId, deps.clock.now(), EXPIRY_BATCH) : Promise.resolve([]),
    deps.store.listSessionsPage(orgId, SESSIONS_PAGE),
  ] as const);
  const sessionsOf = async (grantIds: string[]): Promise<Session[][]> =>
    page.more ? Promise.all(grantIds.map((id) => deps.store.listSessionsOfGrant(orgId, id))) : grantIds.map((id) => page.sessions.filter((s) => s.grantId === id));
  return { grant, org, auditHead: auditHead!, due, sessionsOf };
}

/**
 * The grants a container has seen ended — by ending them, or by finding them ended. An ending is
 * final, so a later schedule fire for one of them (a grant that ended with others of its org)
 * needs no read at all. Bounded: the oldest are forgotten first.
 */
export class EndedGrants {
  private readonly keys = new Set<string>();

  constructor(private readonly limit = 10_000) {}

  has(orgId: string, grantId: string): boolean {
    return this.keys.has(`${orgId}#${grantId}`);
  }

  add(orgId: string, grantId: string): void {
    this.keys.add(`${orgId}#${grantId}`);
    if (this.keys.size > this.limit) this.keys.delete(this.keys.values().next().value!);
  }
}

/**
 * DynamoDB TTL removed a grant that still looked active: the schedule and the sweep both missed
 * it. The item is gone, so this records its end in the audit trail and tells the customer.
 */
export async function recordTtlExpiry(deps: Pick<GrantDeps, 'store' | 'clock' | 'ids'>, grant: Grant): Promise<'recorded' | 'already_ended'> {
  if (grant.status !== 'active') return 'already_ended';
  const org = await deps.store.getOrg(grant.orgId);
  if (!org) return 'already_ended';
  const now = deps.clock.now().toISOString();
  await deps.store.commit({
    orgId: grant.orgId,
    writes: [],
    audit: [{ at: now, actor: { type: 'system', id: 'ttl' }, action: 'grant.expired', target: { type: 'grant', id: grant.grantId }, before: { status: 'active' }, after: { status: 'expired', endReason: 'expired', noticedBy: 'ttl' } }],
    notices: [grantNotice(deps as GrantDeps, org, grant, 'grant-ended', { reason: 'expired' })],
  });
  return 'recorded';
}
