/**
 * `login`: authorization code + PKCE with a loopback redirect (RFC 8252 §7.3). The CLI listens on
 * the stage's callback port on loopback only, opens the system browser (or prints the URL), and
 * takes back one callback carrying the state it sent.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { escapeHtml } from '../../shared/http/html';
import { authorization, codeFrom, exchangeCode, type ClientSettings, type IssuerEndpoints, type Tokens } from './oidc-client';
import { CliError } from './profiles';

/** How long the CLI waits for the browser to come back. */
const LOGIN_TIMEOUT_MS = 5 * 60_000;

const page = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}</style></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;

function openBrowser(url: string): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined); // no browser opener: the printed URL is enough
  child.unref();
}

/** Listens on both loopback addresses `localhost` may resolve to; never on a public interface. */
async function listenOnLoopback(port: number, handle: Parameters<typeof createServer>[1]): Promise<Server[]> {
  const servers: Server[] = [];
  for (const host of ['127.0.0.1', '::1']) {
    const server = createServer(handle);
    const ok = await new Promise<boolean>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') reject(new CliError(`Port ${port} is in use, so the sign-in cannot receive its callback. Is another "support login" running?`));
        else resolve(false); // e.g. no IPv6 on this machine
      });
      server.listen(port, host, () => resolve(true));
    });
    if (ok) servers.push(server);
  }
  if (!servers.length) throw new CliError(`Cannot listen on localhost:${port} for the sign-in callback.`);
  return servers;
}

export async function loopbackLogin(endpoints: IssuerEndpoints, client: ClientSettings, options: { browser: boolean; say: (line: string) => void }): Promise<Tokens> {
  const attempt = authorization(endpoints, client);
  const callbackPath = new URL(client.redirectUri).pathname;
  const port = Number(new URL(client.redirectUri).port);
  let settle!: { resolve: (code: string) => void; reject: (error: Error) => void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  const servers = await listenOnLoopback(port, (req, res) => {
    const url = new URL(req.url ?? '/', client.redirectUri);
    if (url.pathname !== callbackPath) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not the sign-in callback.');
      return;
    }
    try {
      const received = codeFrom(url, attempt.state);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('Signed in', 'You are signed in to the support CLI. You can close this tab and go back to the terminal.'));
      settle.resolve(received);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(page('Sign-in failed', message));
      // A callback with another state is someone else's (or stale): keep waiting for ours.
      if (url.searchParams.get('state') === attempt.state) settle.reject(new CliError(message));
    }
  });
  const timer = setTimeout(() => settle.reject(new CliError('No sign-in came back within 5 minutes; run login again.')), LOGIN_TIMEOUT_MS);
  try {
    options.say(`Sign in in your browser${options.browser ? ' (opening it now)' : ''}:\n  ${attempt.url}\nWaiting for the sign-in on ${client.redirectUri} …`);
    if (options.browser) openBrowser(attempt.url);
    return await exchangeCode(endpoints, client, await code, attempt.verifier);
  } finally {
    clearTimeout(timer);
    for (const server of servers) server.close();
  }
}
