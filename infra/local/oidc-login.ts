/**
 * Walks an OIDC authorization-code sign-in the way a browser would (redirects, cookies, the
 * sign-in form), for the token CLI and for tests that need a signed-in HTTP client.
 */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();

  store(url: string, response: Response): void {
    const host = new URL(url).host;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(host, jar);
  }

  header(url: string): string {
    const jar = this.cookies.get(new URL(url).host);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  get(url: string, name: string): string | undefined {
    return this.cookies.get(new URL(url).host)?.get(name);
  }
}

/** fetch with the jar, never following redirects by itself. */
export async function jarFetch(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie) headers.set('cookie', cookie);
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(url, response);
  return response;
}

/**
 * Follows redirects from `startUrl` through the issuer's sign-in form until a redirect leaves
 * for `stopAt` (the client's redirect URI); returns that final URL without fetching it.
 */
export async function signInThrough(jar: CookieJar, startUrl: string, stopAt: string, email: string, password: string, extra: Record<string, string> = {}): Promise<string> {
  let url = startUrl;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(stopAt)) return url;
    const response = await jarFetch(jar, url);
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url).toString();
      continue;
    }
    const page = await response.text();
    const action = /<form method="post" action="([^"]+\/login)"/.exec(page)?.[1];
    if (!action) throw new Error(`Sign-in stopped at ${url} (${response.status}): ${page.slice(0, 200)}`);
    const post = await jarFetch(jar, new URL(action, url).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, password, ...extra }).toString(),
    });
    const next = post.headers.get('location');
    if (!next) throw new Error(`Sign-in as ${email} was refused (${post.status}).`);
    url = new URL(next, url).toString();
  }
  throw new Error('Too many redirects during sign-in.');
}
