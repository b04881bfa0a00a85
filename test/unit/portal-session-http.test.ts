import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { customer } from '../../shared/domain/actor';
import { ManualClock } from '../../shared/domain/clock';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../shared/domain/errors';
import type { UserProfile } from '../../shared/domain/model';
import { endPortalSession, portalSessionEnd, PORTAL_SESSION_LIMITS, resumePortalSession, signOutEverywhere, startPortalSession } from '../../shared/domain/portal-sessions';
import { htmlPage, PortalSessions, redirect, renderHtmlError, SESSION_COOKIE, SESSION_SECONDS } from '../../shared/http/portal-session';
import { safeReturnTo } from '../../shared/http/redirects';
import { CookieSealer, newSessionId } from '../../shared/http/signed-cookie';
import { ImpersonatedSessionError } from '../../shared/domain/actor';
import { MemoryStore } from '../support/memory-store';
import { buildOrg } from '../support/org-builder';

const NOW = new Date('2026-01-01T05:00:00.000Z');
const SECRET = 'a-secret-of-at-least-thirty-two-chars!!';
const OLD = 'the-previous-secret-also-32-chars-long!!';
const ada: UserProfile = { email: 'ada@o1.test', orgId: 'o1', name: 'Ada', role: 'admin', level: 'admin', workspaces: 'all' };
const uma: UserProfile = { email: 'uma@o1.test', orgId: 'o1', name: 'Uma', role: 'user', level: 'manage', workspaces: 'all' };

const event = (over: Partial<APIGatewayProxyEventV2> & { method?: string } = {}): APIGatewayProxyEventV2 =>
  ({ rawPath: '/settings', headers: {}, cookies: [], requestContext: { http: { method: over.method ?? 'GET' } }, ...over }) as unknown as APIGatewayProxyEventV2;

describe('sealed cookies', () => {
  test('what is sealed opens until it expires; a changed body or MAC does not; a rotated-out secret still opens', () => {
    const seal = new CookieSealer(SECRET, true);
    const value = seal.seal({ sid: 's1' }, 60, NOW);
    expect(seal.open(value, NOW)).toEqual({ sid: 's1', exp: NOW.getTime() / 1000 + 60 });
    expect(seal.open(value, new Date(NOW.getTime() + 59_999))).toMatchObject({ sid: 's1' });
    expect(seal.open(value, new Date(NOW.getTime() + 60_000))).toBeUndefined();
    const [body, mac] = value.split('.');
    expect(seal.open(`${Buffer.from('{"sid":"s2","exp":9999999999}').toString('base64url')}.${mac}`, NOW)).toBeUndefined();
    expect(seal.open(`${body}.${mac!.slice(0, -1)}A`, NOW)).toBeUndefined();
    expect(seal.open(`${body}.`, NOW)).toBeUndefined();
    expect(seal.open(body, NOW)).toBeUndefined();
    expect(seal.open(undefined, NOW)).toBeUndefined();
    expect(seal.open('', NOW)).toBeUndefined();
    const rotated = new CookieSealer(OLD.replace('previous', 'following'), true, SECRET);
    expect(rotated.open(value, NOW)).toMatchObject({ sid: 's1' });
    expect(new CookieSealer(OLD, true).open(value, NOW)).toBeUndefined();
  });

  test('a body that is not JSON, even with a valid MAC, opens to nothing', () => {
    const seal = new CookieSealer(SECRET, true);
    const body = Buffer.from('not json').toString('base64url');
    const mac = seal.seal({}, 1, NOW).split('.')[1]!;
    expect(seal.open(`${body}.${mac}`, NOW)).toBeUndefined();
  });

  test('secrets shorter than 32 characters are refused, the previous one too', () => {
    expect(() => new CookieSealer('short', true)).toThrow('at least 32 characters');
    expect(() => new CookieSealer(SECRET, true, 'short')).toThrow('at least 32 characters');
  });

  test('Set-Cookie: HttpOnly, SameSite=Lax, Path=/, Max-Age, and Secure unless turned off; clearing is Max-Age=0', () => {
    expect(new CookieSealer(SECRET, true).cookie('n', 'v', 10)).toBe('n=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=10; Secure');
    expect(new CookieSealer(SECRET, false).cookie('n', 'v', 10)).toBe('n=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=10');
    expect(new CookieSealer(SECRET, true).clear('n')).toBe('n=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure');
  });

  test('CSRF tokens are per session and checked against either secret; a missing one fails', () => {
    const seal = new CookieSealer(SECRET, true);
    const token = seal.csrfToken('s1');
    expect(seal.checkCsrf('s1', token)).toBe(true);
    expect(seal.checkCsrf('s2', token)).toBe(false);
    expect(seal.checkCsrf('s1', undefined)).toBe(false);
    expect(seal.checkCsrf('s1', '')).toBe(false);
    expect(new CookieSealer(OLD, true, SECRET).checkCsrf('s1', token)).toBe(true);
    expect(newSessionId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newSessionId()).not.toBe(newSessionId());
  });
});

