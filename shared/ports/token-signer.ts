import type { JWK } from 'jose';

/** Signs "log in as" session tokens; the private key never leaves the adapter. */
export interface TokenSigner {
  sign(claims: Record<string, unknown>): Promise<string>;
  /** The public keys the product verifies with. */
  publicJwks(): Promise<{ keys: JWK[] }>;
}
