import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { agent, auditActor, customer, ImpersonatedSessionError, inPerson, portalActor, viewerOf, type Actor } from '../../shared/domain/actor';
import { ForbiddenError } from '../../shared/domain/errors';
import type { UserProfile } from '../../shared/domain/model';

const DOMAIN = join(process.cwd(), 'shared/domain');

/** Every consent-changing service: a customer in person only. */
const CONSENT = ['createUserGrant', 'changeGrantEnd', 'revokeGrant', 'updateSettings', 'openCase', 'setRemoteAccess', 'solveCase', 'endSession', 'decideRequest', 'signOutEverywhere', 'createEndpoint', 'updateEndpoint', 'deleteEndpoint', 'sendTestEvent', 'redeliver'];

/** Every other async export of the domain, and why a "log in as" session cannot reach consent through it. */
const NOT_CONSENT: Record<string, string> = {
  loadCase: 'read',
  loadOrg: 'read',
  loadGrant: 'read',
  viewApproval: 'read (the approval page; deciding is decideRequest)',
  readAudit: 'read',
  verifyAudit: 'read',
  caseAccess: 'read, agents',
  listActiveGrants: 'read',
  liveSessionsFor: 'read',
  requestPermission: 'agents ask; the customer consents through decideRequest',
  requestChange: 'agents ask; the customer consents through decideRequest',
  activateCaseAccess: 'agents, on a case the customer allowed',
  addPersonnel: 'agents, on a case grant',
  openCaseByEmail: 'agents, the email channel (the case starts denied)',
  startSession: 'agents, on an active grant',
  expireRequest: 'system: the scheduler',
  expireTarget: 'system: the scheduler',
  expireGrant: 'system: the scheduler and the sweep',
  warnGrant: 'system: the scheduler',
  recordTtlExpiry: 'system: the stream',
  sweep: 'system',
  endSessionsOfGrant: 'system: the bounded follow-up of a grant that ended (its callers are checked)',
  deliverNotice: 'system: the outbox mailer',
  bestEffort: 'helper inside services',
  redoOnConflict: 'helper inside services (re-runs a checked service)',
  together: 'helper inside services (reads issued together)',
  scheduleExpiry: 'helper inside services',
  cancelSchedules: 'helper inside services',
  endGrantParts: 'helper inside services (its callers are checked)',
  recordImpersonatedRefusal: 'records a refusal',
  startPortalSession: 'sign-in itself (the OIDC callback)',
  resumePortalSession: 'read: who the cookie names',
  endPortalSession: 'signing this session out is always allowed (exempt)',
  verifySessionToken: 'product, with its credentials',
  introspect: 'product, with its credentials',
  recordActivity: 'product, with its credentials',
  authenticateProduct: 'product, with its credentials',
  createOrg: 'platform admins (IAM)',
  changeOrg: 'platform admins (IAM)',
  suspendOrg: 'platform admins (IAM)',
  resumeOrg: 'platform admins (IAM)',
  deleteOrg: 'platform admins (IAM)',
  deletionOf: 'platform admins (IAM)',
  listCasesOf: 'read',
  listEndpoints: 'read (admins)',
  endpointWithDeliveries: 'read (admins)',
  publishAuditEvent: 'system: the stream (publishes what a checked change recorded)',
  sendDelivery: 'system: the webhook queue',
};

const ada: UserProfile = { email: 'ada@acme.test', orgId: 'acme', name: 'Ada', role: 'admin', level: 'admin', workspaces: 'all' };
const impersonated: Actor = portalActor(ada, 'alex@vendor.test');

/** Dependencies that fail the test if a service touches them before checking its principal. */
const untouchable = new Proxy({}, { get: (_t, key) => { throw new Error(`touched deps.${String(key)} before checking who is acting`); } });

async function domainAsyncExports(): Promise<Map<string, (...args: unknown[]) => Promise<unknown>>> {
  const found = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  for (const file of readdirSync(DOMAIN).filter((f) => f.endsWith('.ts'))) {
    const mod = (await import(join(DOMAIN, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === 'function' && value.constructor.name === 'AsyncFunction') found.set(name, value as never);
    }
  }
  return found;
}

describe('the consent boundary: one check every consent-changing service makes first', () => {
  test('every async service of the domain is classified, so a new one cannot slip past the boundary', async () => {
    // Act
    const names = [...(await domainAsyncExports()).keys()];
    // Assess: nothing unclassified, nothing classified twice, no stale names
    expect(names.filter((n) => !CONSENT.includes(n) && !(n in NOT_CONSENT))).toEqual([]);
    expect(CONSENT.filter((n) => n in NOT_CONSENT)).toEqual([]);
    expect([...CONSENT, ...Object.keys(NOT_CONSENT)].filter((n) => !names.includes(n))).toEqual([]);
  });

  test.each(CONSENT)('%s refuses support acting as the customer, before reading or writing anything', async (name) => {
    // Prepare
    const service = (await domainAsyncExports()).get(name)!;
    // Act
    const outcome = service(untouchable, impersonated, 'some-id', { durationHours: '1' }).then(
      () => 'accepted',
      (error: unknown) => error,
    );
    // Assess
    const error = await outcome;
    expect(error).toBeInstanceOf(ImpersonatedSessionError);
    expect(error).toMatchObject({ code: 'impersonated_session', agent: 'alex@vendor.test', user: ada });
  });

  test('inPerson: the customer passes; support acting as them, an agent, the platform and the system do not', () => {
    expect(inPerson(customer(ada))).toBe(ada);
    expect(() => inPerson(impersonated)).toThrow(ImpersonatedSessionError);
    for (const other of [agent({ id: 'a', email: 'alex@vendor.test' }), { type: 'platform', id: 'arn:aws:iam::1:user/p' }, { type: 'system', id: 'sweep' }] as Actor[]) {
      expect(() => inPerson(other)).toThrow(ForbiddenError);
      expect(() => inPerson(other)).not.toThrow(ImpersonatedSessionError);
    }
  });

  test('reads show the customer\'s view to them and to support acting as them, to no one else', () => {
    expect(viewerOf(customer(ada))).toBe(ada);
    expect(viewerOf(impersonated)).toBe(ada);
    expect(() => viewerOf(agent({ id: 'a', email: 'alex@vendor.test' }))).toThrow(ForbiddenError);
  });

  test('the audit actor comes from the principal: support acting as a user is recorded as the agent', () => {
    expect(auditActor(customer(ada))).toEqual({ type: 'user', id: ada.email, email: ada.email });
    expect(auditActor(impersonated)).toEqual({ type: 'agent', id: 'alex@vendor.test', email: 'alex@vendor.test', actingAs: ada.email });
    expect(auditActor(agent({ id: 'sub-1', email: 'alex@vendor.test' }))).toEqual({ type: 'agent', id: 'sub-1', email: 'alex@vendor.test' });
    expect(auditActor({ type: 'system', id: 'sweep' })).toEqual({ type: 'system', id: 'sweep' });
    expect(auditActor({ type: 'platform', id: 'arn' })).toEqual({ type: 'platform', id: 'arn' });
  });
});
