
import { viewApproval } from '../../shared/domain/access-requests';
import { ManualClock } from '../../shared/domain/clock';
import type { GrantDeps } from '../../shared/domain/grant-service';
import { suppressedBy } from '../../shared/domain/mail-feedback';
import type { UserProfile } from '../../shared/domain/model';
import { deliverNotice, type DeliveryDeps } from '../../shared/domain/notice-delivery';
import type { Notice } from '../../shared/domain/notices';
import { sweep, type SweepDeps } from '../../shared/domain/sweep';
import { PermanentSendError, type Email } from '../../shared/ports/mailer';
import { MemoryOutbox } from '../support/memory-outbox';
import { MemoryStore } from '../support/memory-store';
import { buildCase, buildOrg } from '../support/org-builder';

const T0 = new Date('2026-03-02T10:00:00.000Z');

/** A mailer that records what it sent, and fails for addresses (or once) as a test says. */
class FakeMailer {
  readonly sent: Email[] = [];
  readonly attempts: Email[] = [];
  permanent = new Set<string>();
  transientFailures = 0;
  async send(email: Email) {
    this.attempts.push(email);
    if (this.permanent.has(email.to[0]!)) throw new PermanentSendError(`MessageRejected: ${email.to[0]}`);
    if (this.transientFailures > 0) {
      this.transientFailures--;
      throw new Error('TooManyRequestsException');
    }
    this.sent.push(email);
  }
}

function world() {
  const store = new MemoryStore();
  const outbox = new MemoryOutbox(store);
  const mailer = new FakeMailer();
  const clock = new ManualClock(T0);
  const deps: DeliveryDeps = { outbox, mailer, clock, store, portalUrl: 'https://portal.example', render: (n, link) => ({ to: n.to, subject: n.template, html: link ?? '', text: link ?? '' }) };
  return { store, outbox, mailer, clock, deps };
}

const notice = (overrides: Partial<Notice> = {}): Notice => ({ noticeId: 'n1', orgId: 'o1', template: 'grant-created', to: ['a@o1.test', 'b@o1.test'], createdAt: T0.toISOString(), data: {}, ...overrides });

