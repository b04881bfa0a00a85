import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { layout } from './fixtures';

/** Signs claims with the test stack's own session key (to build wrong-audience or expired tokens). */
export async function signWithStackKey(claims: JWTPayload, header: { kid?: string } = {}): Promise<string> {
  const file = JSON.parse(readFileSync(join(layout.dataDir, 'keys', 'session-signing-key.json'), 'utf8')) as { kid: string; privateJwk: JWK };
  const key = await importJWK(file.privateJwk, 'ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: header.kid ?? file.kid, typ: 'JWT' }).sign(key);
}

/** Signs claims with a key nobody published, under the stack key's `kid` or another. */
export async function signWithStrangerKey(claims: JWTPayload, kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(privateKey);
}

/** The claims of a JWT, unverified (for building variants of a real token). */
export const claimsOf = (token: string): JWTPayload & Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));

/** The token with one character of its payload changed. */
export function tamper(token: string): string {
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8'));
  claims.level = 'admin';
  return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
}
