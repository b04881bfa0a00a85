import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { html } from '../../shared/http/html';

/** One request the receiver got. */
export interface Received {
  n: number;
  at: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Checked against the secret the receiver was told for this path, when it was told one. */
  signature?: 'valid' | 'invalid';
  answered: number | 'timeout';
}

/** How a hook path answers: a status, or no answer at all (the sender's 5 s timeout). */
type Answer = number | 'timeout';

const MAX_KEPT = 500;

/**
 * The local webhook receiver, like the mailbox for email: every request posted to `/hooks/<name>`
 * is kept with its headers and body and shown on its page (newest first), with the Standard
 * Webhooks signature checked when the receiver knows the path's secret. It can be told to answer
 * errors (or nothing) on demand — from the page, or `POST /api/answer {"path", "status"}` — to see
 * retries and the delivery log. `GET /api/received?path=` lists what arrived as JSON.
 */
export class WebhookReceiver {
  private readonly received: Received[] = [];
  private readonly answers = new Map<string, Answer>();
  private count = 0;

  constructor(private readonly secrets: Record<string, string> = {}) {}

  createServer(): Server {
    return createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      });
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = await readBody(req);
    if (url.pathname.startsWith('/hooks/') && req.method === 'POST') return this.receive(req, res, url.pathname, body);
    if (url.pathname === '/api/received' && req.method === 'GET') {
      const path = url.searchParams.get('path');
      return json(res, 200, this.received.filter((r) => !path || r.path === path));
    }
    if (url.pathname === '/api/answer' && req.method === 'POST') {
      const input = (req.headers['content-type'] ?? '').includes('json') ? (JSON.parse(body || '{}') as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(body));
      const path = String(input.path ?? '');
      const answer = input.status === 'timeout' ? 'timeout' : Number(input.status);
      if (!path.startsWith('/hooks/') || (answer !== 'timeout' && !(Number.isInteger(answer) && answer >= 200 && answer <= 599))) {
        return json(res, 400, { message: 'Send {"path": "/hooks/<name>", "status": 200–599 or "timeout"}.' });
      }
      this.answers.set(path, answer);
      if ((req.headers['content-type'] ?? '').includes('json')) return json(res, 200, { path, status: answer });
      res.writeHead(303, { location: '/' }).end();
      return;
    }
    if (url.pathname === '/api/clear' && req.method === 'POST') {
      this.received.length = 0;
      this.answers.clear();
      return json(res, 200, { cleared: true });
    }
    if (url.pathname === '/' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" }).end(this.page());
      return;
    }
    json(res, 404, { message: 'Post webhooks to /hooks/<name>; the page is at /.' });
  }

  private receive(req: IncomingMessage, res: ServerResponse, path: string, body: string) {
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]));
    const answer = this.answers.get(path) ?? 200;
    const secret = this.secrets[path];
    let signature: Received['signature'];
    if (secret) {
      try {
        new Webhook(secret).verify(body, headers);
        signature = 'valid';
      } catch {
        signature = 'invalid';
      }
    }
    this.received.unshift({ n: ++this.count, at: new Date().toISOString(), path, headers, body, signature, answered: answer });
    this.received.length = Math.min(this.received.length, MAX_KEPT);
    if (answer === 'timeout') return; // never answered: the sender gives up after 5 s
    res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'received' : `the local receiver was told to answer ${answer}`);
  }

  private page(): string {
    const paths = [...new Set([...Object.keys(this.secrets), ...this.received.map((r) => r.path)])].sort();
    return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Webhook receiver — Support Access (local)</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1a1a1a}pre{white-space:pre-wrap;word-break:break-word;background:#f4f4f4;padding:.5rem;font-size:13px}
article{border-top:1px solid #ccc;padding:.5rem 0}.bad{color:#a00}.ok{color:#060}form{display:inline}label{margin-right:.5rem}</style></head><body>
<h1>Webhook receiver (local)</h1>
<p>Every webhook the local stack posts to <code>/hooks/&lt;name&gt;</code> on this server, newest first. Reload to see new ones.</p>
<h2>Answer with</h2>
${paths.map(
  (p) => html`<form method="post" action="/api/answer"><input type="hidden" name="path" value="${p}"><label>${p}: <select name="status">
${['200', '500', '503', '410', 'timeout'].map((s) => html`<option value="${s}" ${String(this.answers.get(p) ?? 200) === s ? 'selected' : ''}>${s === 'timeout' ? 'no answer (timeout)' : s}</option>`)}</select></label><button>Set</button></form><br>`,
)}
<h2>Received (${this.received.length})</h2>
${this.received.length ? '' : html`<p>Nothing yet. Add a webhook on the portal's settings page, or use the demo one of Acme.</p>`}
${this.received.map(
  (r) => html`<article><h3>#${r.n} ${r.path} — ${r.headers['webhook-id'] ?? ''}</h3>
<p>${r.at} · answered ${r.answered}${r.signature ? html` · signature <strong class="${r.signature === 'valid' ? 'ok' : 'bad'}">${r.signature}</strong>` : ''}</p>
<pre>${Object.entries(r.headers).filter(([k]) => k.startsWith('webhook-') || k === 'content-type' || k === 'user-agent').map(([k, v]) => `${k}: ${v}`).join('\n')}</pre>
<pre>${prettyJson(r.body)}</pre></article>`,
)}
</body></html>`.toString();
  }
}

const prettyJson = (body: string) => {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
