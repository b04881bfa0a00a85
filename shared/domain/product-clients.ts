import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from './errors';
import type { ProductClient } from './model';
import type { Store } from '../ports/store';

/**
 * The customer product's credentials (for introspection and activity reports), one pair per org,
 * created when the org is provisioned. The secret is 256 random bits, so a SHA-256 of it is a safe
 * stored form; the secret itself is shown once.
 */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export function newProductClient(orgId: string, secret: string, now: Date, suffix: string): ProductClient {
  return { clientId: `${orgId}.product.${suffix}`, orgId, secretHash: hashSecret(secret), createdAt: now.toISOString() };
}

const REFUSED = 'The product credentials are missing or wrong: send HTTP Basic with the client id and secret issued for the org.';

/** The product client these credentials belong to, or 401. */
export async function authenticateProduct(store: Store, credentials: { clientId: string; secret: string } | undefined): Promise<ProductClient> {
  if (!credentials) throw new UnauthenticatedError(REFUSED);
  const client = await store.getProductClient(credentials.clientId);
  const given = Buffer.from(hashSecret(credentials.secret), 'hex');
  if (!client || !timingSafeEqual(given, Buffer.from(client.secretHash, 'hex'))) throw new UnauthenticatedError(REFUSED);
  return client;
}
