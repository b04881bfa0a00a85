import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { ImpersonatedSessionError, portalActor, type Actor } from '../domain/actor';
import { DomainError, ForbiddenError, UnauthenticatedError } from '../domain/errors';
import { loadOrg } from '../domain/grant-service';
import type { Org, PortalSession, UserProfile } from '../domain/model';
import { PORTAL_SESSION_LIMITS, resumePortalSession, type PortalSessionDeps } from '../domain/portal-sessions';
import { statusOf } from './problem';
import { cookies, formBody } from './request';
import { CookieSealer } from './signed-cookie';
import type { SessionSecrets } from '../adapters/secrets';
import type { PageUser } from './views/layout';
import { messagePage, refusalPage } from './views/message-page';

export const SESSION_COOKIE = 'sa_session';
export const SESSION_SECONDS = PORTAL_SESSION_LIMITS.absoluteSeconds;

/** What the portal's session cookie holds (signed, HttpOnly): only which stored sign-in it is. */
export interface SessionCookie {
  sid: string;
  email: string;
  /** The user's org, so it is read with the user and the session (absent in cookies sealed before it was added). */
  orgId?: string;
}

/** A signed-in customer user, their org, and what every page needs of them. */
export interface Visitor {
  /** The principal every domain service receives: the customer in person, or support acting as them. */
  actor: Actor;
  user: UserProfile;
  org: Org;
  session: PortalSession;
  page: PageUser;
}

export const htmlPage = (statusCode: number, body: string, setCookies: string[] = []): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  },
  cookies: setCookies,
  body,
});

export const redirect = (location: string, setCookies: string[] = []): APIGatewayProxyResultV2 => ({
  statusCode: 303,
  headers: { location, 'cache-control': 'no-store' },
  cookies: setCookies,
});

/**
 * Reads the portal's session cookie (the approval pages share it): it names a stored sign-in,
 * which is read with the user in one round trip, so signing out anywhere ends it at once.
 */
export class PortalSessions {
  constructor(
    private readonly deps: PortalSessionDeps,
    private readonly secrets: () => Promise<SessionSecrets>,
    private readonly secure: boolean,
  ) {}

  /** The cookie sealer, built on first use from the (lazily read) secrets. */
  async sealer(): Promise<CookieSealer> {
    const { current, previous } = await this.secrets();
    return new CookieSealer(current, this.secure, previous);
  }

  /** The page header of each event's visitor, for the refusal page if the request is refused later. */
  private readonly pages = new WeakMap<APIGatewayProxyEventV2, PageUser>();

  /** Who the refused request came from, if the visitor was resolved before the refusal. */
  pageOf(event: APIGatewayProxyEventV2): PageUser | undefined {
    return this.pages.get(event);
  }

  /**
   * The org the session cookie names, before anything is read: for a read that can go in the same
   * round trip as the visitor's own. Only a hint — who the visitor is, and their org, come from
   * `visitor`, and a route acts on nothing until it has them.
   */
  async claimedOrgId(event: APIGatewayProxyEventV2): Promise<string | undefined> {
    return (await this.sealer()).open<SessionCookie>(cookies(event)[SESSION_COOKIE], this.deps.clock.now())?.orgId;
  }

  async visitor(event: APIGatewayProxyEventV2): Promise<Visitor> {
    const seal = await this.sealer();
    const cookie = seal.open<SessionCookie>(cookies(event)[SESSION_COOKIE], this.deps.clock.now());
    if (!cookie?.sid || !cookie.email) throw new UnauthenticatedError();
    // One round trip: the user, the session and (named by the cookie) the org.
    const { user: stored, session, org: read } = await resumePortalSession(this.deps, cookie.email, cookie.sid, cookie.orgId);
    const user = { ...stored, ...session.profile };
    const org = read ?? (await loadOrg(this.deps.store, user.orgId));
    const visitor: Visitor = {
      actor: portalActor(user, session.actingAgent),
      user,
      org,
      session,
      page: { name: user.name, email: user.email, orgName: org.name, csrf: seal.csrfToken(session.sid), role: user.role, impersonatedBy: session.actingAgent },
    };
    this.pages.set(event, visitor.page);
    return visitor;
  }

  /** Every POST carries the session's CSRF token. */
  async postedForm(event: APIGatewayProxyEventV2, who: Visitor): Promise<Record<string, string>> {
    const form = formBody(event);
    if (!(await this.sealer()).checkCsrf(who.session.sid, form.csrf)) {
      throw new ForbiddenError('csrf_failed', 'This form has expired or did not come from this site. Reload the page and try again.');
    }
    return form;
  }
}

/**
 * HTML errors: sign-in redirects for GETs, a readable page with the right status for the rest —
 * titled for what happened, and with the header (navigation, who you are) when the visitor was
 * known before the refusal.
 */
export function renderHtmlError(error: unknown, event: APIGatewayProxyEventV2, user?: PageUser): APIGatewayProxyResultV2 {
  if (error instanceof UnauthenticatedError) {
    if (event.requestContext.http.method === 'GET') return redirect(`/login?returnTo=${encodeURIComponent(event.rawPath)}`);
    return htmlPage(401, messagePage('Please sign in', 'Your session has ended. Sign in again, then retry.'));
  }
  if (error instanceof ImpersonatedSessionError) return htmlPage(403, messagePage('Only the customer in person can change access', error.message, user));
  if (error instanceof DomainError) return htmlPage(statusOf(error), refusalPage(error, user));
  return htmlPage(500, messagePage('Something went wrong', 'Something went wrong on our side. Nothing was changed.', user));
}
