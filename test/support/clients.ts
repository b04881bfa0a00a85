import { agentToken } from '../../infra/local/token';
import { CookieJar, jarFetch, signInThrough } from '../../infra/local/oidc-login';
import { DEMO_PASSWORD } from '../../infra/local/layout';
import { layout } from './fixtures';
import { signRequest } from '../../infra/admin/sigv4';
import { LOCAL_PLATFORM_ADMIN } from '../../infra/local/iam-authorizer';
import { checkResponse, operationOf } from './contract';

const base = layout.urls.portal;

/** An agent calling the support API with a bearer token from the staff issuer. */
export class AgentClient {
  private constructor(
    readonly email: string,
    readonly token: string,
  ) {}

  static async signIn(email: string): Promise<AgentClient> {
    return new AgentClient(email, await agentToken(layout, email));
  }

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    checkResponse(method, path, res.status, res.headers.get('content-type'), parsed);
    return { status: res.status, body: parsed, headers: res.headers };
  }
}

/** A customer user signed in to the portal through the real OIDC flow, with a cookie jar. */
export class PortalClient {
  readonly jar = new CookieJar();
  private constructor(readonly email: string) {}

  /** `actingAgent`: sign in the way a "log in as" session would, with an actor claim. */
  static async signIn(email: string, options: { actingAgent?: string } = {}): Promise<PortalClient> {
    const client = new PortalClient(email);
    const start = await jarFetch(client.jar, `${base}/login`);
    const extra: Record<string, string> = options.actingAgent ? { actingAgent: options.actingAgent } : {};
    const callback = await signInThrough(client.jar, start.headers.get('location')!, `${base}/auth/callback`, email, DEMO_PASSWORD, extra);
    const done = await jarFetch(client.jar, callback);
    if (done.status !== 303) throw new Error(`Portal sign-in for ${email} failed: ${done.status} ${await done.text()}`);
    return client;
  }

  async get(path: string): Promise<{ status: number; html: string; location: string | null }> {
    const res = await jarFetch(this.jar, `${base}${path}`);
    return { status: res.status, html: await res.text(), location: res.headers.get('location') };
  }

  /** The CSRF token the portal put in its forms. */
  async csrf(): Promise<string> {
    const page = await this.get('/');
    const token = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1];
    if (!token) throw new Error(`No CSRF token on the dashboard (${page.status})`);
    return token;
  }

  async post(path: string, fields: Record<string, string>, options: { csrf?: string | null } = {}): Promise<{ status: number; html: string; location: string | null }> {
    const csrf = options.csrf === undefined ? await this.csrf() : options.csrf;
    const form = new URLSearchParams({ ...fields, ...(csrf === null ? {} : { csrf }) });
    const res = await jarFetch(this.jar, `${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    return { status: res.status, html: await res.text(), location: res.headers.get('location') };
  }
}

/** A request with no credentials at all. */
export async function anonymous(method: string, path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`${base}${path}`, { method, redirect: 'manual', ...init });
  if (operationOf(method, path)) {
    const text = await res.clone().text();
    checkResponse(method, path, res.status, res.headers.get('content-type'), text ? JSON.parse(text) : undefined);
  }
  return res;
}

/** The customer's product calling the product API with its org credentials (HTTP Basic). */
export async function productCall(
  credentials: { clientId: string; secret: string } | undefined,
  path: '/oauth/introspect' | '/activity',
  body: Record<string, string>,
): Promise<{ status: number; body: any; headers: Headers }> {
  const form = path === '/oauth/introspect';
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
      ...(credentials ? { authorization: `Basic ${Buffer.from(`${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.secret)}`).toString('base64')}` } : {}),
    },
    body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
  const parsed = await res.json();
  checkResponse('POST', path, res.status, res.headers.get('content-type'), parsed);
  return { status: res.status, body: parsed, headers: res.headers };
}

export const introspect = (credentials: { clientId: string; secret: string } | undefined, token: string) => productCall(credentials, '/oauth/introspect', { token });

/** A platform admin calling the admin API, SigV4-signed like `npm run admin` (local admin by default). */
export async function adminCall(
  method: string,
  path: string,
  body?: unknown,
  options: { credentials?: { accessKeyId: string; secretAccessKey: string }; signingDate?: Date; sendBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any }> {
  const url = new URL(`${base}${path}`);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const signed = await signRequest({ method, url, headers: text ? { 'content-type': 'application/json' } : {}, body: text }, options.credentials ?? LOCAL_PLATFORM_ADMIN, LOCAL_PLATFORM_ADMIN.region, options.signingDate);
  const { host: _host, ...headers } = signed;
  const res = await fetch(url, { method, headers: { ...headers, ...options.headers }, body: options.sendBody ?? text });
  const raw = await res.text();
  const parsed = raw ? JSON.parse(raw) : undefined;
  checkResponse(method, path, res.status, res.headers.get('content-type'), parsed);
  return { status: res.status, body: parsed };
}
