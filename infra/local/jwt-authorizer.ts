import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** What the stack's HTTP API JWT authorizer is configured with. */
export interface JwtAuthorizerConfig {
  issuer: string;
  /** Accepted audiences: matched against `aud`, or against `client_id` when the token has no `aud`. */
  audience: string | string[];
}

/** What API Gateway hands the function, or how it refuses. */
export type JwtDecision =
  | { ok: true; claims: Record<string, string>; scopes: string[] | null }
  | { ok: false; status: 401 | 403; reason: string };

/** HTTP API JWT authorizers accept RSA signatures only. */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512'];

/**
 * The keys of an issuer, the way API Gateway finds them: its discovery document's `jwks_uri`
 * (not a guessed path), fetched once and cached; the key set itself caches and refreshes on an
 * unknown `kid`.
 */
export function discoveredKeys(issuer: string): JWTVerifyGetKey {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const load = async () => {
    const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
    if (!res.ok) throw new Error(`discovery answered ${res.status}`);
    const { jwks_uri: uri } = (await res.json()) as { jwks_uri?: string };
    if (!uri) throw new Error('discovery has no jwks_uri');
    return createRemoteJWKSet(new URL(uri));
  };
  return async (header, token) => {
    keys ??= load().catch((error: unknown) => {
      keys = undefined; // a failed discovery is tried again on the next request
      throw error;
    });
    return (await keys)(header, token);
  };
}

/** Claims as API Gateway passes them: strings; arrays as `[a b]`, other values as JSON. */
export function stringClaims(payload: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, typeof v === 'string' ? v : Array.isArray(v) ? `[${v.join(' ')}]` : JSON.stringify(v)]));
}

const scopesOf = (payload: JWTPayload): string[] => {
  const raw = payload.scope ?? payload.scp;
  return typeof raw === 'string' ? raw.split(' ').filter(Boolean) : Array.isArray(raw) ? raw.map(String) : [];
};

const refuse = (reason: string, status: 401 | 403 = 401): JwtDecision => ({ ok: false, status, reason });

/**
 * The local stand-in for API Gateway's JWT authorizer, checking what it checks: a token with or
 * without `Bearer `; an RSA algorithm and a `kid`; the signature against the issuer's keys; `iss`;
 * `aud` — or `client_id` when `aud` is absent — among the audiences; `exp` present and after now,
 * `nbf` and `iat` not after now; and, for a route with scopes, at least one of them in the token
 * (else 403). Everything else is a 401.
 */
export function jwtAuthorizer(config: JwtAuthorizerConfig, keys: JWTVerifyGetKey = discoveredKeys(config.issuer)) {
  const audiences = [config.audience].flat();
  return async (authorization: string | undefined, routeScopes: readonly string[], now: Date): Promise<JwtDecision> => {
    const token = /^(?:Bearer\s+)?(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
    if (!token) return refuse('no token');
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      return refuse('not a JWT');
    }
    if (!header.alg || !JWT_ALGORITHMS.includes(header.alg)) return refuse(`algorithm ${header.alg} is not RSA`);
    if (!header.kid) return refuse('no kid');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer: config.issuer, algorithms: JWT_ALGORITHMS, requiredClaims: ['exp'], currentDate: now, clockTolerance: 0 }));
    } catch (error) {
      return refuse(error instanceof errors.JOSEError ? error.code : `keys unavailable: ${String(error)}`);
    }
    const seconds = Math.floor(now.getTime() / 1000);
    if (typeof payload.iat === 'number' && payload.iat > seconds) return refuse('issued in the future');
    const audience = payload.aud ?? payload.client_id;
    if (![audience].flat().some((a) => typeof a === 'string' && audiences.includes(a))) return refuse('audience');
    const scopes = scopesOf(payload);
    if (routeScopes.length && !routeScopes.some((s) => scopes.includes(s))) return refuse('scope', 403);
    return { ok: true, claims: stringClaims(payload as Record<string, unknown>), scopes: routeScopes.length ? scopes : null };
  };
}
