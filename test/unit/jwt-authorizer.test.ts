import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { discoveredKeys, jwtAuthorizer, type JwtDecision } from '../../infra/local/jwt-authorizer';

const ISSUER = 'https://staff.example.test';
const AUDIENCE = 'support-app';
const NOW = new Date('2026-06-01T12:00:00.000Z');
const T = Math.floor(NOW.getTime() / 1000);
const SCOPE = 'support-access/agent';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let rsa: Key;
let rsa384: Key;
let ec: Key;
let hmac: Uint8Array;
let jwks: JWK[];

beforeAll(async () => {
  const a = await generateKeyPair('RS256', { extractable: true });
  const b = await generateKeyPair('RS384', { extractable: true });
  const c = await generateKeyPair('ES256', { extractable: true });
  [rsa, rsa384, ec] = [a.privateKey, b.privateKey, c.privateKey];
  hmac = new Uint8Array(32).fill(7);
  jwks = [
    { ...(await exportJWK(a.publicKey)), kid: 'rsa', alg: 'RS256' },
    { ...(await exportJWK(b.publicKey)), kid: 'rsa384', alg: 'RS384' },
    { ...(await exportJWK(c.publicKey)), kid: 'ec', alg: 'ES256' },
  ];
});

const valid: JWTPayload = { iss: ISSUER, aud: AUDIENCE, sub: 'alex', email: 'alex@vendor.test', exp: T + 300, iat: T - 10, scope: `openid ${SCOPE}` };

async function sign(payload: JWTPayload, header: { alg?: string; kid?: string | null } = {}): Promise<string> {
  const alg = header.alg ?? 'RS256';
  const kid = header.kid === null ? undefined : (header.kid ?? (alg === 'RS384' ? 'rsa384' : alg === 'ES256' ? 'ec' : 'rsa'));
  const key = alg === 'HS256' ? hmac : alg === 'RS384' ? rsa384 : alg === 'ES256' ? ec : rsa;
  return new SignJWT(payload).setProtectedHeader({ alg, ...(kid ? { kid } : {}) }).sign(key);
}

const without = (claim: string): JWTPayload => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== claim));

async function decide(token: string | undefined, scopes: string[] = [], audience: string | string[] = AUDIENCE): Promise<JwtDecision> {
  return jwtAuthorizer({ issuer: ISSUER, audience }, createLocalJWKSet({ keys: jwks }))(token, scopes, NOW);
}

describe('the local JWT authorizer checks what API Gateway checks', () => {
  test.each<[string, () => Promise<string | undefined>, number | 'ok', string[]?]>([
    ['a bare token', () => sign(valid), 'ok'],
    ['Bearer <token>', async () => `Bearer ${await sign(valid)}`, 'ok'],
    ['bearer in lower case', async () => `bearer ${await sign(valid)}`, 'ok'],
    ['no header', async () => undefined, 401],
    ['another scheme', async () => `Basic ${await sign(valid)}`, 401],
    ['not a JWT', async () => 'Bearer abc.def', 401],
    ['RS384', () => sign(valid, { alg: 'RS384' }), 'ok'],
    ['ES256 (not RSA)', () => sign(valid, { alg: 'ES256' }), 401],
    ['HS256 (not RSA)', () => sign(valid, { alg: 'HS256' }), 401],
    ['no kid', () => sign(valid, { kid: null }), 401],
    ['an unknown kid', () => sign(valid, { kid: 'other' }), 401],
    ['a tampered payload', async () => { const [h, , s] = (await sign(valid)).split('.'); return `${h}.${Buffer.from(JSON.stringify({ ...valid, sub: 'eve' })).toString('base64url')}.${s}`; }, 401],
    ['another issuer', () => sign({ ...valid, iss: 'https://evil.test' }), 401],
    ['another audience', () => sign({ ...valid, aud: 'other-app' }), 401],
    ['audience in a list', () => sign({ ...valid, aud: ['x', AUDIENCE] }), 'ok'],
    ['no aud, client_id matches', () => sign({ ...without('aud'), client_id: AUDIENCE }), 'ok'],
    ['no aud, client_id of another client', () => sign({ ...without('aud'), client_id: 'other-app' }), 401],
    ['aud wrong though client_id matches', () => sign({ ...valid, aud: 'other-app', client_id: AUDIENCE }), 401],
    ['no exp', () => sign(without('exp')), 401],
    ['exp now', () => sign({ ...valid, exp: T }), 401],
    ['exp passed', () => sign({ ...valid, exp: T - 1 }), 401],
    ['nbf in the future', () => sign({ ...valid, nbf: T + 5 }), 401],
    ['nbf now', () => sign({ ...valid, nbf: T }), 'ok'],
    ['iat in the future', () => sign({ ...valid, iat: T + 5 }), 401],
    ['the route scope', () => sign(valid), 'ok', [SCOPE]],
    ['one of the route scopes', () => sign(valid), 'ok', ['other', SCOPE]],
    ['scp as a list', () => sign({ ...without('scope'), scp: [SCOPE] }), 'ok', [SCOPE]],
    ['without the route scope (an ID token)', () => sign(without('scope')), 403, [SCOPE]],
    ['a scope that only starts like it', () => sign({ ...valid, scope: `${SCOPE}x` }), 403, [SCOPE]],
  ])('%s → %s', async (_, token, expected, scopes = []) => {
    const decision = await decide(await token(), scopes);
    expect(decision.ok ? 'ok' : decision.status).toBe(expected);
  });

  test('claims reach the function as strings, as API Gateway passes them; scopes only for a route with scopes', async () => {
    const decision = await decide(await sign({ ...valid, groups: ['a', 'b'], level: 3 }), [SCOPE]);
    expect(decision).toMatchObject({ ok: true, scopes: ['openid', SCOPE], claims: { sub: 'alex', email: 'alex@vendor.test', exp: String(T + 300), groups: '[a b]', level: '3' } });
    expect(await decide(await sign(valid))).toMatchObject({ ok: true, scopes: null });
  });

  test('keys come from the discovery document\'s jwks_uri, fetched once', async () => {
    const seen: string[] = [];
    const server: Server = createServer((req, res) => {
      seen.push(req.url!);
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (req.url === '/issuer/.well-known/openid-configuration') return res.end(JSON.stringify({ issuer: `${base}/issuer`, jwks_uri: `${base}/keys/elsewhere` }));
      if (req.url === '/keys/elsewhere') return res.end(JSON.stringify({ keys: jwks }));
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/issuer`;
      const authorize = jwtAuthorizer({ issuer, audience: AUDIENCE }, discoveredKeys(issuer));
      const token = await sign({ ...valid, iss: issuer });
      expect(await authorize(token, [], NOW)).toMatchObject({ ok: true });
      expect(await authorize(token, [], NOW)).toMatchObject({ ok: true });
      expect(seen).toEqual(['/issuer/.well-known/openid-configuration', '/keys/elsewhere']);
    } finally {
      server.close();
    }
  });
});