describe('the outbox delivers each notice to each recipient once', () => {
  test('two deliveries racing on one notice send once', async () => {
    const { outbox, mailer, deps } = world();
    outbox.add(notice());
    const outcomes = await Promise.all([deliverNotice(deps, notice(), 'stream'), deliverNotice(deps, notice(), 'stream')]);
    expect(outcomes.sort()).toEqual(['sent', 'skipped']);
    expect(mailer.sent.map((e) => e.to[0])).toEqual(['a@o1.test', 'b@o1.test']);
  });

  test('progress is written after each send but the last (the finish keeps that one): three recipients, two progress writes', async () => {
    const { outbox, mailer, deps } = world();
    const three = notice({ to: ['a@o1.test', 'b@o1.test', 'c@o1.test'] });
    outbox.add(three);
    const written: string[][] = [];
    const progress = outbox.progress.bind(outbox);
    outbox.progress = async (noticeId, p) => {
      written.push([...p.sentTo]);
      return progress(noticeId, p);
    };
    expect(await deliverNotice(deps, three, 'stream')).toBe('sent');
    expect(written).toEqual([['a@o1.test'], ['a@o1.test', 'b@o1.test']]);
    expect(mailer.sent).toHaveLength(3);
    expect(outbox.rows.get('n1')).toMatchObject({ status: 'sent', progress: { sentTo: ['a@o1.test', 'b@o1.test', 'c@o1.test'] } });
  });

  test('a transient failure gives the claim back with its progress; the retry sends only to who lacks it; a sent notice is skipped', async () => {
    const { outbox, mailer, deps } = world();
    outbox.add(notice());
    // Prepare: the first recipient goes out, the second fails transiently
    const realSend = mailer.send.bind(mailer);
    let calls = 0;
    mailer.send = async (email: Email) => {
      if (++calls === 2) throw new Error('TooManyRequestsException');
      return realSend(email);
    };
    await expect(deliverNotice(deps, notice(), 'stream')).rejects.toThrow('TooManyRequests');
    expect(outbox.rows.get('n1')).toMatchObject({ status: 'pending', progress: { sentTo: ['a@o1.test'] } });
    // Act: the retry
    expect(await deliverNotice(deps, notice(), 'stream')).toBe('sent');
    // Assess: each once; then nothing more
    expect(mailer.sent.map((e) => e.to[0])).toEqual(['a@o1.test', 'b@o1.test']);
    expect(await deliverNotice(deps, notice(), 'stream')).toBe('skipped');
    expect(mailer.sent).toHaveLength(2);
  });

  test('a permanent refusal marks that recipient failed, audited, and delivery carries on', async () => {
    const { outbox, mailer, deps, store } = world();
    outbox.add(notice());
    mailer.permanent.add('a@o1.test');
    expect(await deliverNotice(deps, notice(), 'stream')).toBe('sent');
    expect(outbox.rows.get('n1')).toMatchObject({ status: 'sent', progress: { sentTo: ['b@o1.test'], failedTo: ['a@o1.test'] } });
    expect((await store.listAudit('o1')).map((e) => [e.action, e.after?.recipient])).toEqual([['notice.failed', 'a@o1.test']]);
    expect((await store.listAudit('o1'))[0]).toMatchObject({ actor: { type: 'system', id: 'mailer' }, target: { type: 'notice', id: 'n1' }, after: { template: 'grant-created' } });
  });

  test('a delivery with no refusal writes nothing to the audit trail', async () => {
    const { outbox, deps, store } = world();
    outbox.add(notice());
    expect(await deliverNotice(deps, notice(), 'stream')).toBe('sent');
    expect(store.committed).toEqual([]);
  });

  test('every recipient refused: the notice is failed; a suppressed address is skipped without a send', async () => {
    const { outbox, mailer, deps, store } = world();
    outbox.add(notice());
    mailer.permanent.add('a@o1.test');
    outbox.suppressedAddresses.add('b@o1.test');
    expect(await deliverNotice(deps, notice(), 'stream')).toBe('failed');
    expect(mailer.attempts.map((e) => e.to[0])).toEqual(['a@o1.test']);
    expect((await store.listAudit('o1')).map((e) => e.action).sort()).toEqual(['notice.failed', 'notice.suppressed']);
    expect((await store.listAudit('o1')).find((e) => e.action === 'notice.suppressed')!.after).toEqual({
      recipient: 'b@o1.test',
      template: 'grant-created',
      reason: 'SES reported this address bouncing or complaining; it is not mailed any more.',
    });
  });

  test('a link minted for a failed send can never be used; the one that went out can', async () => {
    const { outbox, mailer, deps, store, clock } = world();
    const org = buildOrg('o1');
    store.orgs.set('o1', org);
    const c = buildCase({ caseId: 'c1', contact: { id: 'a@o1.test', email: 'a@o1.test' } });
    store.cases.set('o1#c1', c);
    store.requests.set('o1#r1', { orgId: 'o1', requestId: 'r1', kind: 'access', caseId: 'c1', agent: { id: 'x', email: 'alex@vendor.test' }, justification: 'j', status: 'pending', requiredApprovals: 1, askedOf: ['a@o1.test'], decisions: [], createdAt: T0.toISOString(), expiresAt: '2026-03-05T10:00:00.000Z', version: 1 });
    const linked = notice({ template: 'permission-requested', to: ['a@o1.test'], data: { requestId: 'r1', expiresAt: '2026-03-05T10:00:00.000Z' } });
    outbox.add(linked);
    mailer.transientFailures = 1;
    await expect(deliverNotice(deps, linked, 'stream')).rejects.toThrow();
    expect(await deliverNotice(deps, linked, 'stream')).toBe('sent');
    const [failedLink, sentLink] = mailer.attempts.map((e) => e.text.split('/').pop()!);
    const user: UserProfile = { email: 'a@o1.test', orgId: 'o1', name: 'A', role: 'admin', level: 'admin', workspaces: 'all' };
    const grantDeps = { store, clock } as unknown as GrantDeps;
    await expect(viewApproval(grantDeps, user, failedLink!)).rejects.toMatchObject({ code: 'link_unknown' });
    // Each link is minted for its one recipient.
    expect([...store.tokens.values()].map((t) => t.recipient)).toEqual(['a@o1.test', 'a@o1.test']);
    expect((await viewApproval(grantDeps, user, sentLink!)).request.requestId).toBe('r1');
  });
});

