import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** What SES answers for an address the gate was told about: a permanent refusal or a transient one. */
type Verdict = 'reject' | 'throttle';

/**
 * The SES v2 API as the functions see it: forwards to the SES emulator, but answers as SES would
 * for addresses a test marks — `MessageRejected` (permanent, 400) or `TooManyRequestsException`
 * (transient, 429) — since the emulator itself accepts anything. Controls (local only):
 * `POST /__addresses {"address", "verdict": "reject" | "throttle" | "accept"}`, `GET /__addresses`.
 */
export function createSesGate(emulatorUrl: string, log: (line: string) => void = () => undefined): Server {
  const verdicts = new Map<string, Verdict>();
  return createServer((req, res) => {
    handle(req, res).catch((error) => {
      log(`ses gate: ${String(error)}`);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'SES emulator unreachable' }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const body = await read(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/__addresses') {
      if (req.method === 'POST') {
        const { address, verdict } = JSON.parse(body.toString('utf8') || '{}') as { address?: string; verdict?: string };
        if (!address || !['reject', 'throttle', 'accept'].includes(verdict ?? '')) return json(res, 400, { message: 'Send {"address", "verdict": "reject" | "throttle" | "accept"}.' });
        if (verdict === 'accept') verdicts.delete(address.toLowerCase());
        else verdicts.set(address.toLowerCase(), verdict as Verdict);
      }
      return json(res, 200, Object.fromEntries(verdicts));
    }
    if (req.method === 'POST' && url.pathname === '/v2/email/outbound-emails') {
      const to = ((JSON.parse(body.toString('utf8') || '{}') as { Destination?: { ToAddresses?: string[] } }).Destination?.ToAddresses ?? []).map((a) => a.toLowerCase());
      const verdict = to.map((a) => verdicts.get(a)).find(Boolean);
      if (verdict === 'reject') return error(res, 400, 'MessageRejected', `Email address is not deliverable: ${to.join(', ')}`);
      if (verdict === 'throttle') return error(res, 429, 'TooManyRequestsException', 'Maximum sending rate exceeded.');
    }
    const upstream = await fetch(`${emulatorUrl}${req.url ?? '/'}`, { method: req.method, headers: forwardable(req), body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body });
    res.writeHead(upstream.status, Object.fromEntries(upstream.headers)).end(Buffer.from(await upstream.arrayBuffer()));
  }
}

function forwardable(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && k !== 'host' && k !== 'content-length') headers[k] = Array.isArray(v) ? v.join(',') : v;
  return headers;
}

async function read(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const json = (res: ServerResponse, status: number, body: unknown) => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

function error(res: ServerResponse, status: number, type: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type }).end(JSON.stringify({ message }));
}
