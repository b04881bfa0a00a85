import type { Server } from 'node:http';
import { signRequest } from '../../infra/admin/sigv4';
import { FUNCTION_ENTRIES, loadHandler, type FunctionName, type Handler } from '../../infra/local/functions';
import { createGateway } from '../../infra/local/gateway';
import { LOCAL_PLATFORM_ADMIN } from '../../infra/local/iam-authorizer';
import { DEMO_PASSWORD, functionEnvironment, platformEnvironment, STAFF_CLIENT_ID } from '../../infra/local/layout';
import { CookieJar, jarFetch, signInThrough } from '../../infra/local/oidc-login';
import { agentToken } from '../../infra/local/token';
import { benchLayout } from './bench-stack';
import { StoreCounter } from './store-counter';

export const stackUrl = benchLayout.urls.portal;

/** A JSON call with a status check: the bench stops on the first surprise. */
export async function call(url: string, init: RequestInit & { expect?: number } = {}): Promise<any> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  if (res.status !== (init.expect ?? 200)) throw new Error(`${init.method ?? 'GET'} ${url} → ${res.status}: ${text.slice(0, 300)}`);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A platform admin's signed call to the bench stack's admin API. */
export async function admin(method: string, path: string, body?: unknown, expect = 200): Promise<any> {
  const url = new URL(`${stackUrl}${path}`);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const { host: _host, ...headers } = await signRequest({ method, url, headers: text ? { 'content-type': 'application/json' } : {}, body: text }, LOCAL_PLATFORM_ADMIN, LOCAL_PLATFORM_ADMIN.region);
  return call(url.toString(), { method, headers, body: text, expect });
}

export interface BenchOrg {
  orgId: string;
  adminEmail: string;
  product: { clientId: string; secret: string };
}

/** A paid org with production and sandbox, created the way a platform admin creates one. */
export async function createOrg(tag: string): Promise<BenchOrg> {
  const created = await admin('POST', '/admin/orgs', { name: `Bench ${tag} ${Date.now()}`, plan: 'paid', environments: ['production', 'sandbox'], firstAdminEmail: `admin@${tag}-${Date.now()}.bench` }, 201);
  return { orgId: created.org.orgId, adminEmail: created.firstAdmin.email, product: { clientId: created.productCredentials.clientId, secret: created.productCredentials.clientSecret } };
}

export const basic = (p: { clientId: string; secret: string }) => `Basic ${Buffer.from(`${encodeURIComponent(p.clientId)}:${encodeURIComponent(p.secret)}`).toString('base64')}`;

export const agentBearer = async (email = 'alex@vendor.test') => `Bearer ${await agentToken(benchLayout, email, DEMO_PASSWORD)}`;

/** A customer user signed in through the stack's real OIDC flow; calls can go to any gateway. */
export class Portal {
  private constructor(private readonly jar: CookieJar) {}

  static async signIn(email: string): Promise<Portal> {
    const jar = new CookieJar();
    const start = await jarFetch(jar, `${stackUrl}/login`);
    const callback = await signInThrough(jar, start.headers.get('location')!, `${stackUrl}/auth/callback`, email, DEMO_PASSWORD);
    await jarFetch(jar, callback);
    return new Portal(jar);
  }

  private headers(extra: Record<string, string> = {}) {
    return { cookie: this.jar.header(stackUrl), ...extra };
  }

  async csrf(base = stackUrl): Promise<string> {
    const html = await call(`${base}/`, { headers: this.headers() });
    return /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  }

  /** Posts a form; expects the portal's redirect after success. */
  async post(path: string, fields: Record<string, string>, base = stackUrl, csrf?: string): Promise<string> {
    const body = new URLSearchParams({ ...fields, csrf: csrf ?? (await this.csrf(base)) }).toString();
    const res = await fetch(`${base}${path}`, { method: 'POST', redirect: 'manual', headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }), body });
    if (res.status !== 303 && res.status !== 200) throw new Error(`POST ${path} → ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return res.headers.get('location') ?? '';
  }

  async grantIds(): Promise<string[]> {
    return [...String(await call(`${stackUrl}/`, { headers: this.headers() })).matchAll(/data-grant="([^"]+)"/g)].map((m) => m[1]!);
  }
}

/**
 * The same handler modules in this process, behind a second local gateway, with a store
 * counter on their DynamoDB client: what each API operation costs the store.
 */
export async function inProcessGateway(): Promise<{ url: string; counter: StoreCounter; handlers: Record<FunctionName, Handler>; close: () => Promise<void> }> {
  Object.assign(process.env, platformEnvironment(benchLayout), functionEnvironment(benchLayout), { LOG_LEVEL: 'ERROR' });
  const names = Object.keys(FUNCTION_ENTRIES) as FunctionName[];
  const handlers = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await loadHandler(n)] as const))) as Record<FunctionName, Handler>;
  const { documentClient } = await import('../../shared/adapters/runtime');
  const counter = new StoreCounter(documentClient);
  const server: Server = createGateway(handlers, { issuer: benchLayout.urls.staffIssuer, audience: STAFF_CLIENT_ID, scopes: [benchLayout.stage.staffScope] });
  const port = benchLayout.ports.gateway + 10;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://localhost:${port}`, counter, handlers, close: () => new Promise((r) => server.close(() => r())) };
}


/** Emails in the SES emulator's mailbox (since a time: only those, so a watcher reads little). */
export async function mailbox(since?: Date): Promise<{ messageId: string; at: number; subject: string; destination: { to: string[] }; body: { text?: string } }[]> {
  const query = since ? `?since=${Math.floor(since.getTime() / 1000)}` : '';
  return ((await call(`${benchLayout.urls.mailbox}/store${query}`)) as { emails: never[] }).emails;
}