/** The sweep's dependencies over the in-memory Store; re-drives and deletions do nothing unless a test says. */
const sweepDeps = (store: MemoryStore, clock: ManualClock): SweepDeps => ({
  store,
  clock,
  ids: () => 'n',
  scheduler: { scheduleAt: async () => undefined, cancel: async () => undefined },
  limits: { maxGrantHours: 4320, minGrantSeconds: 3600, sessionMinutes: 15, requestExpiryHours: 72 },
  redriveNotice: async () => undefined,
  continueDeletion: async () => undefined,
});

describe('the sweep', () => {
  test('one failing item does not stop the others: each is logged and counted', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock(T0);
    store.orgs.set('o1', buildOrg('o1'));
    // Two overdue requests whose case is missing (their expiry fails), and an overdue grant
    for (const id of ['r1', 'r2']) store.requests.set(`o1#${id}`, { orgId: 'o1', requestId: id, caseId: 'gone', agent: { id: 'x', email: 'x@v.test' }, justification: 'j', status: 'pending', requiredApprovals: 1, askedOf: [], decisions: [], createdAt: T0.toISOString(), expiresAt: T0.toISOString(), version: 1 });
    store.grants.set('o1#g1', { orgId: 'o1', grantId: 'g1', kind: 'user', grantedBy: { id: 'a', email: 'a@o1.test' }, actAs: { id: 'a', email: 'a@o1.test' }, level: 'monitor', workspaces: 'all', environment: 'production', caseIds: [], personnel: [], status: 'active', createdAt: T0.toISOString(), expiresAt: T0.toISOString(), version: 1 });
    clock.set(new Date(T0.getTime() + 60_000));
    const redriven: string[] = [];
    const errors: string[] = [];
    const logged: Record<string, string>[] = [];
    const result = await sweep({
      ...sweepDeps(store, clock),
      log: { error: (m, fields) => void (errors.push(m), logged.push(fields as Record<string, string>)) },
      redriveNotice: async (id) => void redriven.push(id),
      continueDeletion: async () => undefined,
    });
    expect(result).toMatchObject({ found: 3, expired: 1, failed: 2 });
    expect(store.grants.get('o1#g1')!.status).toBe('expired');
    expect(errors).toEqual(['sweep item failed', 'sweep item failed']);
    expect(logged.map((l) => [l.type, l.orgId, l.id])).toEqual([['request', 'o1', 'r1'], ['request', 'o1', 'r2']]);
  });
});

