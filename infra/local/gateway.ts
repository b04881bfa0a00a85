import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { jwtAuthorizer, type JwtAuthorizerConfig } from './jwt-authorizer';
import { ROUTES, routeKeyOf, type Route } from '../../shared/http/routes';
import type { FunctionName, Handler } from './functions';
import { authorizeIam } from './iam-authorizer';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportLinkSignature } from '../../shared/adapters/file-export-store';
import { lambdaContext } from './lambda-context';

/** API Gateway's payload limit. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Lambda's limit on a synchronous response; API Gateway answers 502 above it. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;
/** HTTP API's integration timeout; API Gateway answers 503 after it, whatever the function does. */
export const INTEGRATION_TIMEOUT_MS = 30_000;
/** API Gateway HTTP APIs: the request line and header values together, at most 10,240 bytes. */
export const MAX_REQUEST_LINE_AND_HEADERS_BYTES = 10_240;

/** The request line and header values, as API Gateway counts them against its limit. */
const requestLineAndHeaderBytes = (req: IncomingMessage) =>
  Buffer.byteLength(`${req.method} ${req.url} HTTP/${req.httpVersion}`) + req.rawHeaders.reduce((n, part) => n + Buffer.byteLength(part), 0);


interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

/** Content types API Gateway passes as text; everything else arrives base64-encoded. */
const TEXTUAL = /^(application\/(json|problem\+json|xml|javascript)|text\/)/;

function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decodable(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Builds the HTTP API payload 2.0 event API Gateway would send. */
/** What the authorizer in front of a route hands the function: JWT claims or the IAM caller. */
export type AuthorizerContext = { jwt: { claims: Record<string, string>; scopes: string[] | null } } | { iam: Record<string, string> };

export function toEvent(req: IncomingMessage, url: URL, route: Route, params: Record<string, string>, body: Buffer, authorizer?: AuthorizerContext): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookieHeader = req.headers.cookie;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const textual = TEXTUAL.test(req.headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: routeKeyOf(route),
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: cookieHeader ? cookieHeader.split(/;\s*/).filter(Boolean) : undefined,
    headers,
    queryStringParameters: url.search ? query : undefined,
    pathParameters: Object.keys(params).length ? params : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: url.hostname.split('.')[0] ?? url.hostname,
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: routeKeyOf(route),
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(authorizer ? { authorizer } : {}),
    } as APIGatewayProxyEventV2['requestContext'],
    body: body.length ? (textual ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !textual,
  };
}

/** API Gateway hands claims to the function as strings. */
function writeResult(res: ServerResponse, result: unknown) {
  // Like API Gateway: a non-structured result is a 200 JSON body.
  const structured = (result && typeof result === 'object' && 'statusCode' in result
    ? result
    : { statusCode: 200, body: typeof result === 'string' ? result : JSON.stringify(result), headers: { 'content-type': 'application/json' } }) as APIGatewayProxyStructuredResultV2;
  // Lambda refuses a response over 6 MB (as serialized), and API Gateway then answers 502.
  if (Buffer.byteLength(JSON.stringify(structured)) > MAX_RESPONSE_BYTES) return send(res, 502, { message: 'Internal Server Error' });
  const headers: Record<string, string | string[]> = { ...(structured.headers as Record<string, string>) };
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const body = structured.body ? Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  res.writeHead(structured.statusCode ?? 200, headers).end(body);
}

/**
 * Serves a large export's download link the way S3 serves a presigned URL: while its signature
 * checks and it has not expired (403 otherwise). Local only; not a route of the product.
 */
async function serveExport(res: ServerResponse, url: URL, exports: { dir: string; secret: string }): Promise<void> {
  const key = decodeURIComponent(url.pathname.slice('/__exports/'.length));
  const expires = Number(url.searchParams.get('expires'));
  const signature = url.searchParams.get('signature') ?? '';
  if (!/^exports\/[\w.-]+\/[\w.-]+\.csv$/.test(key) || !(expires > Date.now() / 1000) || signature !== exportLinkSignature(exports.secret, key, expires)) {
    return send(res, 403, { message: 'Request has expired or the signature does not match.' });
  }
  const body = await readFile(join(exports.dir, key)).catch(() => undefined);
  if (!body) return send(res, 404, { message: 'NoSuchKey' });
  res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${key.split('/').pop()}"` }).end(body);
}

