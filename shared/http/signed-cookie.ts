import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tamper-proof cookie values: base64url(JSON) + "." + HMAC-SHA256. Used for the portal session
 * and the short-lived sign-in state (PKCE verifier, state, nonce).
 */
export class CookieSealer {
  private readonly secrets: string[];

  /**
   * `secret` signs; `previous` (a rotated-out secret) still opens what it signed, so rotating the
   * secret signs nobody out.
   */
  constructor(
    secret: string,
    private readonly secure: boolean,
    previous?: string,
  ) {
    this.secrets = [secret, ...(previous ? [previous] : [])];
    if (this.secrets.some((s) => s.length < 32)) throw new Error('The session secret must be at least 32 characters.');
  }

  private mac(data: string, secret = this.secrets[0]!): string {
    return createHmac('sha256', secret).update(data).digest('base64url');
  }

  private matches(data: string, given: string): boolean {
    return this.secrets.some((secret) => {
      const expected = Buffer.from(this.mac(data, secret));
      const candidate = Buffer.from(given);
      return expected.length === candidate.length && timingSafeEqual(expected, candidate);
    });
  }

  seal(payload: object, maxAgeSeconds: number, now: Date): string {
    const body = Buffer.from(JSON.stringify({ ...payload, exp: Math.floor(now.getTime() / 1000) + maxAgeSeconds })).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  open<T extends object>(value: string | undefined, now: Date): T | undefined {
    if (!value) return undefined;
    const [body, mac] = value.split('.');
    if (!body || !mac || !this.matches(body, mac)) return undefined;
    try {
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T & { exp: number };
      return payload.exp > now.getTime() / 1000 ? payload : undefined;
    } catch {
      return undefined;
    }
  }

  /** A Set-Cookie value: HttpOnly, SameSite=Lax (the OIDC redirect back is a top-level GET), Secure. */
  cookie(name: string, value: string, maxAgeSeconds: number): string {
    return [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`, this.secure ? 'Secure' : '']
      .filter(Boolean)
      .join('; ');
  }

  clear(name: string): string {
    return this.cookie(name, '', 0);
  }

  /** A per-session CSRF token: derived, so nothing needs storing. */
  csrfToken(sessionId: string): string {
    return this.mac(`csrf:${sessionId}`);
  }

  checkCsrf(sessionId: string, token: string | undefined): boolean {
    return !!token && this.matches(`csrf:${sessionId}`, token);
  }
}

export const newSessionId = (): string => randomBytes(16).toString('base64url');
