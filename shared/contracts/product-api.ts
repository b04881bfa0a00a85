import * as z from 'zod/mini';
import { contract } from './contract';
import { isoTime, line, meta, once } from './fields';
import { views } from './views';

/** The product API: the customer's product verifies session tokens, introspects them (RFC 7662) and reports activity. */

const TOKEN_REQUIRED = 'token is required: the session token support used.';
const token = meta(z.string({ error: TOKEN_REQUIRED }).check(z.minLength(1, { error: TOKEN_REQUIRED })), { description: 'The session token' });

const Jwk = once(() => meta(z.strictObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string(), kid: z.string(), alg: z.literal('ES256'), use: z.literal('sig') }), { id: 'Jwk' }));

const ActiveSession = once(() =>
  meta(
    z.strictObject({
      active: z.literal(true),
      token_type: z.literal('Bearer'),
      client_id: meta(z.string(), { description: 'The product client that asked' }),
      username: meta(z.string(), { description: 'The user support acts as (same as sub)' }),
      iss: z.string(),
      aud: z.string(),
      sub: z.string(),
      act: meta(z.strictObject({ sub: z.string(), email: z.string() }), { description: 'The agent (RFC 8693 actor claim)' }),
      org: z.string(),
      grant: z.string(),
      case: z.optional(z.string()),
      level: z.enum(['monitor', 'manage', 'admin']),
      workspaces: views().Workspaces,
      env: z.enum(['production', 'sandbox']),
      scope: meta(z.string(), { description: '"read", or "read write"' }),
      jti: meta(z.string(), { description: 'The session id' }),
      iat: z.int(),
      exp: z.int(),
    }),
    { id: 'ActiveSession' },
  ),
);

export const PRODUCT_CONTRACTS = {
  'GET /.well-known/jwks.json': contract(() => ({
    summary: 'The public keys session tokens are signed with',
    description: 'Cacheable for 5 minutes; after a key rotation the old key stays listed until its tokens have expired.',
    security: 'public',
    responses: () => ({ 200: { description: 'A JWK set', schema: z.strictObject({ keys: z.array(Jwk()) }), headers: { 'cache-control': 'public, max-age=300' } } }),
    problems: [],
    example: { status: 200, response: { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k-3f2a', alg: 'ES256', use: 'sig' }] } },
  })),

  'POST /oauth/introspect': contract(() => ({
    summary: 'Is this session token live right now? (RFC 7662)',
    description: '`active: false` the moment the grant expires, is revoked or ends with its case, or the session is ended. Never cached.',
    security: 'product',
    bodyMedia: 'application/x-www-form-urlencoded',
    body: z.strictObject({ token, token_type_hint: meta(z.optional(z.string().check(z.maxLength(100))), { description: 'Ignored (RFC 7662 allows it)' }) }),
    responses: () => ({ 200: { description: 'Live with its claims, or not', schema: z.union([z.strictObject({ active: z.literal(false) }), ActiveSession()]) } }),
    problems: [400, 401],
    example: { request: { token: 'eyJhbGciOiJFUzI1NiJ9.…' }, status: 200, response: { active: false } },
  })),

  'POST /activity': contract(() => ({
    summary: 'Report one action support took in a session',
    description: 'Recorded in the org\'s audit trail with the agent, the user acted as, the case and the justification. Only for a live session of the product\'s own org.',
    security: 'product',
    body: z.strictObject({
      token,
      action: line('action', 200),
      resource: line('resource', 500),
      at: meta(z.optional(isoTime('at')), { description: 'When it happened (now if absent)' }),
    }),
    responses: () => ({ 201: { description: 'Recorded', schema: z.strictObject({ recorded: z.literal(true), at: views().time }) } }),
    problems: [400, 401, 403],
    example: { request: { token: 'eyJhbGciOiJFUzI1NiJ9.…', action: 'invoice.updated', resource: 'invoice/981' }, status: 201, response: { recorded: true, at: '2026-11-26T10:02:00.000Z' } },
  })),
};