/**
 * The local API Gateway: matches the shared route table, applies the JWT authorizer (with the
 * staff scopes every staff route requires) to staff routes and IAM (SigV4) authorization to admin
 * routes, turns the request into a payload 2.0 event and invokes the same handler module.
 */
export function createGateway(handlers: Record<FunctionName, Handler>, authorizer: JwtAuthorizerConfig & { scopes: string[] }, log: (line: string) => void = () => undefined, integrationTimeoutMs = INTEGRATION_TIMEOUT_MS, exports?: { dir: string; secret: string }): Server {
  const compiled = ROUTES.map(compile);
  const authorizeJwt = jwtAuthorizer(authorizer);
  // Node's own parser would refuse above 16 KB with an empty answer; the limit is enforced below, like API Gateway's.
  return createServer({ maxHeaderSize: 64 * 1024 }, async (req, res) => {
    try {
      if (requestLineAndHeaderBytes(req) > MAX_REQUEST_LINE_AND_HEADERS_BYTES) return send(res, 431, { message: 'Request Header Fields Too Large' });
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
      const body = await readBody(req);
      if (body === 'too_large') return send(res, 413, { message: 'Request Entity Too Large' });
      if (exports && req.method === 'GET' && url.pathname.startsWith('/__exports/')) return serveExport(res, url, exports);
      // Like API Gateway: a path or query that does not percent-decode is a bad request.
      if (!decodable(url.pathname) || !url.search.slice(1).split('&').every((pair) => decodable(pair.replace(/\+/g, ' ')))) {
        return send(res, 400, { message: 'Bad Request' });
      }
      let params: Record<string, string> = {};
      const match = compiled.find((c) => {
        if (c.route.method !== req.method) return false;
        const m = c.pattern.exec(url.pathname);
        if (!m) return false;
        params = Object.fromEntries(c.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
        return true;
      });
      if (!match) return send(res, 404, { message: 'Not Found' });
      let authorizerContext: AuthorizerContext | undefined;
      if (match.route.auth === 'iam') {
        const decision = await authorizeIam({ method: req.method ?? 'GET', url, headers: req.headers, body }, new Date());
        if (!decision.ok) return send(res, 403, { message: decision.message });
        authorizerContext = { iam: decision.iam };
      }
      if (match.route.auth === 'staff-jwt') {
        const decision = await authorizeJwt(req.headers.authorization, authorizer.scopes, new Date());
        if (!decision.ok) {
          // API Gateway says no more than this to the caller; the reason goes to the local log.
          log(`${req.method} ${url.pathname} → ${decision.status} (JWT authorizer: ${decision.reason})`);
          return send(res, decision.status, { message: decision.status === 403 ? 'Forbidden' : 'Unauthorized' });
        }
        authorizerContext = { jwt: { claims: decision.claims, scopes: decision.scopes } };
      }
      const event = toEvent(req, url, match.route, params, body, authorizerContext);
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), integrationTimeoutMs)));
      const result = await Promise.race([handlers[match.route.fn](event, lambdaContext(match.route.fn)), timedOut]).finally(() => clearTimeout(timer));
      if (result === 'timeout') {
        log(`${req.method} ${url.pathname} → 503 (integration timeout after ${integrationTimeoutMs} ms)`);
        return send(res, 503, { message: 'Service Unavailable' });
      }
      writeResult(res, result);
      log(`${req.method} ${url.pathname} → ${res.statusCode} (${match.route.fn}, ${Date.now() - started} ms)`);
    } catch (error) {
      log(`gateway error: ${String(error)}`);
      if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
    }
  });
}
