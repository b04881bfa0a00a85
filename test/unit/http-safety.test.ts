import { html, raw } from '../../shared/http/html';
import { CookieSealer } from '../../shared/http/signed-cookie';
import { renderNotice } from '../../shared/mail/templates';

describe('HTML escaping', () => {
  test('interpolations are escaped; nested html and raw are not escaped twice', () => {
    const name = '<script>alert("x")</script>';
    expect(html`<p>${name}</p>`.toString()).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
    expect(html`<div>${html`<b>${'a&b'}</b>`}${raw('<i>ok</i>')}</div>`.toString()).toBe('<div><b>a&amp;b</b><i>ok</i></div>');
  });

  test('notice emails escape every value in the HTML part', () => {
    const email = renderNotice(
      { noticeId: 'n1', orgId: 'o1', template: 'grant-created', to: ['a@o.test'], createdAt: '2026-01-01T00:00:00Z', data: { orgName: '<b>Evil</b> Org', grantedBy: 'Ann', actAs: 'a@o.test', level: 'manage', environment: 'production', expiresAt: '2026-01-02T00:00:00.000Z' } },
      { portalUrl: 'https://portal.example' },
    );
    expect(email.html).toContain('&lt;b&gt;Evil&lt;/b&gt; Org');
    expect(email.html).not.toContain('<b>Evil</b>');
    expect(email.text).toContain('<b>Evil</b> Org');
    expect(email.subject).toBe('Support login access granted for <b>Evil</b> Org');
  });
});

describe('signed cookies', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const sealer = new CookieSealer('x'.repeat(40), true);

  test('a sealed value opens until it expires', () => {
    const value = sealer.seal({ email: 'a@o.test' }, 60, now);
    expect(sealer.open<{ email: string }>(value, now)?.email).toBe('a@o.test');
    expect(sealer.open(value, new Date(now.getTime() + 61_000))).toBeUndefined();
  });

  test('a tampered payload or signature does not open', () => {
    const value = sealer.seal({ email: 'a@o.test' }, 60, now);
    const [body, mac] = value.split('.');
    const forged = Buffer.from(JSON.stringify({ email: 'admin@o.test', exp: 9e9 })).toString('base64url');
    expect(sealer.open(`${forged}.${mac}`, now)).toBeUndefined();
    expect(sealer.open(`${body}.${mac!.slice(0, -2)}xx`, now)).toBeUndefined();
    expect(new CookieSealer('y'.repeat(40), true).open(value, now)).toBeUndefined();
  });

  test('cookies are HttpOnly, SameSite and Secure; CSRF tokens are bound to the session', () => {
    expect(sealer.cookie('s', 'v', 10)).toBe('s=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=10; Secure');
    expect(sealer.checkCsrf('sid-1', sealer.csrfToken('sid-1'))).toBe(true);
    expect(sealer.checkCsrf('sid-2', sealer.csrfToken('sid-1'))).toBe(false);
    expect(sealer.checkCsrf('sid-1', undefined)).toBe(false);
  });
});