describe('where to go back after sign-in', () => {
  test.each([
    ['/cases/c1?done=x#top', '/cases/c1?done=x#top'],
    ['/a/../settings', '/settings'],
    [undefined, '/'],
    ['', '/'],
    ['https://evil.example/', '/'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['/\tevil', '/'],
    ['cases', '/'],
    ['/%5Cevil', '/%5Cevil'],
  ])('%j → %j', (value, expected) => {
    expect(safeReturnTo(value, 'https://access.example')).toBe(expected);
  });
});

describe('HTML responses and errors', () => {
  test('pages are never cached or framed and carry a strict CSP; redirects are 303 and uncached', () => {
    const page = htmlPage(200, '<p>x</p>', ['c=1']) as APIGatewayProxyStructuredResultV2;
    expect(page).toEqual({
      statusCode: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'content-security-policy': "default-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      },
      cookies: ['c=1'],
      body: '<p>x</p>',
    });
    expect(redirect('/x')).toEqual({ statusCode: 303, headers: { location: '/x', 'cache-control': 'no-store' }, cookies: [] });
    expect(SESSION_SECONDS).toBe(PORTAL_SESSION_LIMITS.absoluteSeconds);
  });

  test('signed out: a GET goes to sign-in and back; a POST is a 401 page', () => {
    expect(renderHtmlError(new UnauthenticatedError(), event({ rawPath: '/cases/c 1' }))).toMatchObject({ statusCode: 303, headers: { location: '/login?returnTo=%2Fcases%2Fc%201' } });
    expect(renderHtmlError(new UnauthenticatedError(), event({ method: 'POST' }))).toMatchObject({ statusCode: 401, body: expect.stringContaining('Please sign in') });
  });

  test('a "log in as" session, a refusal, and anything else each get their page and status', () => {
    expect(renderHtmlError(new ImpersonatedSessionError('alex@vendor.test', ada), event())).toMatchObject({ statusCode: 403, body: expect.stringContaining('Only the customer in person can change access') });
    expect(renderHtmlError(new NotFoundError('case', 'c9'), event())).toMatchObject({ statusCode: 404 });
    expect(renderHtmlError(new ForbiddenError('admins_only', 'Admins only.'), event())).toMatchObject({ statusCode: 403, body: expect.stringContaining('Admins only.') });
    const crash = renderHtmlError(new Error('boom'), event()) as APIGatewayProxyStructuredResultV2;
    expect([crash.statusCode, String(crash.body).includes('Nothing was changed.'), String(crash.body).includes('boom')]).toEqual([500, true, false]);
  });
});

describe('portal sign-ins', () => {
  function world() {
    const store = new MemoryStore();
    store.orgs.set('o1', buildOrg('o1', { name: 'Acme' }));
    store.users.set(ada.email, ada);
    store.users.set(uma.email, uma);
    const clock = new ManualClock(NOW);
    let n = 0;
    const deps = { store, clock, ids: () => `id${++n}` };
    const sessions = new PortalSessions(deps, async () => ({ current: SECRET, previous: undefined }) as never, true);
    return { store, clock, deps, sessions };
  }
  const withCookie = async (sessions: PortalSessions, value: object) => event({ cookies: [`${SESSION_COOKIE}=${(await sessions.sealer()).seal(value, 3600, NOW)}`] });

  test('a sign-in is stored and audited as whoever it really is; the cookie resolves to the user, their org and a page header', async () => {
    const { store, deps, sessions } = world();
    const session = await startPortalSession(deps, ada, 'sid1', { actingAgent: 'alex@vendor.test', profile: { level: 'monitor' } });
    expect(session).toEqual({ sid: 'sid1', email: ada.email, orgId: 'o1', actingAgent: 'alex@vendor.test', profile: { level: 'monitor' }, status: 'active', createdAt: NOW.toISOString(), lastSeenAt: NOW.toISOString(), expiresAt: '2026-01-01T13:00:00.000Z', version: 1 });
    expect(store.audit.get('o1')!.map((e) => [e.action, e.actor, e.after])).toEqual([['user.signed_in', { type: 'agent', id: 'alex@vendor.test', email: 'alex@vendor.test', actingAs: ada.email }, { expiresAt: '2026-01-01T13:00:00.000Z' }]]);
    const who = await sessions.visitor(await withCookie(sessions, { sid: 'sid1', email: ada.email, orgId: 'o1' }));
    expect(who.user).toEqual({ ...ada, level: 'monitor' });
    expect(who.actor).toEqual({ type: 'impersonated', agent: 'alex@vendor.test', user: { ...ada, level: 'monitor' } });
    expect(who.page).toEqual({ name: 'Ada', email: ada.email, orgName: 'Acme', csrf: (await sessions.sealer()).csrfToken('sid1'), role: 'admin', impersonatedBy: 'alex@vendor.test' });
    // An older cookie without the org still resolves (the org read separately).
    expect((await sessions.visitor(await withCookie(sessions, { sid: 'sid1', email: ada.email }))).org.name).toBe('Acme');
    const plain = await startPortalSession(deps, uma, 'sid2', { profile: {} });
    expect(plain.profile).toBeUndefined();
    expect(plain.actingAgent).toBeUndefined();
  });

  test('no cookie, a cookie without sid or email, or an unknown sign-in: signed out', async () => {
    const { sessions } = world();
    await expect(sessions.visitor(event())).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(sessions.visitor(await withCookie(sessions, { email: ada.email }))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(sessions.visitor(await withCookie(sessions, { sid: 'x' }))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(sessions.visitor(await withCookie(sessions, { sid: 'nope', email: ada.email }))).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  test('ends: signed out, after 8 hours, after 30 idle minutes; seen is recorded at most every 5 minutes', async () => {
    const { store, deps, clock } = world();
    const s = await startPortalSession(deps, ada, 'sid1', {});
    expect(portalSessionEnd(s, NOW)).toBeUndefined();
    expect(portalSessionEnd({ ...s, status: 'ended' }, NOW)).toBe('signed_out');
    expect(portalSessionEnd(s, new Date(Date.parse(s.expiresAt)))).toBe('expired');
    expect(portalSessionEnd(s, new Date(NOW.getTime() + 30 * 60_000))).toBe('idle');
    expect(portalSessionEnd(s, new Date(NOW.getTime() + 30 * 60_000 - 1))).toBeUndefined();
    clock.advance(5 * 60_000 - 1);
    await resumePortalSession(deps, ada.email, 'sid1');
    expect(store.portalSessions.get(`${ada.email}#sid1`)!.lastSeenAt).toBe(NOW.toISOString());
    clock.advance(1);
    await resumePortalSession(deps, ada.email, 'sid1');
    expect(store.portalSessions.get(`${ada.email}#sid1`)!.lastSeenAt).toBe('2026-01-01T05:05:00.000Z');
    clock.advance(31 * 60_000);
    await expect(resumePortalSession(deps, ada.email, 'sid1')).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  test('a user no longer in that org is refused; an org of someone else is never returned', async () => {
    const { store, deps } = world();
    await startPortalSession(deps, ada, 'sid1', {});
    store.orgs.set('o2', buildOrg('o2'));
    expect((await resumePortalSession(deps, ada.email, 'sid1', 'o2')).org).toBeUndefined();
    expect((await resumePortalSession(deps, ada.email, 'sid1', 'o1')).org!.orgId).toBe('o1');
    store.users.set(ada.email, { ...ada, orgId: 'o2' });
    await expect(resumePortalSession(deps, ada.email, 'sid1')).rejects.toThrow(expect.objectContaining({ code: 'no_profile' }));
    store.users.delete(ada.email);
    await expect(resumePortalSession(deps, ada.email, 'sid1')).rejects.toBeInstanceOf(ForbiddenError);
  });

  test('posted forms need the session\'s CSRF token', async () => {
    const { deps, sessions } = world();
    await startPortalSession(deps, ada, 'sid1', {});
    const who = await sessions.visitor(await withCookie(sessions, { sid: 'sid1', email: ada.email, orgId: 'o1' }));
    const post = (csrf: string) => event({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${encodeURIComponent(csrf)}&a=1` });
    expect(await sessions.postedForm(post(who.page.csrf), who)).toEqual({ csrf: who.page.csrf, a: '1' });
    await expect(sessions.postedForm(post('forged'), who)).rejects.toThrow(expect.objectContaining({ code: 'csrf_failed' }));
    expect(sessions.pageOf(event())).toBeUndefined();
  });

  test('signing out one session, and everywhere (yourself, or an admin for a user of the org) — audited, in chunks of 25', async () => {
    const { store, deps, clock } = world();
    const one = await startPortalSession(deps, ada, 'sid1', {});
    await endPortalSession(deps, customer(ada), one);
    expect(store.portalSessions.get(`${ada.email}#sid1`)).toMatchObject({ status: 'ended', endedAt: NOW.toISOString(), version: 2 });
    for (let i = 0; i < 30; i++) await startPortalSession(deps, uma, `u${i}`, {});
    clock.advance(1000);
    expect(await signOutEverywhere(deps, customer(ada), ' UMA@o1.test ')).toBe(30);
    expect([...store.portalSessions.values()].filter((s) => s.email === uma.email && s.status === 'active')).toEqual([]);
    const last = store.committed.slice(-2);
    expect(last.map((c) => [c.change.writes.length, c.change.audit.map((a) => [a.action, a.target.id, a.after])])).toEqual([
      [25, [['user.signed_out_everywhere', uma.email, { sessionsEnded: 30 }]]],
      [5, []],
    ]);
    expect(await signOutEverywhere(deps, customer(uma), undefined)).toBe(0);
    expect(store.committed.at(-1)!.change.audit[0]).toMatchObject({ action: 'user.signed_out_everywhere', target: { id: uma.email }, after: { sessionsEnded: 0 } });
  });

  test('signing someone else out: admins only, and only users of their org', async () => {
    const { store, deps } = world();
    await expect(signOutEverywhere(deps, customer(uma), ada.email)).rejects.toThrow(expect.objectContaining({ code: 'admins_only' }));
    store.users.set('zed@o2.test', { ...uma, email: 'zed@o2.test', orgId: 'o2' });
    await expect(signOutEverywhere(deps, customer(ada), 'zed@o2.test')).rejects.toBeInstanceOf(NotFoundError);
    await expect(signOutEverywhere(deps, customer(ada), 'ghost@o1.test')).rejects.toBeInstanceOf(NotFoundError);
    await expect(signOutEverywhere(deps, customer(ada), 'not an email')).rejects.toThrow(expect.objectContaining({ field: 'email' }));
  });
});