describe('the sweep finishes each kind of overdue item', () => {
  test('a grant and a request past expiry are expired, ended grants get their sessions ended, notices are re-driven, deletions continued; each counted once', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock(new Date(T0.getTime() + 60_000));
    store.orgs.set('o1', buildOrg('o1'));
    store.grants.set('o1#g1', { orgId: 'o1', grantId: 'g1', kind: 'user', grantedBy: { id: 'a', email: 'a@o1.test' }, actAs: { id: 'a', email: 'a@o1.test' }, level: 'monitor', workspaces: 'all', environment: 'production', caseIds: [], personnel: [], status: 'active', createdAt: T0.toISOString(), expiresAt: T0.toISOString(), version: 1 });
    // An ended grant whose live session the follow-up did not end yet
    store.grants.set('o1#g2', { ...store.grants.get('o1#g1')!, grantId: 'g2', status: 'revoked', sessionsPending: true });
    store.sessions.set('s1', { sessionId: 's1', orgId: 'o1', grantId: 'g2', agent: { id: 'x', email: 'x@v.test' }, actAs: { id: 'a', email: 'a@o1.test' }, justification: 'j', scope: ['read'], status: 'active', startedAt: T0.toISOString(), expiresAt: new Date(T0.getTime() + 600_000).toISOString(), version: 1 });
    store.cases.set('o1#c1', { orgId: 'o1', caseId: 'c1', subject: 's', description: '', environment: 'production', contact: { id: 'a', email: 'a@o1.test' }, channel: 'portal', remoteAccess: 'denied', status: 'open', history: [], pendingRequestId: 'r1', createdAt: T0.toISOString(), version: 1 });
    store.requests.set('o1#r1', { orgId: 'o1', requestId: 'r1', caseId: 'c1', agent: { id: 'x', email: 'x@v.test' }, justification: 'j', status: 'pending', requiredApprovals: 1, askedOf: [], decisions: [], createdAt: T0.toISOString(), expiresAt: T0.toISOString(), version: 1 });
    const fromStore = store.listOverdue.bind(store);
    store.listOverdue = async (now) => [...(await fromStore(now)), { type: 'notice', orgId: 'o1', id: 'n9' }, { type: 'deletion', orgId: 'o7', id: 'o7' }];
    const redriven: string[] = [];
    const continued: string[] = [];
    const result = await sweep({
      ...sweepDeps(store, clock),
      redriveNotice: async (id) => void redriven.push(id),
      continueDeletion: async (orgId) => void continued.push(orgId),
    });
    expect(result).toEqual({ found: 5, expired: 2, sessionsFinished: 1, noticesRedriven: 1, deletionsContinued: 1, failed: 0 });
    expect(store.grants.get('o1#g1')!.status).toBe('expired');
    expect(store.requests.get('o1#r1')!.status).toBe('expired');
    expect(store.sessions.get('s1')!.status).toBe('ended');
    expect(redriven).toEqual(['n9']);
    expect(continued).toEqual(['o7']);
    // Everything the sweep did is in the trail under its own name.
    const actors = store.audit.get('o1')!.filter((e) => e.action !== 'notice.failed').map((e) => [e.action, e.actor]);
    expect(actors).toEqual(expect.arrayContaining([['grant.expired', { type: 'system', id: 'sweep' }], ['request.expired', { type: 'system', id: 'sweep' }], ['grant.sessions_ended', { type: 'system', id: 'sweep' }]]));

    // A second run finds nothing left to do but the stubbed items: nothing is done twice.
    store.listOverdue = fromStore;
    expect(await sweep(sweepDeps(store, clock))).toEqual({
      found: 0, expired: 0, sessionsFinished: 0, noticesRedriven: 0, deletionsContinued: 0, failed: 0,
    });
  });
});

test('an item something else already finished is found but not counted as expired by the sweep', async () => {
  const store = new MemoryStore();
  store.orgs.set('o1', buildOrg('o1'));
  store.grants.set('o1#g1', { orgId: 'o1', grantId: 'g1', kind: 'user', grantedBy: { id: 'a', email: 'a@o1.test' }, actAs: { id: 'a', email: 'a@o1.test' }, level: 'monitor', workspaces: 'all', environment: 'production', caseIds: [], personnel: [], status: 'expired', createdAt: T0.toISOString(), expiresAt: T0.toISOString(), version: 2 });
  store.listOverdue = async () => [{ type: 'grant', orgId: 'o1', id: 'g1' }];
  const result = await sweep(sweepDeps(store, new ManualClock(new Date(T0.getTime() + 60_000))));
  expect(result).toEqual({ found: 1, expired: 0, sessionsFinished: 0, noticesRedriven: 0, deletionsContinued: 0, failed: 0 });
  expect(store.committed).toEqual([]);
});

describe('SES feedback', () => {
  test('a permanent bounce and a complaint suppress their addresses; a transient bounce does not', () => {
    const now = new Date(T0);
    expect(suppressedBy({ eventType: 'Bounce', bounce: { bounceType: 'Permanent', bounceSubType: 'NoEmail', bouncedRecipients: [{ emailAddress: 'Gone@O1.test' }] } }, now)).toEqual([{ email: 'gone@o1.test', reason: 'bounce', detail: 'Permanent/NoEmail', at: T0.toISOString() }]);
    expect(suppressedBy({ notificationType: 'Complaint', complaint: { complaintFeedbackType: 'abuse', complainedRecipients: [{ emailAddress: 'angry@o1.test' }] } }, now)).toMatchObject([{ email: 'angry@o1.test', reason: 'complaint' }]);
    expect(suppressedBy({ eventType: 'Bounce', bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'full@o1.test' }] } }, now)).toEqual([]);
    expect(suppressedBy('not an event', now)).toEqual([]);
  });
});
